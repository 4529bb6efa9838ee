"""Which items a signed-in user opened lately ("recently opened" in their space): one row per
user and item, its count and last time, written at most once a minute per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.content import policy
from kholieu.content.models import ContentItem, ContentView
from kholieu.db.base import utcnow

QUIET = timedelta(minutes=1)  # a reload within this is the same visit: no write
MAX_LIST = 50


def opened(session: Session, user: User, item: ContentItem) -> None:
    """Note that ``user`` opened ``item``'s page (an upsert; skipped within a minute)."""
    now = utcnow()
    view = session.scalar(
        select(ContentView).where(ContentView.user_id == user.id, ContentView.item_id == item.id)
    )
    if view is not None:
        last = view.last_opened if view.last_opened.tzinfo else view.last_opened.replace(
            tzinfo=now.tzinfo)  # fmt: skip
        if now - last < QUIET:
            return
        view.count, view.last_opened = view.count + 1, now
        return
    try:
        with session.begin_nested():  # two first visits at once: one row, the other counts
            session.add(ContentView(user_id=user.id, item_id=item.id, count=1, last_opened=now))
    except IntegrityError:
        pass


@dataclass(frozen=True)
class Opened:
    item_id: int
    title: str
    kind: str
    count: int
    last_opened: datetime


def recent_items(session: Session, user: User, limit: int = 10) -> list[Opened]:
    """The items ``user`` opened, last first, leaving out those they may no longer see."""
    visible = policy.visible(user).subquery()
    rows = session.execute(
        select(ContentView, visible.c.title, visible.c.kind)
        .join(visible, visible.c.id == ContentView.item_id)
        .where(ContentView.user_id == user.id)
        .order_by(ContentView.last_opened.desc(), ContentView.id.desc())
        .limit(max(0, min(limit, MAX_LIST)))
    )
    return [Opened(v.item_id, title, str(kind), v.count, v.last_opened) for v, title, kind in rows]
