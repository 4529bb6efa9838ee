"""Question import throughput and memory: 35,000 generated realistic questions (every type,
with math; kholieu/demo/questions.py) written as JSONL, XLSX and DOCX, then each file imported
into a fresh embedded database by `kholieu questions import`'s code, in a child process per
format so its peak memory is its own. Prints, per format: seconds, questions per second, peak
RSS, and what became of the questions (imported, duplicates, rejected). The peer for the
parsers is the same run's pure validation of the same questions (no file, no database), as a
ratio. The child runs the code the web import job runs (``importer.run``), so its peak is what
an import adds to the process that runs the job. Goals: JSONL in ≤ 30 s on this 2-core
machine; DOCX peak RSS ≤ 512 MB (issue 15: 722 MB before the Word body was streamed, at
79.4 s; 193 MB after, at 81.9 s). Exits 0.

With ``mathtype`` among the formats (or ``--mathtype`` alone), a Word paper of 50 questions
holding 350 MathType equations as Word embeds them (the real objects of
../shared/conformance/mathtype/, each with a preview picture) is imported too, and questions
and equations per second printed, with how many equations became LaTeX.

    python bench/import.py [--count 35000] [--formats jsonl,xlsx,docx,mathtype]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
from kholieu.config import load_settings
from kholieu.db.migrate import upgrade
from kholieu.services import build_services
path, data = Path(sys.argv[1]), Path(sys.argv[2])
settings = load_settings(data_dir=data, search_url="null://", log_format="json")
services = build_services(settings)
upgrade(services.engine)
def status(field):  # ru_maxrss survives exec on Linux (the parent's peak); VmHWM does not
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
before = status("VmRSS:")
start = time.perf_counter()
report = services.importer.run([path])
seconds = time.perf_counter() - start
peak = status("VmHWM:")
print(json.dumps({"seconds": seconds, "peak_kb": peak, "base_kb": before,
                  "imported": report.imported, "duplicates": len(report.duplicates),
                  "rejected": len(report.rejected), "warnings": len(report.warnings)}))
"""


def write_files(count: int, folder: Path, formats: list[str]) -> dict[str, Path]:
    from kholieu.bank.formats import writer_for
    from kholieu.bank.schemas import QuestionIn
    from kholieu.demo.questions import questions

    bank = []
    for q in questions(count):
        data = QuestionIn.model_validate(q)
        bank.append({"type": data.type.value, **data.body(), **data.meta()})
    paths = {}
    for fmt in formats:  # (the bank is freed before the imports: they run in children)
        path = folder / f"bank.{fmt}"
        start = time.perf_counter()
        with open(path, "wb") as out:
            writer_for(fmt)(bank, out, images=None)
        print(f"wrote {path.name}: {path.stat().st_size / 2**20:.1f} MiB in "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr)  # fmt: skip
        paths[fmt] = path
    return paths


EQUATIONS_PER_QUESTION = 7  # three in the stem, one in each option
MATHTYPE_QUESTIONS = 50
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "conformance" / "mathtype"


def write_mathtype_paper(folder: Path) -> Path:
    """50 questions of 7 MathType equations each, in the soft-line-break layout of national
    exam papers, the key in an answer string at the end."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from docx import Document

    from tests.support.docx import add_mathtype

    objects = sorted(SHARED.glob("**/input/**/*.bin"))
    if not objects:
        raise SystemExit(f"no MathType objects under {SHARED}")
    blobs = [path.read_bytes() for path in objects]
    preview = b"\xd7\xcd\xc6\x9a" + bytes(18)  # a placeholder WMF header: shown only on failure
    document, used = Document(), 0
    for number in range(1, MATHTYPE_QUESTIONS + 1):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"Câu {number}:").bold = True
        paragraph.add_run(" Cho ")
        for _ in range(3):
            add_mathtype(paragraph, blobs[used % len(blobs)], preview)
            used += 1
            paragraph.add_run(" và ")
        paragraph.add_run(". Chọn đáp án đúng.")
        for index in range(4):
            if index in (0, 2):
                paragraph.add_run().add_break()
            else:
                paragraph.add_run("\t")
            paragraph.add_run(f"{chr(65 + index)}. ").bold = True
            add_mathtype(paragraph, blobs[used % len(blobs)], preview)
            used += 1
    document.add_paragraph("|".join(f"{n}:{'ABCD'[n % 4]}" for n in range(1, 51)))
    path = folder / "mathtype.docx"
    document.save(path)
    size = path.stat().st_size / 2**20
    print(f"wrote {path.name}: {MATHTYPE_QUESTIONS} questions, {used} MathType objects "
          f"({len(blobs)} distinct), {size:.1f} MiB", file=sys.stderr)  # fmt: skip
    return path


def validation_only(count: int) -> float:
    """The floor: checking the same questions in memory, no file, no database."""
    from kholieu.bank import dedup
    from kholieu.bank.schemas import QuestionIn
    from kholieu.demo.questions import questions

    bank = list(questions(count))
    start = time.perf_counter()
    for q in bank:
        data = QuestionIn.model_validate(q)
        dedup.signature(data.type.value, data.body())
    return time.perf_counter() - start


def import_once(path: Path, data: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(data)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=35_000)
    parser.add_argument("--formats", default="jsonl,xlsx,docx")
    args = parser.parse_args()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}")
    print(f"questions: {args.count} generated (every type, with LaTeX), embedded SQLite")
    floor = validation_only(args.count)
    print(f"validation + duplicate signatures only: {floor:.1f} s "
          f"({args.count / floor:,.0f} questions/s)")  # fmt: skip
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "mathtype" in formats:
            formats.remove("mathtype")
            mathtype(folder)
        paths = write_files(args.count, folder, formats) if formats else {}
        for fmt, path in paths.items():
            data = folder / f"data-{fmt}"
            result = import_once(path, data)
            rate = args.count / result["seconds"]
            peak = result["peak_kb"] / 1024
            growth = (result["peak_kb"] - result["base_kb"]) / 1024
            goal = " (goal ≤ 30 s)" if fmt == "jsonl" else ""
            memory_goal = " (goal ≤ 512 MB)" if fmt == "docx" else ""
            print(
                f"{fmt:>5}: {result['seconds']:.1f} s{goal}, {rate:,.0f} questions/s, "
                f"{result['seconds'] / floor:.1f}× the validation floor; peak RSS {peak:.0f} MB"
                f"{memory_goal} "
                f"(+{growth:.0f} MB over the process before the import); "
                f"imported {result['imported']}, "
                f"duplicates {result['duplicates']}, rejected {result['rejected']}"
            )


def mathtype(folder: Path) -> None:
    result = import_once(write_mathtype_paper(folder), folder / "data-mathtype")
    equations = MATHTYPE_QUESTIONS * EQUATIONS_PER_QUESTION
    print(
        f"mathtype docx: {result['seconds']:.2f} s, "
        f"{MATHTYPE_QUESTIONS / result['seconds']:,.0f} questions/s, "
        f"{equations / result['seconds']:,.0f} equations/s; imported {result['imported']}, "
        f"duplicates {result['duplicates']}, rejected {result['rejected']}, "
        f"warnings {result.get('warnings', 0)}; "
        f"peak RSS {result['peak_kb'] / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
