"""``GET /api/v1/search`` (as ``kholieu search --json``) and as-you-type suggestions.

Anyone may search published content; the questions index is for teachers and editors (the
service decides, so the page and the command line follow the same rule).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from kholieu.accounts.deps import AnyoneDep
from kholieu.errors import NotAuthenticated, ValidationFailed
from kholieu.search.deps import SearchingDep
from kholieu.search.fields import OUTCOME, SCHEMAS, SORTS, outcome_code
from kholieu.search.query import MAX_SIZE, SearchRequest

router = APIRouter(prefix="/api/v1/search", tags=["search"])
Values = Annotated[list[str] | None, Query()]
MAX_OUTCOMES = 20  # outcome codes one search may filter by (as many as a question may name)


def request_of(
    q: str, index: str, sort: str, page: int, size: int, values: dict[str, list[str] | None]
) -> SearchRequest:
    filters = {name: [v for v in vals if v] for name, vals in values.items() if vals}
    if OUTCOME in filters:  # typed in any case; the index holds them upper case
        filters[OUTCOME] = list(dict.fromkeys(outcome_code(v) for v in filters[OUTCOME]))
        if len(filters[OUTCOME]) > MAX_OUTCOMES or any(len(v) > 64 for v in filters[OUTCOME]):
            raise ValidationFailed(
                "Yêu cầu cần đạt: lọc được theo tối đa {count} mã, mỗi mã tối đa 64 kí tự",
                count=MAX_OUTCOMES,
                details={"field": OUTCOME},
            )
    return SearchRequest(
        index=index, text=q, filters={k: v for k, v in filters.items() if v},
        sort=sort, page=page, size=size,  # type: ignore[arg-type]
    )  # fmt: skip


def _who_may(user, index: str) -> None:
    if index == "questions" and user is None:
        raise NotAuthenticated(
            "Hãy đăng nhập bằng tài khoản giáo viên để tìm trong ngân hàng câu hỏi"
        )


@router.get("")
async def search(
    searching: SearchingDep,
    user: AnyoneDep,
    q: Annotated[str, Query(max_length=300, description="what to look for")] = "",
    index: Annotated[str, Query(description="content | questions | pages")] = "content",
    subject: Values = None,
    grade: Values = None,
    kind: Values = None,
    level: Values = None,
    series: Values = None,
    outcome: Annotated[
        list[str] | None, Query(description="learning outcome (YCCĐ) codes, as subject is")
    ] = None,
    sort: Annotated[str, Query(description=" | ".join(SORTS))] = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
) -> JSONResponse:
    """Results as ``{"total", "hits": [{"id", "kind", "title", "score", "snippet", …}],
    "facets": {name: {value: count}}, "fuzzy"}``; each facet's counts ignore its own filter.
    ``index=pages`` finds textbook pages: each hit also has ``item_id``, ``page`` and ``url``
    (the reader, opened at that page)."""
    _who_may(user, index)
    values = {"subject": subject, "grade": grade, "kind": kind, "level": level, "series": series,
              "outcome": outcome}  # fmt: skip
    request = request_of(q, index, sort, page, size, values)
    result = await run_in_threadpool(searching.search, user, request)
    body = result.as_json()
    if index == "pages":  # a textbook page: its book, its number, the reader's link there
        for hit in body["hits"]:
            item_id, _, number = hit["id"].partition("-")
            hit |= {"item_id": int(item_id), "page": int(number),
                    "url": f"/sach/{item_id}#trang={number}"}  # fmt: skip
    return JSONResponse(body)  # plain JSON already: no encoder walks it again


@router.get("/suggest")
async def suggest(
    searching: SearchingDep,
    user: AnyoneDep,
    q: Annotated[str, Query(max_length=100)] = "",
    index: Annotated[str, Query(description="content | questions")] = "content",
) -> dict[str, Any]:
    """Titles completing what is typed so far: ``{"suggestions": [{"id", "title", "kind"}]}``."""
    _who_may(user, index)
    if index not in SCHEMAS:
        raise ValidationFailed(
            "Chỉ mục: “{index_}” không phải chỉ mục tìm kiếm (content hoặc questions)",
            index_=index,
            details={"field": "index"},
        )
    hits = await run_in_threadpool(searching.suggest, user, index, q)
    return {"suggestions": [{"id": h.id, "title": h.title, "kind": h.kind} for h in hits]}
