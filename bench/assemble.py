"""Assembly speed: 24 versions (mã đề) of the 2025 Toán paper from a 35,000-question bank in the
embedded database. Goal: ≤ 1 s. Also the printed set (24 PDF and Word papers, keys, answer
sheet) for the same versions. Exits 0.

    python bench/assemble.py [--bank 35000] [--versions 24] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kholieu.bank import dedup  # noqa: E402
from kholieu.bank.schemas import QuestionIn  # noqa: E402
from kholieu.config import load_settings  # noqa: E402
from kholieu.db.migrate import upgrade  # noqa: E402
from kholieu.quiz import blueprint as bp  # noqa: E402
from kholieu.quiz.assembly import assemble  # noqa: E402
from kholieu.quiz.printing import paper_set, papers  # noqa: E402
from kholieu.services import build_services  # noqa: E402

SUBJECTS = ("toan", "vat-li", "hoa-hoc", "sinh-hoc", "lich-su", "dia-li", "tieng-anh", "tin-hoc")
TYPES = (("single_choice", 6), ("true_false_group", 2), ("short_answer", 2))
LEVELS = ("nhan_biet", "thong_hieu", "van_dung", "van_dung_cao")


def question(rng: random.Random, n: int) -> dict:
    """A distinct question (its numbers differ from every other's) with formulas."""
    qtype = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    a, b = rng.randint(2, 99), n
    base = {"type": qtype, "subject": rng.choice(SUBJECTS), "grade": rng.choice((10, 11, 12)),
            "level": rng.choice(LEVELS), "status": "ready",
            "explanation": f"Ta có ${a} \\cdot {b} = {a * b}$."}  # fmt: skip
    if qtype == "single_choice":
        options = [str(a + b), str(a - b), str(a * b), str(b - a)]
        stem = f"Tính $\\sqrt{{{a * a}}} + \\frac{{{b}}}{{1}}$ (câu {n})."
        return base | {"stem": stem, "options": options, "answer": 0}
    if qtype == "true_false_group":
        return base | {"stem": f"Cho $f(x) = {a}x + {b}$.", "answer": [True, False, True, False],
                       "statements": [f"$f(0) = {b}$", f"$f(1) = {a}$", f"$f'(x) = {a}$",
                                      f"$f(-1) = {b + a}$"]}  # fmt: skip
    return base | {
        "stem": f"Tính ${a} + {b % 100}$ (câu {n}).",
        "answer": str((a + b % 100) % 10000),
    }


def fill(services, count: int) -> None:
    rng = random.Random(2025)
    batch = []
    for n in range(1, count + 1):
        data = QuestionIn.model_validate(question(rng, n))
        batch.append((data, dedup.signature(data.type.value, data.body())))
        if len(batch) == 1000 or n == count:
            with services.sessions.begin() as session:
                services.questions.create_many(session, None, batch)
            batch = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=int, default=35_000)
    parser.add_argument("--versions", type=int, default=24)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="assemble-bench-"))
    settings = load_settings(data_dir=work, search_url="null://", log_format="json")
    services = build_services(settings)
    upgrade(services.engine)
    started = time.perf_counter()
    fill(services, args.bank)
    print(f"machine: {os.cpu_count()} cores; bank: {args.bank:,} ready questions "
          f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    plan = bp.exam_2025("toan")
    timings = []
    for run in range(args.runs):
        with services.sessions() as session:
            started = time.perf_counter()
            versions = assemble(session, plan, seed=run, versions=args.versions)
            timings.append(time.perf_counter() - started)
    print(f"{args.versions} versions of the 2025 Toán paper ({len(versions[0].items)} questions): "
          f"median {statistics.median(timings) * 1000:.0f} ms, min {min(timings) * 1000:.0f} ms, "
          f"max {max(timings) * 1000:.0f} ms over {args.runs} seeds (goal ≤ 1 s)")  # fmt: skip
    with services.sessions() as session:
        bodies = paper_set.bodies_of(session, versions)
    started = time.perf_counter()
    files = paper_set.write(work / "papers", plan, versions, bodies, seed=0, header=papers.Header())
    print(f"printed set: {len(files)} files (PDF and Word per version, keys, answer sheet) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    services.close()


if __name__ == "__main__":
    main()
