"""Textbooks: generating, reading (pypdf: every page's text and the outline) and storing a
300-page PDF, then searching inside it and through the pages index. Exits 0.

    python bench/textbook_reading.py [--pages 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kholieu.config import load_settings  # noqa: E402
from kholieu.content.schemas import ContentIn  # noqa: E402
from kholieu.db.migrate import upgrade  # noqa: E402
from kholieu.demo.textbook_pdf import make_textbook  # noqa: E402
from kholieu.search.query import SearchRequest  # noqa: E402
from kholieu.services import build_services  # noqa: E402
from kholieu.textbooks.reading import read_pdf  # noqa: E402


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="textbook-bench-"))
    words = {42: "quỹ tích đặc biệt", args.pages - 1: "quỹ tích ở cuối sách"}
    made_s, pdf = timed(lambda: make_textbook(args.pages, words_on=words), args.runs)
    path = work / "sach.pdf"
    path.write_bytes(pdf)
    read_s, reading = timed(lambda: read_pdf(path), args.runs)
    print(f"generate {args.pages} pages: {made_s:.2f} s ({len(pdf) / 1e6:.1f} MB)")
    print(f"read {args.pages} pages + outline: {read_s:.2f} s "
          f"({args.pages / read_s:.0f} pages/s), {len(reading.sections)} chapters")  # fmt: skip

    settings = load_settings(data_dir=work, search_url=f"tantivy://{work}/index",
                             log_format="json", in_process_workers=0)  # fmt: skip
    services = build_services(settings)
    upgrade(services.engine)
    with services.sessions.begin() as session:
        item = services.content.create(session, None, ContentIn(
            kind="textbook", title="Toán 10", subject="toan", grade=10))  # fmt: skip
        services.content.attach(session, None, item.id, io.BytesIO(pdf), "sach.pdf")
        services.content.transition(session, None, item.id, "submit")
        services.content.transition(session, None, item.id, "approve")
        item_id = item.id
    with services.sessions() as session:
        file = services.content.file(session, item_id)
    started = time.perf_counter()
    with services.sessions.begin() as session:
        services.textbooks.store_reading(session, item_id, file.sha256, reading)
    stored_s = time.perf_counter() - started
    print(f"store {args.pages} pages and sections: {stored_s:.2f} s")
    started = time.perf_counter()
    services.outbox.drain()
    print(f"index {args.pages} page documents: {time.perf_counter() - started:.2f} s")

    def inside():
        with services.sessions() as session:
            return services.textbooks.search(session, None, item_id, "quy tich")

    inside_s, (total, _) = timed(inside, max(args.runs, 5))
    print(f"search inside the book (folded scan of {args.pages} pages): "
          f"{inside_s * 1000:.0f} ms, {total} pages")  # fmt: skip
    request = SearchRequest(index="pages", text="quỹ tích đặc biệt", facets=False)
    index_s, result = timed(lambda: services.searching.search(None, request), max(args.runs, 5))
    print(f"search the pages index: {index_s * 1000:.0f} ms, first hit {result.hits[0].id}")
    services.close()


if __name__ == "__main__":
    main()
