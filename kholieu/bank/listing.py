"""Finding questions: a page of the bank by filters (newest first), or by words through the
search index (best first), always re-read from the database, which stays the authority on
what a user may see."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.bank.exporter import Filters
from kholieu.bank.models import Question
from kholieu.bank.policy import visible
from kholieu.errors import ValidationFailed
from kholieu.search.query import MAX_SIZE, SearchRequest
from kholieu.search.service import SearchService

Found = tuple[int, list[Question]]
MAX_MATCHING = 10_000  # every match of words, for an export: Elasticsearch's result window


def page(session: Session, user: User, filters: Filters, number: int, size: int) -> Found:
    """Newest first; shared by the bank's API and its web page."""
    query = filters.apply(visible(user))
    if filters.in_lists:  # JSON lists: filtered in Python so SQLite and PostgreSQL agree
        rows = [q for q in session.scalars(query.order_by(Question.id.desc())) if filters.keep(q)]
        return len(rows), rows[(number - 1) * size :][:size]
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Question.updated_at.desc(), Question.id.desc())
        .offset((number - 1) * size)
        .limit(size)
    )
    return total, list(rows)


def search(
    searching: SearchService,
    session: Session,
    user: User,
    text: str,
    filters: Filters,
    number: int,
    size: int,
) -> Found:
    """Questions matching ``text`` through the search index, best first."""
    result = searching.search(user, _request(text, filters, number, min(size, MAX_SIZE)))
    ids = [int(hit.id) for hit in result.hits]
    rows = {q.id: q for q in session.scalars(visible(user).where(Question.id.in_(ids)))}
    return result.total, [rows[i] for i in ids if i in rows]


def matching_ids(searching: SearchService, user: User, text: str, filters: Filters) -> list[int]:
    """The ids of every question ``search`` would list for ``text`` and ``filters``, over all
    its pages (what the bank page shows, for its export)."""
    ids: list[int] = []
    number = 1
    while True:
        request = _request(text, filters, number, MAX_SIZE)
        request.highlight, request.facets = False, False
        result = searching.search(user, request)
        if result.total > MAX_MATCHING:
            raise ValidationFailed(
                "Từ khoá khớp {total} câu hỏi; xuất theo từ khoá được tối đa {max_matching} câu. "
                "Hãy thu hẹp bộ lọc (môn, lớp, chủ đề…).",
                total=result.total,
                max_matching=MAX_MATCHING,
                details={"field": "q", "total": result.total, "limit": MAX_MATCHING},
            )
        ids.extend(int(hit.id) for hit in result.hits)
        if not result.hits or len(ids) >= result.total:
            return list(dict.fromkeys(ids))
        number += 1


def _request(text: str, filters: Filters, number: int, size: int) -> SearchRequest:
    wanted = {"subject": filters.subject, "grade": filters.grade, "level": filters.level,
              "kind": filters.type, "status": filters.status,
              "exposure": filters.exposure, "outcome": filters.yccd}  # fmt: skip
    return SearchRequest(
        index="questions", text=" ".join(filter(None, [text, filters.topic, filters.tag])),
        filters={name: [str(value)] for name, value in wanted.items() if value not in (None, "")},
        page=number, size=size,
    )  # fmt: skip
