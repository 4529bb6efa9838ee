"""Searching as a user: who may find what, the typo fallback, suggestions, rebuilds.

The web pages, the JSON API and ``kholieu search`` all call ``SearchService``; the backend only
ever sees plans whose ``scope`` already limits results to what the user may see.
"""

from __future__ import annotations

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, TEACHERS, is_in
from kholieu.errors import PermissionDenied, ValidationFailed
from kholieu.search import analysis, query
from kholieu.search.backend import SearchBackend
from kholieu.search.fields import SCHEMAS, SORTS
from kholieu.search.outbox import Outbox, Progress
from kholieu.search.query import Bool, Hit, Keyword, Node, SearchRequest, SearchResult

SUGGEST_SIZE = 8


def scope(index: str, user: User | None, *, system: bool = False) -> Node | None:
    """What ``user`` may find. Visitors, students and teachers find published content; editors
    (and the command line, ``system``) find drafts too. The question bank is for teachers
    (ready questions and their own) and editors; students never search it."""
    editor = system or is_in(user, EDITORS)
    if index == "content":
        return None if editor else Keyword("status", ("published",))
    if editor:
        return None
    if not is_in(user, TEACHERS):
        raise PermissionDenied("the question bank is for teachers and editors")
    return Bool(should=(Keyword("status", ("ready",)), Keyword("owner", (str(user.id),))))


class SearchService:
    def __init__(self, backend: SearchBackend, outbox: Outbox) -> None:
        self.backend = backend
        self.outbox = outbox

    def search(
        self, user: User | None, request: SearchRequest, *, system: bool = False
    ) -> SearchResult:
        check(request)
        allowed = scope(request.index, user, system=system)
        result = self.backend.search(query.plan(request, allowed))
        if result.total == 0 and request.text.strip():
            fuzzy = self.backend.search(query.plan(request, allowed, fuzzy=True))
            if fuzzy.total:
                fuzzy.fuzzy = True
                result = fuzzy
        for hit in result.hits:
            hit.snippet = analysis.whole_formulas(hit.snippet)
        return result

    def suggest(
        self, user: User | None, index: str, text: str, size: int = SUGGEST_SIZE
    ) -> list[Hit]:
        """Titles that start like what is typed so far (diacritics optional)."""
        prefix = query.suggest_query(analysis.parse(text))
        if prefix is None:
            return []
        hits = self.backend.suggest(index, prefix, scope(index, user), size * 2)
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
            f"index: {request.index!r} is not an index (content or questions)",
            details={"field": "index"},
        )
    if request.sort not in SORTS:
        raise ValidationFailed(
            f"sort: {request.sort!r} is not a sort order ({', '.join(SORTS)})",
            details={"field": "sort"},
        )
    known = SCHEMAS[request.index].keywords
    for name in request.filters:
        if name not in known:
            raise ValidationFailed(
                f"{name}: {request.index} cannot be filtered by {name}", details={"field": name}
            )
    if request.page < 1 or not 1 <= request.size <= query.MAX_SIZE:
        raise ValidationFailed(
            f"page must be ≥ 1 and size between 1 and {query.MAX_SIZE}",
            details={"field": "page" if request.page < 1 else "size"},
        )
