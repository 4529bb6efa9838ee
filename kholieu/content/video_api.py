"""Video endpoints: processing state and control, captions, and where a learner stopped.

Captions are served from the app's origin as ``text/vtt`` (browsers render cue text as text,
never as HTML); the video itself comes from the content origin (content/origin.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.authz import AnyoneDep, SignedInDep, editors
from kholieu.accounts.models import User
from kholieu.content.captions import MAX_BYTES
from kholieu.content.models import Caption, Kind, PlaybackPosition
from kholieu.content.views import caption_link, describe
from kholieu.db.base import utcnow
from kholieu.errors import NotFound, ValidationFailed
from kholieu.web.deps import ServicesDep, SessionDep

router = APIRouter(prefix="/api/v1/content", tags=["video"])
captions_files = APIRouter(tags=["video"], include_in_schema=False)
EditorDep = Annotated[User, Depends(editors)]


class CaptionOut(BaseModel):
    language: str
    label: str
    cues: int
    filename: str
    url: str
    updated_at: datetime


class PositionIn(BaseModel):
    seconds: float = Field(ge=0, le=24 * 3600)


class PositionOut(BaseModel):
    seconds: float
    updated_at: datetime | None


@router.get("/{item_id}/processing")
def processing(
    item_id: int, user: EditorDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    """The file's processing job (status, percent, error) and, for videos, the stored ladder."""
    item = services.content.get(session, user, item_id)
    info = describe(session, item, services.content.file(session, item.id))
    if info["file"] is None:
        raise NotFound("this item has no file")
    return info["file"]


@router.post("/{item_id}/processing/retry", status_code=202)
def retry_processing(
    item_id: int, user: EditorDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    """Process the file again (after a failure or a cancellation)."""
    file = services.content.reprocess(session, user, item_id)
    session.commit()
    return {"job": file.job_id}


@router.post("/{item_id}/processing/cancel", status_code=202)
def cancel_processing(
    item_id: int, user: EditorDep, services: ServicesDep, session: SessionDep
) -> dict[str, str]:
    services.content.cancel_processing(session, user, item_id)
    session.commit()
    return {"status": "cancelled"}


@router.get("/{item_id}/captions")
def list_captions(
    item_id: int, user: AnyoneDep, services: ServicesDep, session: SessionDep
) -> list[CaptionOut]:
    item = services.content.get(session, user, item_id)
    return [_caption_out(c) for c in services.content.captions(session, item.id)]


@router.put("/{item_id}/captions/{language}")
async def put_captions(
    item_id: int,
    language: str,
    file: UploadFile,
    user: EditorDep,
    services: ServicesDep,
    session: SessionDep,
) -> CaptionOut:
    """Upload WebVTT or SRT captions for one language (multipart field ``file``)."""
    data = await file.read(MAX_BYTES + 1)
    caption = services.content.set_captions(
        session, user, item_id, language, data, file.filename or "captions"
    )
    session.commit()
    return _caption_out(caption)


@router.delete("/{item_id}/captions/{language}", status_code=204)
def delete_captions(
    item_id: int, language: str, user: EditorDep, services: ServicesDep, session: SessionDep
) -> None:
    services.content.remove_captions(session, user, item_id, language)
    session.commit()


@router.get("/{item_id}/position")
def my_position(
    item_id: int, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> PositionOut:
    """Where the signed-in user stopped this video (0 when never played)."""
    item = services.content.get(session, user, item_id)
    position = _position(session, item.id, user.id)
    if position is None:
        return PositionOut(seconds=0, updated_at=None)
    return PositionOut(seconds=position.seconds, updated_at=position.updated_at)


@router.put("/{item_id}/position")
def save_position(
    item_id: int,
    body: PositionIn,
    user: SignedInDep,
    services: ServicesDep,
    session: SessionDep,
) -> PositionOut:
    item = services.content.get(session, user, item_id)
    if item.kind != Kind.video:
        raise ValidationFailed("only videos have a playback position")
    position = _position(session, item.id, user.id)
    if position is None:
        position = PlaybackPosition(item_id=item.id, user_id=user.id)
        session.add(position)
    position.seconds, position.updated_at = round(body.seconds, 1), utcnow()
    session.commit()
    return PositionOut(seconds=position.seconds, updated_at=position.updated_at)


@captions_files.get("/content/{item_id}/captions/{language}.vtt")
def caption_file(
    item_id: int, language: str, user: AnyoneDep, services: ServicesDep, session: SessionDep
) -> Response:
    item = services.content.get(session, user, item_id)
    for caption in services.content.captions(session, item.id):
        if caption.language == language:
            return Response(caption.vtt, media_type="text/vtt; charset=utf-8", headers={
                "Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff",
            })  # fmt: skip
    raise NotFound(f"no {language} captions for item {item_id}")


def _caption_out(caption: Caption) -> CaptionOut:
    return CaptionOut(
        **caption_link(caption),
        cues=caption.cues, filename=caption.filename, updated_at=caption.updated_at,
    )  # fmt: skip


def _position(session: Session, item_id: int, user_id: int) -> PlaybackPosition | None:
    return session.scalar(
        select(PlaybackPosition).where(
            PlaybackPosition.item_id == item_id, PlaybackPosition.user_id == user_id
        )
    )
