"""Relevance of search on a hand-judged Vietnamese set (bench/relevance_set.py): MRR@10 and
nDCG@10 per backend, overall and by kind of query (accent-free, mixed case, digits for number
words, "lớp N", ...). Also, on tantivy, the same figures with a ranking rule switched off, to
show what each rule is worth. Exits 0.

    python bench/relevance.py [--es-url URL]   (default: osmem-server started here, or
                                                KHOLIEU_TEST_ES_URL when set)
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import xquad  # noqa: E402
from bench.relevance_set import documents, queries  # noqa: E402
from kholieu.content import policy as content_policy  # noqa: E402
from kholieu.search import query as q  # noqa: E402
from kholieu.search.fields import prepare  # noqa: E402
from kholieu.search.service import SearchService  # noqa: E402

K = 10


def metrics(ranked: list[str], judged: dict[str, int]) -> tuple[float, float]:
    """Reciprocal rank of the first wanted document (gain 2), and nDCG with graded gains."""
    top = ranked[:K]
    rr = next((1 / (i + 1) for i, doc in enumerate(top) if judged.get(doc) == 2), 0.0)
    dcg = sum((2 ** judged.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(top))
    ideal = sorted(judged.values(), reverse=True)[:K]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return rr, dcg / idcg if idcg else 0.0


def evaluate(backend, docs: list[dict] | None = None, judged_queries=None):
    """MRR@10 and nDCG@10 by kind of query; the project's set unless told otherwise
    (``judged_queries``: objects with ``text``, ``judged`` and ``kind``)."""
    docs = documents() if docs is None else docs
    backend.rebuild("content", [[prepare("content", d) for d in docs]])
    backend.refresh("content")
    service = SearchService(backend, outbox=None)  # type: ignore[arg-type]
    service.add_scope("content", content_policy.search_scope)
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query in queries() if judged_queries is None else judged_queries:
        request = q.SearchRequest(index="content", text=query.text, size=K, facets=False)
        ranked = [hit.id for hit in service.search(None, request, system=True).hits]
        figures = metrics(ranked, query.judged)
        by_kind[query.kind].append(figures)
        by_kind["all"].append(figures)
    return {
        kind: (sum(r for r, _ in rows) / len(rows), sum(n for _, n in rows) / len(rows), len(rows))
        for kind, rows in by_kind.items()
    }


@dataclass(frozen=True)
class Judged:
    text: str
    judged: dict[str, int]
    kind: str


def xquad_queries() -> tuple[list[dict], list[Judged]]:
    docs, questions = xquad.load()
    judged = [Judged(x.text, {x.passage: 2}, "as written") for x in questions]
    judged += [Judged(xquad.accent_free(x.text), {x.passage: 2}, "accent-free") for x in questions]
    return docs, judged


def bm25_floor(docs: list[dict], judged: list[Judged]) -> dict[str, tuple[float, float, int]]:
    ranker = xquad.BM25(docs)
    rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query in judged:
        figures = metrics(ranker.rank(query.text, K), query.judged)
        rows[query.kind].append(figures)
    return {
        kind: (sum(r for r, _ in v) / len(v), sum(n for _, n in v) / len(v), len(v))
        for kind, v in rows.items()
    }


def show_xquad(name: str, results, floor) -> None:
    print(f"\n{name}, XQuAD vi:")
    for kind in ("as written", "accent-free"):
        mrr, ndcg, count = results[kind]
        base = floor[kind][0]
        print(f"  {kind:<12} MRR@10 {mrr:.3f}  nDCG@10 {ndcg:.3f}  ({count})  "
              f"{mrr / base:.2f}× BM25 {base:.3f}")  # fmt: skip
    ratio = results["accent-free"][0] / results["as written"][0]
    print(f"  accent-free / as written: {ratio:.2f}")


def show(name: str, results: dict[str, tuple[float, float, int]]) -> None:
    mrr, ndcg, count = results["all"]
    print(f"\n{name}: MRR@10 {mrr:.3f}  nDCG@10 {ndcg:.3f}  ({count} queries)")
    for kind in sorted(k for k in results if k != "all"):
        mrr, ndcg, count = results[kind]
        print(f"  {kind:<12} MRR@10 {mrr:.3f}  nDCG@10 {ndcg:.3f}  ({count})")


def tantivy_backend():
    from kholieu.search.tantivy_backend import TantivyBackend

    return TantivyBackend(Path(tempfile.mkdtemp(prefix="relevance-")))


def report(name: str, backend_of, xq) -> None:
    """The project's set and XQuAD vi on one backend (``backend_of()``: a fresh one)."""
    show(name, evaluate(backend_of()))
    docs, judged = xq
    show_xquad(name, evaluate(backend_of(), docs, judged), bm25_floor(docs, judged))


# Each ranking rule switched off in turn: (what, setting in kholieu.search.query, off value).
RULES = [
    ("function words apart", "FUNCTION_WORDS_APART", False),
    ("a third of a long query", "LONG_QUERY", 10**6),
    ("the as-typed boost", "EXACT_BOOST", 0.0),
    ("the phrase boost", "PHRASE_BOOST", 0.0),
    ("word segmentation", "COMPOUND_BOOST", 0.0),
    ("the grade boost", "GRADE_BOOST", 0.0),
]


def contributions(xq) -> None:
    docs, judged = xq
    print("\nwhat each rule is worth (tantivy; MRR@10 without it, own set / XQuAD as written / "
          "accent-free):")  # fmt: skip
    for name, setting, value in [("nothing (all rules on)", None, None), *RULES]:
        saved = getattr(q, setting) if setting else None
        if setting:
            setattr(q, setting, value)
        try:
            own = evaluate(tantivy_backend())["all"][0]
            theirs = evaluate(tantivy_backend(), docs, judged)
        finally:
            if setting:
                setattr(q, setting, saved)
        print(f"  without {name:<30} {own:.3f} / {theirs['as written'][0]:.3f} / "
              f"{theirs['accent-free'][0]:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default=os.environ.get("KHOLIEU_TEST_ES_URL"))
    parser.add_argument("--tantivy-only", action="store_true", help="skip Elasticsearch")
    parser.add_argument("--no-rules", action="store_true", help="skip the per-rule figures")
    args = parser.parse_args()
    xq = xquad_queries()
    print(f"relevance set: {len(documents())} documents, {len(queries())} judged queries; "
          f"XQuAD vi: {len(xq[0])} passages, {len(xq[1]) // 2} questions")  # fmt: skip
    report("tantivy (embedded)", tantivy_backend, xq)
    if not args.tantivy_only:
        from tests.support import search_engines

        osmem = None
        url = args.es_url
        if not url:
            osmem = search_engines.start_osmem(Path(tempfile.mkdtemp(prefix="osmem-")))
            url = osmem.url
        try:
            backend = search_engines.elastic_backend(url)
            label = "elasticsearch (osmem-server)" if osmem else f"elasticsearch ({url})"
            report(label, lambda: backend, xq)
            search_engines.drop_indices(backend)
        finally:
            if osmem:
                osmem.stop()
    if not args.no_rules:
        contributions(xq)


if __name__ == "__main__":
    main()
