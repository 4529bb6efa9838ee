"""Video endpoints: processing state and control, captions, and where a learner stopped.

Captions are served from the app's origin as ``text/vtt`` (browsers render cue text as text,
never as HTML); the video itself comes from the content origin (content/origin.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel, Field

from kholieu.accounts.deps import AnyoneDep, EditorDep, SignedInDep
from kholieu.content.deps import ContentDep
from kholieu.content.summary import describe
from kholieu.errors import NotFound
from kholieu.video import positions
from kholieu.video.captions import MAX_BYTES, caption_link
from kholieu.video.models import Caption
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/content", tags=["video"])


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
    item_id: int, user: EditorDep, content: ContentDep, session: SessionDep
) -> dict[str, Any]:
    """The file's processing job (status, percent, error) and, for videos, the stored ladder."""
    item = content.get(session, user, item_id)
    info = describe(session, item, content.file(session, item.id))
    if info["file"] is None:
        raise NotFound("Học liệu này không có tệp")
    return info["file"]


@router.post("/{item_id}/processing/retry", status_code=202)
def retry_processing(
    item_id: int, user: EditorDep, content: ContentDep, session: SessionDep
) -> dict[str, Any]:
    """Process the file again (after a failure or a cancellation)."""
    file = content.reprocess(session, user, item_id)
    return {"job": file.job_id}


@router.post("/{item_id}/processing/cancel", status_code=202)
def cancel_processing(
    item_id: int, user: EditorDep, content: ContentDep, session: SessionDep
) -> dict[str, str]:
    content.cancel_processing(session, user, item_id)
    return {"status": "cancelled"}


@router.get("/{item_id}/captions")
def list_captions(
    item_id: int, user: AnyoneDep, content: ContentDep, session: SessionDep
) -> list[CaptionOut]:
    item = content.get(session, user, item_id)
    return [_caption_out(c) for c in content.captions(session, item.id)]


@router.put("/{item_id}/captions/{language}")
async def put_captions(
    item_id: int,
    language: str,
    file: UploadFile,
    user: EditorDep,
    content: ContentDep,
    session: SessionDep,
) -> CaptionOut:
    """Upload WebVTT or SRT captions for one language (multipart field ``file``)."""
    data = await file.read(MAX_BYTES + 1)
    caption = content.set_captions(
        session, user, item_id, language, data, file.filename or "captions"
    )
    return _caption_out(caption)


@router.delete("/{item_id}/captions/{language}", status_code=204)
def delete_captions(
    item_id: int, language: str, user: EditorDep, content: ContentDep, session: SessionDep
) -> None:
    content.remove_captions(session, user, item_id, language)


@router.get("/{item_id}/position")
def my_position(
    item_id: int, user: SignedInDep, content: ContentDep, session: SessionDep
) -> PositionOut:
    """Where the signed-in user stopped this video (0 when never played)."""
    item = content.get(session, user, item_id)
    position = positions.get(session, item.id, user.id)
    if position is None:
        return PositionOut(seconds=0, updated_at=None)
    return PositionOut(seconds=position.seconds, updated_at=position.updated_at)


@router.put("/{item_id}/position")
def save_position(
    item_id: int,
    body: PositionIn,
    user: SignedInDep,
    content: ContentDep,
    session: SessionDep,
) -> PositionOut:
    item = content.get(session, user, item_id)
    position = positions.save(session, item, user.id, body.seconds)
    return PositionOut(seconds=position.seconds, updated_at=position.updated_at)


def _caption_out(caption: Caption) -> CaptionOut:
    return CaptionOut(
        **caption_link(caption),
        cues=caption.cues, filename=caption.filename, updated_at=caption.updated_at,
    )  # fmt: skip
