"""How an item is described to people and scripts (`content show`, the API, pages)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kholieu.content.models import ContentFile, ContentItem
from kholieu.content.schemas import ContentOut
from kholieu.jobs.models import Job


def describe(session: Session, item: ContentItem, file: ContentFile | None) -> dict[str, Any]:
    info = ContentOut.model_validate(item).model_dump(mode="json")
    info["file"] = None
    if file is not None:
        job = session.get(Job, file.job_id) if file.job_id else None
        info["file"] = {
            "name": file.filename, "sha256": file.sha256, "size": file.size, "mime": file.mime,
            "package": file.package, "unpacked": file.unpacked,
            "processing": None if job is None else {
                "job": job.id, "status": job.status, "progress": job.progress,
                "error": job.error,
            },
        }  # fmt: skip
    return info
