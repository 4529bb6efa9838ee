"""Reading the catalogue: the browse facets, the newest and related items, view counts, the
editor's dashboard and thumbnails. The pages call these; they hold no queries themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.config import Settings
from kholieu.content.models import ContentFile, ContentItem, Status, Upload
from kholieu.content.packages.origin import thumbnail_url
from kholieu.content.policy import visible

LEVELS = ("subject", "grade", "textbook_series", "chapter")


@dataclass
class Facets:
    """One step of the browse tree: the level being chosen, its options with counts, and the
    published items under what is chosen so far."""

    level: str | None
    options: list[tuple[Any, int]] = field(default_factory=list)
    items: list[ContentItem] = field(default_factory=list)


def facets(session: Session, chosen: dict[str, Any], *, limit: int = 100) -> Facets:
    """``chosen`` maps each of LEVELS to a value, None (not chosen) or "" (none: no series)."""
    query: Select = select(ContentItem).where(ContentItem.status == Status.published)
    for name, value in chosen.items():
        column = getattr(ContentItem, name)
        if value == "":
            query = query.where(column.is_(None) | (column == ""))
        elif value is not None:
            query = query.where(column == value)
    level = next((name for name in LEVELS if chosen.get(name) is None), None)
    options: list[tuple[Any, int]] = []
    if level is not None:
        column = getattr(ContentItem, level)
        rows = session.execute(query.with_only_columns(column, func.count()).group_by(column))
        options = [(value, n) for value, n in rows]
    items = list(session.scalars(query.order_by(ContentItem.title).limit(limit)))
    return Facets(level, options, items)


def newest(session: Session, limit: int = 6) -> list[ContentItem]:
    return list(
        session.scalars(
            select(ContentItem)
            .where(ContentItem.status == Status.published)
            .order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
            .limit(limit)
        )
    )


def related(session: Session, item: ContentItem, limit: int = 5) -> list[ContentItem]:
    """Published items of the same subject and grade, most viewed first."""
    return list(
        session.scalars(
            select(ContentItem)
            .where(
                ContentItem.status == Status.published,
                ContentItem.subject == item.subject,
                ContentItem.grade == item.grade,
                ContentItem.id != item.id,
            )
            .order_by(ContentItem.views.desc(), ContentItem.id.desc())
            .limit(limit)
        )
    )


def count_view(session: Session, item: ContentItem) -> None:
    """One more view, counted in SQL so concurrent views are not lost."""
    session.execute(
        update(ContentItem).where(ContentItem.id == item.id).values(views=ContentItem.views + 1)
    )


def thumbnails(settings: Settings, session: Session, item_ids: list[int]) -> dict[int, str]:
    """Signed thumbnail URLs (content origin) for the items that have one."""
    rows = session.execute(
        select(ContentFile.item_id, ContentFile.sha256).where(
            ContentFile.item_id.in_(item_ids), ContentFile.thumbnail.is_(True)
        )
    )
    return {item_id: thumbnail_url(settings, sha256) for item_id, sha256 in rows}


@dataclass
class Dashboard:
    mine: list[ContentItem]
    in_review: list[ContentItem]
    counts: dict[Status, int]


def dashboard(session: Session, owner_id: int) -> Dashboard:
    """An editor's own items and the review queue, newest change first, and counts by status."""
    newest_change = ContentItem.updated_at.desc()
    mine = session.scalars(
        select(ContentItem)
        .where(ContentItem.owner_id == owner_id)
        .order_by(newest_change)
        .limit(50)
    )
    queue = session.scalars(
        select(ContentItem).where(ContentItem.status == Status.in_review).order_by(newest_change)
    )
    counts = session.execute(select(ContentItem.status, func.count()).group_by(ContentItem.status))
    return Dashboard(list(mine), list(queue), {status: n for status, n in counts})


def last_upload(session: Session, item_id: int) -> Upload | None:
    return session.scalars(
        select(Upload).where(Upload.item_id == item_id).order_by(Upload.created_at.desc())
    ).first()


def page(
    session: Session, user: User | None, filters: dict[str, Any], number: int, size: int
) -> tuple[int, list[ContentItem]]:
    """One page of the items ``user`` may see, newest change first, and how many there are;
    ``filters`` maps column names to wanted values (None: any)."""
    query = visible(user)
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(ContentItem, name) == value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(ContentItem.updated_at.desc(), ContentItem.id.desc())
        .offset((number - 1) * size)
        .limit(size)
    )
    return total, list(items)
