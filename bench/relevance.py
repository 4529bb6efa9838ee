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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def evaluate(backend) -> dict[str, tuple[float, float, int]]:
    docs = [prepare("content", d) for d in documents()]
    backend.rebuild("content", [docs])
    backend.refresh("content")
    service = SearchService(backend, outbox=None)  # type: ignore[arg-type]
    service.add_scope("content", content_policy.search_scope)
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query in queries():
        request = q.SearchRequest(index="content", text=query.text, size=K, facets=False)
        ranked = [hit.id for hit in service.search(None, request, system=True).hits]
        figures = metrics(ranked, query.judged)
        by_kind[query.kind].append(figures)
        by_kind["all"].append(figures)
    return {
        kind: (sum(r for r, _ in rows) / len(rows), sum(n for _, n in rows) / len(rows), len(rows))
        for kind, rows in by_kind.items()
    }


def show(name: str, results: dict[str, tuple[float, float, int]]) -> None:
    mrr, ndcg, count = results["all"]
    print(f"\n{name}: MRR@10 {mrr:.3f}  nDCG@10 {ndcg:.3f}  ({count} queries)")
    for kind in sorted(k for k in results if k != "all"):
        mrr, ndcg, count = results[kind]
        print(f"  {kind:<12} MRR@10 {mrr:.3f}  nDCG@10 {ndcg:.3f}  ({count})")


def tantivy_backend():
    from kholieu.search.tantivy_backend import TantivyBackend

    return TantivyBackend(Path(tempfile.mkdtemp(prefix="relevance-")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default=os.environ.get("KHOLIEU_TEST_ES_URL"))
    args = parser.parse_args()
    print(f"relevance set: {len(documents())} documents, {len(queries())} judged queries")
    show("tantivy (embedded)", evaluate(tantivy_backend()))

    from tests import search_engines

    osmem = None
    url = args.es_url
    if not url:
        osmem = search_engines.start_osmem(Path(tempfile.mkdtemp(prefix="osmem-")))
        url = osmem.url
    try:
        backend = search_engines.elastic_backend(url)
        label = "elasticsearch (osmem-server)" if osmem else f"elasticsearch ({url})"
        show(label, evaluate(backend))
        search_engines.drop_indices(backend)
    finally:
        if osmem:
            osmem.stop()

    print("\nwhat each rule is worth (tantivy, all queries):")
    for name, setting, value in [
        ("without the as-typed boost", "EXACT_BOOST", 0.0),
        ("without the phrase boost", "PHRASE_BOOST", 0.0),
        ("without the grade boost", "GRADE_BOOST", 0.0),
    ]:
        saved = getattr(q, setting)
        setattr(q, setting, value)
        try:
            mrr, ndcg, _ = evaluate(tantivy_backend())["all"]
        finally:
            setattr(q, setting, saved)
        print(f"  {name:<28} MRR@10 {mrr:.3f}  nDCG@10 {ndcg:.3f}")


if __name__ == "__main__":
    main()
