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
from kholieu.search.query import MAX_SIZE, SearchRequest
from kholieu.search.service import SearchService

Found = tuple[int, list[Question]]


def page(session: Session, user: User, filters: Filters, number: int, size: int) -> Found:
    """Newest first; shared by the bank's API and its web page."""
    query = filters.apply(visible(user))
    if filters.tag:  # JSON lists: filtered in Python so SQLite and PostgreSQL agree
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
    wanted = {"subject": filters.subject, "grade": filters.grade, "level": filters.level,
              "kind": filters.type, "status": filters.status,
              "exposure": filters.exposure}  # fmt: skip
    request = SearchRequest(
        index="questions", text=" ".join(filter(None, [text, filters.topic, filters.tag])),
        filters={name: [str(value)] for name, value in wanted.items() if value not in (None, "")},
        page=number, size=min(size, MAX_SIZE),
    )  # fmt: skip
    result = searching.search(user, request)
    ids = [int(hit.id) for hit in result.hits]
    rows = {q.id: q for q in session.scalars(visible(user).where(Question.id.in_(ids)))}
    return result.total, [rows[i] for i in ids if i in rows]
