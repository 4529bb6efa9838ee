"""Where each viewer stopped each video, so the player resumes there on any device."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.content import policy
from kholieu.content.models import ContentFile, ContentItem, Kind
from kholieu.db.base import utcnow
from kholieu.errors import ValidationFailed
from kholieu.video.models import PlaybackPosition


def get(session: Session, item_id: int, user_id: int) -> PlaybackPosition | None:
    return session.scalar(
        select(PlaybackPosition).where(
            PlaybackPosition.item_id == item_id, PlaybackPosition.user_id == user_id
        )
    )


def save(session: Session, item: ContentItem, user_id: int, seconds: float) -> PlaybackPosition:
    """Replace the viewer's position in ``item`` (a video), to a tenth of a second."""
    if item.kind != Kind.video:
        raise ValidationFailed("Chỉ video mới có vị trí đang xem")
    position = get(session, item.id, user_id)
    if position is None:
        position = PlaybackPosition(item_id=item.id, user_id=user_id)
        session.add(position)
    position.seconds, position.updated_at = round(seconds, 1), utcnow()
    session.flush()
    return position


WATCHED = 0.95  # past this share of a video, it was watched to the end: not "continue"
MAX_LIST = 50


@dataclass(frozen=True)
class Unfinished:
    """A video to continue watching, for the student's space ("Góc học tập")."""

    item_id: int
    title: str
    seconds: float
    duration: float
    percent: int
    updated_at: datetime


def recent(session: Session, user: User, limit: int = 10) -> list[Unfinished]:
    """Videos the viewer stopped in, newest first: neither watched to the end (95 %) nor
    since unpublished or withdrawn."""
    visible = policy.visible(user).subquery()
    rows = session.execute(
        select(PlaybackPosition, visible.c.title, ContentFile.hls)
        .join(visible, visible.c.id == PlaybackPosition.item_id)
        .join(ContentFile, ContentFile.item_id == PlaybackPosition.item_id)
        .where(PlaybackPosition.user_id == user.id, ContentFile.hls.is_not(None))
        .order_by(PlaybackPosition.updated_at.desc(), PlaybackPosition.id.desc())
        .limit(500)  # the newest ones: a bound on the rows read, however many were watched
    )
    out: list[Unfinished] = []
    for position, title, hls in rows:
        duration = float((hls or {}).get("duration") or 0)
        if duration <= 0 or position.seconds >= WATCHED * duration:
            continue
        percent = int(100 * position.seconds / duration)
        out.append(Unfinished(position.item_id, title, position.seconds, duration, percent,
                              position.updated_at))  # fmt: skip
        if len(out) >= max(0, min(limit, MAX_LIST)):
            break
    return out
