"""The SearchBackend contract and the choice of backend from ``KHOLIEU_SEARCH_URL``.

Backends take prepared documents (``schema.prepare``) and plans (``query.plan``); nothing
outside ``kholieu.search`` sees an engine's own objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

from kholieu.errors import ConfigError, SearchUnavailable
from kholieu.search.query import Hit, Node, Plan, SearchResult

if TYPE_CHECKING:
    from kholieu.config import Settings

Progress = Callable[[int], None]


class IndexMissing(SearchUnavailable):
    """The engine has no such index (a new or emptied cluster, a deleted directory): the
    outbox rebuilds it from the database."""

    def __init__(self, message: str, *, index: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.index = index


class SearchBackend(Protocol):
    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        """Add or replace prepared documents; raise SearchUnavailable when down."""

    def delete(self, index: str, ids: list[str]) -> None: ...

    def ping(self) -> None: ...

    def search(self, plan: Plan) -> SearchResult: ...

    def suggest(self, index: str, query: Node, scope: Node | None, size: int) -> list[Hit]: ...

    def rebuild(self, index: str, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Build a new index from ``batches`` and switch readers and writers to it atomically;
        return the number of documents written."""

    def count(self, index: str) -> int: ...

    def refresh(self, index: str) -> None:
        """Make everything written so far searchable (tests, and after a rebuild)."""


class NullSearchBackend:
    """``KHOLIEU_SEARCH_URL=null://``: accepts and discards documents, finds nothing."""

    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        pass

    def delete(self, index: str, ids: list[str]) -> None:
        pass

    def ping(self) -> None:
        pass

    def search(self, plan: Plan) -> SearchResult:
        return SearchResult(total=0, hits=[], facets={name: {} for name in plan.facets})

    def suggest(self, index: str, query: Node, scope: Node | None, size: int) -> list[Hit]:
        return []

    def rebuild(self, index: str, batches: Iterable[list[dict[str, Any]]]) -> int:
        return sum(len(batch) for batch in batches)

    def count(self, index: str) -> int:
        return 0

    def refresh(self, index: str) -> None:
        pass


def make_search_backend(url: str, settings: Settings | None = None) -> SearchBackend:
    """``tantivy:///path`` (embedded), ``http(s)://host:9200[,http://host2:9200][?prefix=p]``
    (Elasticsearch, with the client's timeouts and retries from ``settings``), or
    ``null://``."""
    parts = urlsplit(url)
    if parts.scheme == "null":
        return NullSearchBackend()
    if parts.scheme == "tantivy":
        from kholieu.search.tantivy_backend import TantivyBackend

        return TantivyBackend(Path(parts.netloc + parts.path))
    if parts.scheme in ("http", "https"):
        from kholieu.search.elastic import ElasticBackend

        query = parse_qs(parts.query)
        hosts = url.split("?", 1)[0].split(",")
        prefix = query.get("prefix", ["kholieu-"])[0]
        if settings is None:
            return ElasticBackend(hosts, prefix=prefix)
        return ElasticBackend(
            hosts, prefix=prefix, timeout=settings.search_timeout_s,
            connect_timeout=settings.search_connect_timeout_s, retries=settings.search_retries,
        )  # fmt: skip
    raise ConfigError("KHOLIEU_SEARCH_URL=“{url}”: không nhận ra loại máy tìm kiếm", url=url)
