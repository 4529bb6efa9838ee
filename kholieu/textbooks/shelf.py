"""The shelf: the published textbooks, by subject, grade and series."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.content import policy
from kholieu.content.models import ContentItem, Kind
from kholieu.textbooks.models import Textbook

LIMIT = 300  # about 200 titles nationally: one page holds them all


@dataclass(frozen=True)
class Book:
    id: int
    title: str
    subject: str
    grade: int
    series: str | None
    publisher: str
    page_count: int


def books(
    session: Session, user: User | None, *, subject: str | None = None,
    grade: int | None = None, series: str | None = None,
) -> list[Book]:  # fmt: skip
    """The textbooks ``user`` may open, ordered by subject, grade, series and title."""
    query = (
        policy.visible(user)
        .where(ContentItem.kind == Kind.textbook)
        .outerjoin(Textbook, Textbook.item_id == ContentItem.id)
        .with_only_columns(ContentItem, Textbook.publisher, Textbook.page_count)
    )
    if subject:
        query = query.where(ContentItem.subject == subject)
    if grade:
        query = query.where(ContentItem.grade == grade)
    if series:
        query = query.where(ContentItem.textbook_series == series)
    query = query.order_by(
        ContentItem.subject, ContentItem.grade, ContentItem.textbook_series, ContentItem.title
    ).limit(LIMIT)
    return [
        Book(item.id, item.title, item.subject, item.grade, item.textbook_series,
             publisher or "", page_count or 0)
        for item, publisher, page_count in session.execute(query)
    ]  # fmt: skip


def subjects_present(session: Session, user: User | None) -> list[str]:
    """The subjects some visible textbook is for (the shelf's filter offers only those)."""
    query = (
        policy.visible(user)
        .where(ContentItem.kind == Kind.textbook)
        .with_only_columns(ContentItem.subject)
        .distinct()
    )
    return sorted(session.scalars(query))
