"""The embedded search backend: tantivy index files under the data directory.

Layout: ``<root>/<index>/CURRENT`` names the generation in use (``<root>/<index>/<generation>/``
holds tantivy's files). ``rebuild`` writes into ``building-<generation>/`` while holding
``building-<generation>.lock`` (an flock, released by the kernel when the process dies, even by
kill -9), renames the finished directory to ``<generation>/`` and only then replaces
``CURRENT`` with an atomic rename, so searches never see a half-built index and a killed
rebuild leaves the current one as it was. The switch keeps the generation it replaced (open
readers still use it) and removes the others, and the leftovers of killed builds (an unlocked
``building-…``); a build whose lock is held is in progress, and is left alone. Every process
notices the switch on its next call. Writers are opened per batch and closed at once: tantivy
allows one writer per index, and the web app, the worker and ``kholieu reindex`` may all want
to write. A writer that finds the lock taken, or a directory it cannot write (read-only, disk
full), reports the search backend as unavailable, and the outbox retries later.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import tantivy

from kholieu.errors import SearchUnavailable
from kholieu.search import query as q
from kholieu.search import snippets
from kholieu.search.backend import IndexMissing
from kholieu.search.fields import SCHEMAS, STORED, IndexSchema, schema

WRITER_HEAP = 64_000_000
FACET_SIZE = 100
# Facet counts kept per index commit, by plan: the browse pages ask the same few again and
# again, and counting reads every match (as long as the search itself). Like Elasticsearch's
# request cache, a commit starts an empty one, so counts are never older than the hits.
FACET_CACHE = 1_024
BUILDING = "building-"  # a generation being written; renamed to the bare name when complete


def _analyzers() -> dict[str, Any]:
    words = tantivy.Tokenizer.simple  # splits on anything not alphanumeric, as analysis.WORD
    return {
        "vi": tantivy.TextAnalyzerBuilder(words()).filter(tantivy.Filter.lowercase()).build(),
        "vi_fold": tantivy.TextAnalyzerBuilder(words())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build(),
    }


def _tantivy_schema(fields: IndexSchema) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in fields.text:
        stored = name == "title" or name in fields.snippet_fields
        builder.add_text_field(name, stored=stored, tokenizer_name="vi")
        builder.add_text_field(f"{name}_f", tokenizer_name="vi_fold")
    for name in fields.keywords:
        stored = name in STORED
        builder.add_text_field(name, stored=stored, fast=True, tokenizer_name="raw")
    builder.add_date_field("updated_at", indexed=True, fast=True)
    builder.add_integer_field("popularity", indexed=True, fast=True)
    return builder.build()


@dataclass
class _Open:
    generation: str
    index: tantivy.Index
    schema: tantivy.Schema
    meta_mtime: float
    facets: dict[tuple, dict[str, dict[str, int]]] = field(default_factory=dict)  # this commit's


class TantivyBackend:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._open: dict[str, _Open] = {}
        self._pointers: dict[str, tuple[tuple[int, int, int], str | None]] = {}
        self._lock = threading.Lock()

    # -- files -------------------------------------------------------------------------------

    def _current(self, name: str) -> str | None:
        """The generation ``CURRENT`` names, read again only when the file changed (every
        search asks; a switch replaces the file, so its inode changes)."""
        pointer = os.path.join(self.root, name, "CURRENT")
        try:
            stat = os.stat(pointer)
            key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            known = self._pointers.get(name)
            if known is not None and known[0] == key:
                return known[1]
            with open(pointer, encoding="utf-8") as file:
                generation = file.read().strip() or None
        except FileNotFoundError:
            return None
        self._pointers[name] = (key, generation)
        return generation

    def _create(self, name: str, generation: str) -> tantivy.Index:
        path = self.root / name / generation
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(_tantivy_schema(schema(name)), path=str(path))
        for tokenizer, analyzer in _analyzers().items():
            index.register_tokenizer(tokenizer, analyzer)
        return index

    def _switch(self, name: str, generation: str) -> None:
        """Point ``CURRENT`` at ``generation``; keep the one it replaces, remove the rest."""
        previous = self._current(name)
        pointer = self.root / name / "CURRENT"
        tmp = pointer.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(generation)
        os.replace(tmp, pointer)
        self._sweep(name, keep={generation, previous})

    def _sweep(self, name: str, keep: set[str | None]) -> None:
        """Remove the generations of ``name`` not in ``keep`` and the builds nobody holds
        (killed mid-build); a build whose lock is held is in progress and stays."""
        folder = self.root / name
        for path in list(folder.iterdir()):
            if path.name.startswith(BUILDING):  # the build's directory or its lock
                build = folder / path.name.removesuffix(".lock")
                lock = folder / f"{build.name}.lock"
                with _held(lock, wait=False) as mine:
                    if not mine:
                        continue  # another process is building it
                    shutil.rmtree(build, ignore_errors=True)
                    lock.unlink(missing_ok=True)
            elif path.is_dir() and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    def _get(self, name: str) -> _Open:
        """The index in use, reopened when another process switched generation or committed.
        An index never built raises IndexMissing: the outbox then builds it from the database."""
        schema(name)  # unknown names fail here, with the list of indices
        with self._lock:
            generation = self._current(name)
            meta = os.path.join(self.root, name, str(generation), "meta.json")
            try:
                mtime = os.stat(meta).st_mtime_ns
            except FileNotFoundError:
                raise IndexMissing(
                    "Chỉ mục tìm kiếm “{name}” chưa được dựng", name=name, index=name
                ) from None
            opened = self._open.get(name)
            if opened is None or opened.generation != generation:
                try:
                    index = self._create(name, generation)
                except ValueError as exc:  # built by an older release with other fields
                    raise IndexMissing(
                        "Chỉ mục tìm kiếm “{name}”: {exc}", name=name, exc=exc, index=name
                    ) from exc
                opened = _Open(generation, index, index.schema, mtime)
                self._open[name] = opened
            elif opened.meta_mtime != mtime:
                opened.index.reload()
                opened.meta_mtime = mtime
                opened.facets = {}  # after the reload: a search holding the old one may fill it
            return opened

    # -- writing -----------------------------------------------------------------------------

    def _writer(self, index: tantivy.Index) -> tantivy.IndexWriter:
        try:
            return index.writer(WRITER_HEAP, 1)
        except ValueError as exc:
            if "LockBusy" in str(exc):
                raise SearchUnavailable(
                    "Chỉ mục tìm kiếm đang bận (một tiến trình khác đang ghi): {exc}", exc=exc
                ) from exc
            raise SearchUnavailable("Không ghi được chỉ mục tìm kiếm: {exc}", exc=exc) from exc

    def _document(self, doc: dict[str, Any], fields: IndexSchema) -> tantivy.Document:
        out = tantivy.Document()
        out.add_text("id", doc["id"])
        for name in fields.text:
            text = doc.get(name) or ""
            out.add_text(name, text)
            out.add_text(f"{name}_f", text)
        for name in fields.keywords:
            for value in doc.get(name) or []:
                out.add_text(name, value)
        if doc.get("updated_at"):
            out.add_date("updated_at", datetime.fromisoformat(doc["updated_at"]))
        out.add_integer("popularity", int(doc.get("popularity") or 0))
        return out

    def _write(
        self, index: tantivy.Index, name: str, docs: list[dict[str, Any]], ids: Iterable[str] = ()
    ) -> None:
        fields = schema(name)
        prepared = [(doc["id"], self._document(doc, fields)) for doc in docs]  # our bugs raise
        writer = self._writer(index)
        try:
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)
            for doc_id, document in prepared:
                writer.delete_documents_by_term("id", doc_id)
                writer.add_document(document)
            writer.commit()
            writer.wait_merging_threads()
        except (OSError, ValueError) as exc:  # tantivy's I/O errors: read-only, disk full…
            _abandon(writer)
            raise SearchUnavailable(
                "Không ghi được chỉ mục tìm kiếm “{name}”: {exc}", name=name, exc=exc
            ) from exc
        except BaseException:
            _abandon(writer)
            raise
        index.reload()

    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        self._write(self._get(index).index, index, docs)

    def delete(self, index: str, ids: list[str]) -> None:
        self._write(self._get(index).index, index, [], ids)

    def rebuild(self, index: str, batches: Iterable[list[dict[str, Any]]]) -> int:
        generation = f"{time.time_ns():020d}-{os.getpid()}"  # sorts by age
        building = f"{BUILDING}{generation}"
        folder = self.root / index
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._sweep(index, keep={self._current(index)} | set(self._generations(index)))
            lock = folder / f"{building}.lock"
            try:
                with _held(lock, wait=True):
                    try:
                        written = self._build(index, building, batches)
                    except BaseException:  # a failed build is garbage; CURRENT never named it
                        shutil.rmtree(folder / building, ignore_errors=True)
                        raise
                    os.rename(folder / building, folder / generation)
            finally:
                lock.unlink(missing_ok=True)
            self._switch(index, generation)
        except OSError as exc:
            raise SearchUnavailable(
                "Không dựng lại được chỉ mục tìm kiếm “{index_}”: {exc}", index_=index, exc=exc
            ) from exc
        return written

    def _build(self, index: str, building: str, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Write every batch into the new directory and commit; tantivy's writer (and its
        lock) is gone when this returns."""
        fresh = self._create(index, building)
        writer = self._writer(fresh)
        fields, written = schema(index), 0
        try:
            for batch in batches:
                for doc in batch:
                    writer.add_document(self._document(doc, fields))
                written += len(batch)
            writer.commit()
            writer.wait_merging_threads()
        except (OSError, ValueError) as exc:
            _abandon(writer)
            raise SearchUnavailable(
                "Không ghi được chỉ mục tìm kiếm “{index_}”: {exc}", index_=index, exc=exc
            ) from exc
        except BaseException:
            _abandon(writer)
            raise
        return written

    def _generations(self, name: str) -> list[str]:
        """The complete generations on disk (not builds), oldest first."""
        folder = self.root / name
        return sorted(
            p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(BUILDING)
        )

    def ping(self) -> None:
        """Whether writing can succeed where writes go: the root, each index's directory
        (``CURRENT`` is replaced there) and its current generation (the drainer's commits)."""
        places = [self.root]
        for name in SCHEMAS:
            folder = self.root / name
            if folder.is_dir():
                places.append(folder)
                generation = self._current(name)
                if generation and (folder / generation).is_dir():
                    places.append(folder / generation)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for place in places:
                fd, probe = tempfile.mkstemp(prefix=".ping-", dir=place)
                os.close(fd)
                os.unlink(probe)
        except OSError as exc:
            raise SearchUnavailable(
                "Không ghi được thư mục chỉ mục tìm kiếm: {exc}", exc=exc
            ) from exc

    def refresh(self, index: str) -> None:
        with contextlib.suppress(IndexMissing):
            self._get(index)

    def count(self, index: str) -> int:
        try:
            return self._get(index).index.searcher().num_docs
        except IndexMissing:
            return 0

    # -- reading -----------------------------------------------------------------------------

    def search(self, plan: q.Plan) -> q.SearchResult:
        try:
            opened = self._get(plan.index.name)
        except IndexMissing:
            return q.SearchResult(0, [], {facet: {} for facet in plan.facets})
        cache = opened.facets  # taken before the searcher: a newer commit's counts never land in it
        searcher = opened.index.searcher()
        compiler = _Compiler(opened.schema, plan.index)
        full = compiler.combine(plan.query, [plan.scope, *plan.filters.values()])
        if plan.sort == "relevance":
            found = searcher.search(full, plan.limit, offset=plan.offset)
        else:
            by = "updated_at" if plan.sort == "newest" else "popularity"
            found = searcher.search(full, plan.limit, offset=plan.offset, order_by_field=by)
        hits = []
        for key, address in found.hits:
            doc = searcher.doc(address)
            hits.append(
                q.Hit(
                    id=doc.get_first("id"), kind=doc.get_first("kind") or "",
                    title=doc.get_first("title") or "",
                    score=float(key) if plan.sort == "relevance" else 0.0,
                    snippet=_snippet(doc, plan), subject=doc.get_first("subject") or "",
                    grade=doc.get_first("grade") or "",
                )
            )  # fmt: skip
        return q.SearchResult(
            total=found.count,
            hits=hits,
            facets=self._cached_facets(cache, searcher, compiler, plan),
        )

    def _cached_facets(
        self, cache: dict, searcher, compiler: _Compiler, plan: q.Plan
    ) -> dict[str, dict[str, int]]:
        """``_facets``, from this commit's cache when the same plan was counted already."""
        if not plan.facets or not FACET_CACHE:
            return self._facets(searcher, compiler, plan)
        key = (plan.query, plan.scope, tuple(sorted(plan.filters.items())), plan.facets)
        counts = cache.get(key)
        if counts is None:
            counts = self._facets(searcher, compiler, plan)
            if len(cache) >= FACET_CACHE:
                cache.pop(next(iter(cache), None), None)  # the oldest
            cache[key] = counts
        return {facet: dict(values) for facet, values in counts.items()}

    def _facets(self, searcher, compiler: _Compiler, plan: q.Plan) -> dict[str, dict[str, int]]:
        """Each facet counts under every filter but its own, so a teacher who picked
        "Toán" still sees how many "Vật lí" items there are. Facets without a filter of their
        own share one aggregation."""
        groups: dict[str | None, list[str]] = {}
        for facet in plan.facets:
            groups.setdefault(facet if facet in plan.filters else None, []).append(facet)
        counts: dict[str, dict[str, int]] = {}
        for own, facets in groups.items():
            filters = [f for name, f in plan.filters.items() if name != own]
            query = compiler.combine(plan.query, [plan.scope, *filters])
            aggs = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in facets}
            result = searcher.aggregate(query, aggs)
            for facet in facets:
                buckets = result.get(facet, {}).get("buckets", [])
                counts[facet] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
        return counts

    def suggest(self, index: str, query: q.Node, scope: q.Node | None, size: int) -> list[q.Hit]:
        try:
            opened = self._get(index)
        except IndexMissing:
            return []
        searcher = opened.index.searcher()
        compiler = _Compiler(opened.schema, schema(index))
        found = searcher.search(compiler.combine(query, [scope]), size)
        hits = []
        for score, address in found.hits:
            doc = searcher.doc(address)
            hits.append(
                q.Hit(id=doc.get_first("id"), kind=doc.get_first("kind") or "",
                      title=doc.get_first("title") or "", score=float(score), snippet="")
            )  # fmt: skip
        return hits


def _abandon(writer: tantivy.IndexWriter) -> None:
    """Drop what ``writer`` holds and release tantivy's index lock now: the exception being
    raised keeps the writer alive (its frame), and a live writer keeps the lock, so every
    later write would find the index "busy"."""
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        writer.rollback()
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        writer.wait_merging_threads()  # consumes the writer: the lock goes with it


@contextlib.contextmanager
def _held(lock: Path, *, wait: bool) -> Iterator[bool]:
    """Hold an exclusive flock on ``lock`` (created if missing) for the block; with
    ``wait=False`` yield False at once when another process holds it. A lock file a sweeper
    removed while we waited for it is not ours: take the one now at that path."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            yield False
            return
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield True
    finally:
        os.close(fd)  # releases the lock


class _Compiler:
    """The query model (``kholieu.search.query``) as tantivy queries."""

    def __init__(self, schema: tantivy.Schema, fields: IndexSchema) -> None:
        self.schema = schema
        self.fields = fields

    def field(self, name: str, folded: bool) -> str:
        return f"{name}_f" if folded and name in self.fields.text else name

    def combine(self, query: q.Node | None, filters: list[q.Node | None]) -> tantivy.Query:
        clauses = [
            (tantivy.Occur.Must, self.compile(query) if query else tantivy.Query.all_query())
        ]
        for node in filters:
            if node is not None:
                clauses.append((tantivy.Occur.Must, self.filter(node)))
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def filter(self, node: q.Node) -> tantivy.Query:
        return tantivy.Query.const_score_query(self.compile(node), 0.0)

    def compile(self, node: q.Node) -> tantivy.Query:
        Q = tantivy.Query
        match node:
            case q.Term(field, value, folded, boost):
                query = Q.term_query(self.schema, self.field(field, folded), value)
                return Q.boost_query(query, boost) if boost != 1.0 else query
            case q.Phrase(field, words, folded, boost):
                query = Q.phrase_query(self.schema, self.field(field, folded), list(words))
                return Q.boost_query(query, boost) if boost != 1.0 else query
            case q.Prefix(field, words):
                return Q.phrase_prefix_query(self.schema, self.field(field, True), list(words))
            case q.Fuzzy(field, value, distance, boost):
                name = self.field(field, True)
                query = (
                    Q.fuzzy_term_query(self.schema, name, value, distance)
                    if distance
                    else Q.term_query(self.schema, name, value)
                )
                return Q.boost_query(query, boost) if boost != 1.0 else query
            case q.Keyword(field, values):
                return Q.term_set_query(self.schema, field, list(values))
            case q.Const(inner, score):
                return Q.const_score_query(self.compile(inner), score)
            case q.DisMax(clauses, tie):
                return Q.disjunction_max_query([self.compile(c) for c in clauses], tie)
            case q.Bool(must, should, filters, must_not, min_should):
                occur = tantivy.Occur
                parts = [(occur.Must, self.compile(c)) for c in must]
                parts += [(occur.Should, self.compile(c)) for c in should]
                parts += [(occur.Must, self.filter(c)) for c in filters]
                parts += [(occur.MustNot, self.compile(c)) for c in must_not]
                if should and not must and not filters:
                    return Q.boolean_query(parts, max(min_should, 1))
                return Q.boolean_query(parts, min_should or None)
        raise TypeError(f"cannot compile {node!r}")


def _snippet(doc: tantivy.Document, plan: q.Plan) -> str:
    """The hit's snippet from its stored snippet fields, as the Elasticsearch backend builds
    it (``kholieu.search.snippets``): tantivy's generator marks every term the query matched,
    the digits a number word also finds included, and cuts formulas."""
    texts = (doc.get_first(name) or "" for name in plan.index.snippet_fields)
    return snippets.build(texts, plan.marks if plan.highlight else ())
