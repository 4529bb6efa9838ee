"""Searching as a user: who may find what, the typo fallback, suggestions, rebuilds.

The web pages, the JSON API and ``kholieu search`` all call ``SearchService``; the backend only
ever sees plans whose ``scope`` already limits results to what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable

from kholieu.accounts.models import User
from kholieu.errors import ValidationFailed
from kholieu.search import analysis, query
from kholieu.search.backend import SearchBackend
from kholieu.search.fields import SCHEMAS, SORTS
from kholieu.search.outbox import Outbox, Progress
from kholieu.search.query import Hit, Node, SearchRequest, SearchResult

SUGGEST_SIZE = 8


Scope = Callable[..., Node | None]  # (user, *, system) -> what that user may find


class SearchService:
    def __init__(self, backend: SearchBackend, outbox: Outbox) -> None:
        self.backend = backend
        self.outbox = outbox
        self._scopes: dict[str, Scope] = {}

    def add_scope(self, index: str, scope: Scope) -> None:
        """Who may find what in ``index``: its capability's policy, registered at start-up."""
        self._scopes[index] = scope

    def scope(self, index: str, user: User | None, *, system: bool = False) -> Node | None:
        """The filter the backend must apply for ``user``; the backend only ever sees plans
        that carry it."""
        return self._scopes[index](user, system=system)

    def search(
        self, user: User | None, request: SearchRequest, *, system: bool = False
    ) -> SearchResult:
        check(request)
        allowed = self.scope(request.index, user, system=system)
        result = self.backend.search(query.plan(request, allowed))
        if result.total == 0 and request.text.strip():
            fuzzy = self.backend.search(query.plan(request, allowed, fuzzy=True))
            if fuzzy.total:
                fuzzy.fuzzy = True
                result = fuzzy
        return result

    def suggest(
        self, user: User | None, index: str, text: str, size: int = SUGGEST_SIZE
    ) -> list[Hit]:
        """Titles that start like what is typed so far (diacritics optional)."""
        prefix = query.suggest_query(analysis.parse(text))
        if prefix is None:
            return []
        hits = self.backend.suggest(index, prefix, self.scope(index, user), size * 2)
        seen, unique = set(), []
        for hit in hits:  # one line per title: lessons are often uploaded in several forms
            key = analysis.fold(hit.title)
            if hit.title and key not in seen:
                seen.add(key)
                unique.append(hit)
        return unique[:size]

    def reindex(self, index: str, progress: Progress | None = None) -> int:
        return self.outbox.rebuild(index, progress)


def check(request: SearchRequest) -> None:
    """Refuse what cannot be searched, naming the parameter."""
    if request.index not in SCHEMAS:
        raise ValidationFailed(
            "Chỉ mục: “{index_}” không phải chỉ mục tìm kiếm (content hoặc questions)",
            index_=request.index,
            details={"field": "index"},
        )
    if request.sort not in SORTS:
        raise ValidationFailed(
            "Sắp xếp: “{sort}” không phải cách sắp xếp được nhận ({join})",
            sort=request.sort,
            join=", ".join(SORTS),
            details={"field": "sort"},
        )
    known = SCHEMAS[request.index].keywords
    for name in request.filters:
        if name not in known:
            raise ValidationFailed(
                "{name}: chỉ mục {index_} không lọc được theo {name}",
                name=name,
                index_=request.index,
                details={"field": name},
            )
    if request.page < 1 or not 1 <= request.size <= query.MAX_SIZE:
        raise ValidationFailed(
            "Trang phải từ 1 trở lên và số kết quả mỗi trang từ 1 đến {max_size}",
            max_size=query.MAX_SIZE,
            details={"field": "page" if request.page < 1 else "size"},
        )
