"""The SearchBackend contract as far as the outbox needs it; the search issue extends it with
queries and adds the tantivy and Elasticsearch implementations."""

from __future__ import annotations

from typing import Any, Protocol

from kholieu.errors import ConfigError


class SearchBackend(Protocol):
    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        """Add or replace documents (each has an ``id``); raise SearchUnavailable when down."""

    def delete(self, index: str, ids: list[str]) -> None: ...

    def ping(self) -> None: ...


class NullSearchBackend:
    """``KHOLIEU_SEARCH_URL=null://``: accepts and discards documents (no search engine)."""

    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        pass

    def delete(self, index: str, ids: list[str]) -> None:
        pass

    def ping(self) -> None:
        pass


def make_search_backend(url: str) -> SearchBackend:
    if url.startswith("null:"):
        return NullSearchBackend()
    raise ConfigError(
        f"KHOLIEU_SEARCH_URL={url!r}: this build has no search engine backend yet; "
        "use null:// until the search backends land"
    )
