"""The production search backend: Elasticsearch 8/9 through the official client.

Each index is reached through an alias (``kholieu-content``, ``kholieu-questions``) that points
at one dated physical index; ``rebuild`` fills a new one and moves the alias in one atomic
``_aliases`` call, so searches never see a half-built index. Writes require the alias to exist:
a cluster that lost it (a new or emptied cluster) reports ``IndexMissing`` and the outbox
rebuilds the index from the database, instead of Elasticsearch silently creating an index
with guessed mappings.

Mappings and analysers are defined here. Every text field has the exact analyser (words of
letters and digits, lowercased) and a folded sub-field ``.f`` (plus ``asciifolding``); the
embedded backend analyses the same way.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

import urllib3
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from kholieu.errors import SearchUnavailable
from kholieu.search import query as q
from kholieu.search import snippets
from kholieu.search.backend import IndexMissing
from kholieu.search.fields import STORED, IndexSchema, schema

FACET_SIZE = 100
# A rebuild renews its heartbeat this often; one silent for BUILD_STALE_S was killed.
BUILD_HEARTBEAT_S = 30.0
BUILD_STALE_S = 600.0
SEPARATORS = "[_.,:;'’·]"
# The standard tokenizer keeps "3,14", "x_1" and "don't" whole, where tantivy's tokenizer and
# our query parser split them: those separators become spaces first. (A pattern tokenizer on
# \p{L}\p{N} would say the same more directly, but the emulator used in tests does not apply
# Unicode classes when indexing.)
ANALYSIS = {
    "char_filter": {
        "vi_separators": {"type": "pattern_replace", "pattern": SEPARATORS, "replacement": " "},
    },
    "analyzer": {
        "vi": {
            "type": "custom", "tokenizer": "standard", "char_filter": ["vi_separators"],
            "filter": ["lowercase"],
        },
        "vi_fold": {
            "type": "custom", "tokenizer": "standard", "char_filter": ["vi_separators"],
            "filter": ["lowercase", "asciifolding"],
        },
    },
}  # fmt: skip


def mappings(fields: IndexSchema) -> dict[str, Any]:
    text = {
        "type": "text", "analyzer": "vi",
        "fields": {"f": {"type": "text", "analyzer": "vi_fold"}},
    }  # fmt: skip
    properties: dict[str, Any] = {"id": {"type": "keyword"}}
    properties |= {name: text for name in fields.text}
    properties |= {name: {"type": "keyword"} for name in fields.keywords}
    properties["updated_at"] = {"type": "date"}
    properties["popularity"] = {"type": "integer"}
    return {"dynamic": "strict", "properties": properties}


def _building() -> dict[str, Any]:
    return {"kholieu_build": {"heartbeat": time.time()}}


class ElasticBackend:
    """``timeout`` bounds each read of a response and ``connect_timeout`` a connection (the
    client's own timeout is one total per request, so the node pools get both here);
    ``retries`` are tried on the next node after a connection error or a 429/502/503/504, and
    after a timeout only when there is another node to try (a hung node asked again only
    doubles the wait)."""

    def __init__(
        self,
        hosts: list[str],
        *,
        prefix: str = "kholieu-",
        timeout: float = 5.0,
        connect_timeout: float = 2.0,
        retries: int = 2,
        node_class: Any = None,
    ) -> None:
        options: dict[str, Any] = {
            "request_timeout": timeout, "max_retries": retries,
            "retry_on_timeout": len(hosts) > 1,
        }  # fmt: skip
        if node_class is not None:
            options["node_class"] = node_class
        self.client = Elasticsearch(hosts, **options)
        for node in self.client.transport.node_pool.all():
            pool = getattr(node, "pool", None)  # urllib3's pool (the default node class)
            if pool is not None:
                pool.timeout = urllib3.Timeout(connect=connect_timeout, read=timeout)
        self.prefix = prefix

    def alias(self, index: str) -> str:
        schema(index)
        return f"{self.prefix}{index}"

    def _call(self, name: str, fn, /, *args, **kwargs):
        """Run one client call for index ``name``; an unreachable cluster or a missing index
        becomes ours."""
        try:
            return fn(*args, **kwargs)
        except NotFoundError as exc:
            raise IndexMissing(
                "Thiếu chỉ mục tìm kiếm {alias}", alias=self.alias(name), index=name
            ) from exc
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise SearchUnavailable("Không kết nối được Elasticsearch: {exc}", exc=exc) from exc
        except ApiError as exc:
            if exc.meta.status >= 500 or exc.meta.status == 429:
                raise SearchUnavailable(
                    "Elasticsearch trả lời {status}: {exc}", status=exc.meta.status, exc=exc
                ) from exc
            raise

    # -- writing -----------------------------------------------------------------------------

    def _bulk(self, index: str, actions: Iterable[dict[str, Any]], target: str, ignore=()) -> int:
        written = 0
        through_alias = target == self.alias(index)
        try:
            for ok, _item in streaming_bulk(
                self.client, actions, index=target, chunk_size=500, require_alias=through_alias,
                raise_on_error=True, raise_on_exception=True, ignore_status=ignore,
            ):  # fmt: skip
                written += ok
        except BulkIndexError as exc:
            errors = [next(iter(e.values())).get("error", {}) for e in exc.errors]
            if any(e.get("type") == "index_not_found_exception" for e in errors):
                raise IndexMissing(
                    "Thiếu chỉ mục tìm kiếm {target}", target=target, index=index
                ) from exc
            if any(e.get("type") == "strict_dynamic_mapping_exception" for e in errors):
                # built by an older release with other fields: rebuild with today's mappings
                raise IndexMissing(
                    "Chỉ mục tìm kiếm {target} đã cũ", target=target, index=index
                ) from exc
            raise SearchUnavailable(
                "Elasticsearch từ chối tài liệu: {value}", value=errors[:3]
            ) from exc
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise SearchUnavailable("Không kết nối được Elasticsearch: {exc}", exc=exc) from exc
        return written

    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        actions = ({"_id": doc["id"], "_source": doc} for doc in docs)
        self._bulk(index, actions, self.alias(index))

    def delete(self, index: str, ids: list[str]) -> None:
        actions = ({"_op_type": "delete", "_id": i} for i in ids)
        self._bulk(index, actions, self.alias(index), ignore=(404,))  # gone already: done

    def rebuild(self, index: str, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Fill a new physical index, then move the alias to it in one call. Until then the
        new index carries a heartbeat in its mapping's ``_meta``; a rebuild that fails deletes
        it, and one killed leaves it to the next rebuild, which deletes every index of ours
        that no alias names and whose heartbeat stopped ``BUILD_STALE_S`` ago."""
        alias = self.alias(index)
        self._sweep(index)
        physical = f"{alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 10**6:06d}"
        body = {
            "settings": {"analysis": ANALYSIS, "number_of_shards": 1, "refresh_interval": "-1"},
            "mappings": {**mappings(schema(index)), "_meta": _building()},
        }
        self._call(index, self.client.indices.create, index=physical, **body)
        try:
            actions = (
                {"_id": d["id"], "_source": d}
                for batch in self._beating(index, physical, batches)
                for d in batch
            )
            written = self._bulk(index, actions, physical)
            self._call(index, self.client.indices.put_settings, index=physical,
                       settings={"refresh_interval": "1s"})  # fmt: skip
            self._call(index, self.client.indices.refresh, index=physical)
            try:  # the physical indices behind the alias today (none on the first build)
                old = list(self._call(index, self.client.indices.get_alias, name=alias).body)
            except IndexMissing:
                old = []
        except BaseException:
            # the alias still names the old index; this one is garbage (if the cluster is
            # unreachable too, the next rebuild's sweep deletes it)
            with contextlib.suppress(Exception):
                self.client.indices.delete(index=physical, ignore_unavailable=True)
            raise
        # not undone when it fails: the cluster may have applied it; the sweep checks
        moves: list[dict[str, Any]] = [{"add": {"index": physical, "alias": alias}}]
        moves += [{"remove": {"index": name, "alias": alias}} for name in old]
        self._call(index, self.client.indices.update_aliases, actions=moves)
        for name in old:
            self._call(index, self.client.indices.delete, index=name, ignore_unavailable=True)
        return written

    def _beating(
        self, index: str, physical: str, batches: Iterable[list[dict[str, Any]]]
    ) -> Iterator[list[dict[str, Any]]]:
        """The batches, with the build's heartbeat renewed between them."""
        beat = time.time()
        for batch in batches:
            if time.time() - beat >= BUILD_HEARTBEAT_S:
                self._call(index, self.client.indices.put_mapping, index=physical,
                           meta=_building())  # fmt: skip
                beat = time.time()
            yield batch

    def _sweep(self, index: str) -> None:
        """Delete the physical indices of ``index`` that failed or were killed mid-build: no
        alias names them and their heartbeat (or, without one, their creation) is stale.
        The current index (behind the alias) and builds still beating are left alone."""
        alias = self.alias(index)
        try:
            found = self._call(
                index, self.client.indices.get, index=f"{alias}-*", expand_wildcards="all",
                ignore_unavailable=True, allow_no_indices=True,
            ).body  # fmt: skip
        except IndexMissing:  # nothing of ours yet
            return
        now = time.time()
        for name, info in found.items():
            if alias in (info.get("aliases") or {}):
                continue
            meta = (info.get("mappings") or {}).get("_meta") or {}
            beat = (meta.get("kholieu_build") or {}).get("heartbeat")
            if beat is None:
                created = (info.get("settings") or {}).get("index", {}).get("creation_date")
                beat = int(created) / 1000 if created else now
            if now - float(beat) > BUILD_STALE_S:
                self._call(index, self.client.indices.delete, index=name, ignore_unavailable=True)

    def refresh(self, index: str) -> None:
        self._call(index, self.client.indices.refresh, index=self.alias(index))

    def ping(self) -> None:
        try:
            self.client.info()
        except (TransportConnectionError, ConnectionTimeout, ApiError) as exc:
            raise SearchUnavailable("Không kết nối được Elasticsearch: {exc}", exc=exc) from exc

    def count(self, index: str) -> int:
        try:
            return self._call(index, self.client.count, index=self.alias(index))["count"]
        except IndexMissing:
            return 0

    # -- reading -----------------------------------------------------------------------------

    def search(self, plan: q.Plan) -> q.SearchResult:
        name = plan.index.name
        compiler = _Compiler(plan.index)
        request: dict[str, Any] = {
            "query": compiler.combine(plan.query, [plan.scope]),
            "from_": plan.offset, "size": plan.limit, "track_total_hits": True,
            "source": [*STORED, *plan.index.snippet_fields],  # snippets are built from the text
        }  # fmt: skip
        if plan.filters:
            request["post_filter"] = compiler.combine(None, list(plan.filters.values()))
        if plan.facets:
            request["aggs"] = {
                facet: {
                    "filter": compiler.combine(
                        None, [f for n, f in plan.filters.items() if n != facet]
                    ),
                    "aggs": {"values": {"terms": {"field": facet, "size": FACET_SIZE}}},
                }
                for facet in plan.facets
            }
        if plan.sort != "relevance":
            key = "updated_at" if plan.sort == "newest" else "popularity"
            request["sort"] = [{key: {"order": "desc", "missing": "_last"}}, "_score"]
        try:
            found = self._call(name, self.client.search, index=self.alias(name), **request)
        except IndexMissing:
            return q.SearchResult(0, [], {facet: {} for facet in plan.facets})
        hits = [self._hit(h, plan) for h in found["hits"]["hits"]]
        aggs = found.get("aggregations", {})
        facets = {
            facet: {
                str(b["key"]): int(b["doc_count"])
                for b in aggs.get(facet, {}).get("values", {}).get("buckets", [])
            }
            for facet in plan.facets
        }
        return q.SearchResult(total=found["hits"]["total"]["value"], hits=hits, facets=facets)

    def _hit(self, hit: dict[str, Any], plan: q.Plan | None = None) -> q.Hit:
        """A hit; with ``plan``, its snippet, built from the stored text as the embedded
        backend builds it (``kholieu.search.snippets``), not by Elasticsearch's highlighter,
        which chooses other fragments, cuts formulas and marks the digits a number word finds."""
        source = hit.get("_source", {})
        snippet = ""
        if plan is not None:
            texts = (_first(source, name) for name in plan.index.snippet_fields)
            snippet = snippets.build(texts, plan.marks if plan.highlight else ())
        return q.Hit(
            id=hit["_id"], kind=_first(source, "kind"), title=_first(source, "title"),
            score=float(hit.get("_score") or 0.0), snippet=snippet,
            subject=_first(source, "subject"), grade=_first(source, "grade"),
        )  # fmt: skip

    def suggest(self, index: str, query: q.Node, scope: q.Node | None, size: int) -> list[q.Hit]:
        compiler = _Compiler(schema(index))
        try:
            found = self._call(
                index, self.client.search, index=self.alias(index),
                query=compiler.combine(query, [scope]), size=size, source=list(STORED),
            )  # fmt: skip
        except IndexMissing:
            return []
        return [self._hit(h) for h in found["hits"]["hits"]]


def _first(source: dict[str, Any], name: str) -> str:
    value = source.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


class _Compiler:
    """The query model (``kholieu.search.query``) as Elasticsearch query DSL."""

    def __init__(self, fields: IndexSchema) -> None:
        self.fields = fields

    def field(self, name: str, folded: bool) -> str:
        return f"{name}.f" if folded and name in self.fields.text else name

    def combine(self, query: q.Node | None, filters: list[q.Node | None]) -> dict[str, Any]:
        scoring = self.compile(query) if query is not None else {"match_all": {}}
        filters = [self.compile(f) for f in filters if f is not None]
        return {"bool": {"must": [scoring], "filter": filters}} if filters else scoring

    def compile(self, node: q.Node) -> dict[str, Any]:
        match node:
            case q.Term(field, value, folded, boost):
                return {"term": {self.field(field, folded): {"value": value, "boost": boost}}}
            case q.Phrase(field, words, folded, boost):
                name = self.field(field, folded)
                return {"match_phrase": {name: {"query": " ".join(words), "boost": boost}}}
            case q.Prefix(field, words):
                return {"match_phrase_prefix": {self.field(field, True): " ".join(words)}}
            case q.Fuzzy(field, value, distance, boost):
                name = self.field(field, True)
                return {"fuzzy": {name: {"value": value, "fuzziness": distance, "boost": boost}}}
            case q.Keyword(field, values):
                return {"terms": {field: list(values)}}
            case q.Const(inner, score):
                return {"constant_score": {"filter": self.compile(inner), "boost": score}}
            case q.DisMax(clauses, tie):
                return {"dis_max": {"queries": [self.compile(c) for c in clauses],
                                    "tie_breaker": tie}}  # fmt: skip
            case q.Bool(must, should, filters, must_not, min_should):
                body: dict[str, Any] = {
                    "must": [self.compile(c) for c in must],
                    "should": [self.compile(c) for c in should],
                    "filter": [self.compile(c) for c in filters],
                    "must_not": [self.compile(c) for c in must_not],
                }
                if should and not must and not filters:
                    body["minimum_should_match"] = max(min_should, 1)
                elif min_should:
                    body["minimum_should_match"] = min_should
                return {"bool": {k: v for k, v in body.items() if v or k == "minimum_should_match"}}
        raise TypeError(f"cannot compile {node!r}")
