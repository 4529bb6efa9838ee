"""The search page (``/tim-kiem``): a query box with suggestions, tabs for lessons and (for
teachers) questions, a facet sidebar and result cards. It works without JavaScript; the script
only adds as-you-type suggestions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.accounts.roles import TEACHERS, is_in
from kholieu.curriculum import LEVELS, SERIES, SUBJECTS
from kholieu.errors import ValidationFailed
from kholieu.outcomes.catalogue import by_code
from kholieu.search.api import Values, request_of
from kholieu.search.deps import SearchingDep
from kholieu.search.fields import OUTCOME, SCHEMAS, SORTS
from kholieu.search.query import Hit, SearchRequest
from kholieu.web.deps import SessionDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)
PAGE_SIZE = 10
OUTCOMES_SHOWN = 15  # the most frequent outcomes in the facet (and any chosen): a phone's screen
BOOK_PAGES = 5  # textbook pages shown beside the first page of lesson results


def may_search_questions(user) -> bool:
    return is_in(user, TEACHERS)


def facet_links(chosen: dict[str, list[str]], base: dict[str, Any], facets: dict) -> dict:
    """For each facet value: its count, whether it is chosen, and the link that toggles it."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, counts in facets.items():
        values = set(counts) | set(chosen.get(name, []))
        rows = []
        for value in sorted(values, key=lambda v: (-counts.get(v, 0), v.zfill(3))):
            picked = value in chosen.get(name, [])
            now = {**chosen, name: [v for v in chosen.get(name, []) if v != value]}
            if not picked:
                now[name] = [*chosen.get(name, []), value]
            query = [*base.items(), *((k, v) for k, vs in now.items() for v in vs)]
            rows.append({"value": value, "count": counts.get(value, 0), "picked": picked,
                         "href": "/tim-kiem?" + urlencode(query)})  # fmt: skip
        if name == OUTCOME:
            rows = [r for i, r in enumerate(rows) if r["picked"] or i < OUTCOMES_SHOWN]
        out[name] = rows
    return out


def page_hit(hit: Hit) -> dict[str, Any]:
    """A hit of the ``pages`` index (id ``ITEMID-PAGE``) as the page shows it: the book's
    title, the page, and the reader's link opening at that page."""
    item_id, _, number = hit.id.partition("-")
    return {"title": hit.title, "page": number, "snippet": hit.snippet,
            "href": f"/sach/{item_id}#trang={number}"}  # fmt: skip


def book_pages(searching, user, q: str, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The textbook pages matching ``q`` ("Trong sách giáo khoa"), within the chosen
    subject, grade and series; none when the kind chosen is not a textbook, or when an
    outcome is chosen (pages are not filed by outcome)."""
    kinds = filters.get("kind")
    if not q.strip() or (kinds and "textbook" not in kinds) or filters.get("outcome"):
        return []
    wanted = {k: v for k, v in filters.items() if k in ("subject", "grade", "series")}
    request = SearchRequest(index="pages", text=q, filters=wanted, size=BOOK_PAGES, facets=False)
    return [page_hit(hit) for hit in searching.search(user, request).hits]


@router.get("/tim-kiem")
async def search_page(
    request: Request,
    searching: SearchingDep,
    user: AnyoneDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=300)] = "",
    index: str = "content",
    subject: Values = None,
    grade: Values = None,
    kind: Values = None,
    level: Values = None,
    series: Values = None,
    outcome: Values = None,
    sort: str = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    if index not in ("content", "questions") or (
        index == "questions" and not may_search_questions(user)
    ):
        index = "content"
    if sort not in SORTS:
        sort = "relevance"
    values = {"subject": subject, "grade": grade, "kind": kind, "level": level, "series": series,
              "outcome": outcome}  # fmt: skip
    allowed = set(SCHEMAS[index].keywords)
    values = {k: v for k, v in values.items() if k in allowed}
    wanted = request_of(q, index, sort, page, PAGE_SIZE, values)
    try:
        result = await run_in_threadpool(searching.search, user, wanted)
    except ValidationFailed:
        wanted.filters = {}
        result = await run_in_threadpool(searching.search, user, wanted)
    in_books = []
    if index == "content" and page == 1:
        in_books = await run_in_threadpool(book_pages, searching, user, q, wanted.filters)
    base = {"q": q, "index": index, "sort": sort}
    facets = facet_links(wanted.filters, base, result.facets)
    shown = [row["value"] for row in facets.get(OUTCOME, [])]
    # each outcome's text beside its code (the index holds codes; the catalogue their words)
    outcomes = await run_in_threadpool(by_code, session, shown) if shown else {}
    context = {
        "q": q, "index": index, "sort": sort, "page": page, "result": result,
        "pages": max(1, min(100, -(-result.total // PAGE_SIZE))),
        "facets": facets,
        "outcome_texts": {code: row.text for code, row in outcomes.items()},
        "chosen": wanted.filters, "sorts": SORTS,
        "page_link": "/tim-kiem?" + urlencode(
            [*base.items(), *((k, v) for k, vs in wanted.filters.items() for v in vs)]
        ),
        "questions_tab": may_search_questions(user), "in_books": in_books,
        "subjects": SUBJECTS, "series_names": SERIES, "levels": LEVELS,
    }  # fmt: skip
    return render(request, "search.html", context)
