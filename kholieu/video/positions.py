"""Where each viewer stopped each video, so the player resumes there on any device."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.content.models import ContentItem, Kind
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
        raise ValidationFailed("only videos have a playback position")
    position = get(session, item.id, user_id)
    if position is None:
        position = PlaybackPosition(item_id=item.id, user_id=user_id)
        session.add(position)
    position.seconds, position.updated_at = round(seconds, 1), utcnow()
    session.flush()
    return position
