"""How an item is described to people and scripts (`content show`, the API, pages)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.content.models import ContentFile, ContentItem, Kind
from kholieu.content.schemas import ContentOut
from kholieu.jobs.models import Job
from kholieu.video.models import Caption


def describe(session: Session, item: ContentItem, file: ContentFile | None) -> dict[str, Any]:
    """Metadata, the file, its processing job and, for videos, the ladder and captions."""
    info = ContentOut.model_validate(item).model_dump(mode="json")
    if item.kind == Kind.video:
        query = select(Caption.language, Caption.cues).where(Caption.item_id == item.id)
        info["captions"] = {language: cues for language, cues in session.execute(query)}
    info["file"] = None
    if file is not None:
        job = session.get(Job, file.job_id) if file.job_id else None
        info["file"] = {
            "name": file.filename, "sha256": file.sha256, "size": file.size, "mime": file.mime,
            "package": file.package, "unpacked": file.unpacked,
            "media": file.media, "hls": file.hls,
            "processing": None if job is None else {
                "job": job.id, "status": job.status, "progress": job.progress,
                "error": job.error,
            },
        }  # fmt: skip
    return info
