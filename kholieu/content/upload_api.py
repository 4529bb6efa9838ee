"""Resumable upload endpoints (editors). See kholieu/content/uploads.py for the flow."""

from __future__ import annotations

import io

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from kholieu.accounts.deps import EditorDep
from kholieu.content.deps import UploadsDep
from kholieu.content.models import Upload
from kholieu.errors import ValidationFailed
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/uploads", tags=["uploads"])


class UploadIn(BaseModel):
    item_id: int
    filename: str = Field(min_length=1, max_length=255)
    size: int


class PartOut(BaseModel):
    number: int
    size: int


class UploadOut(BaseModel):
    id: str
    item_id: int
    filename: str
    size: int
    part_size: int
    parts: int
    status: str
    error: str | None
    job_id: str | None
    part_urls: list[str] | None = None  # presigned (S3): PUT each part there directly
    received: list[PartOut] = []
    original_url: str | None = None  # a rejected file, kept until deleted


def _out(upload: Upload, **extra: object) -> UploadOut:
    return UploadOut(
        id=upload.id, item_id=upload.item_id, filename=upload.filename, size=upload.size,
        part_size=upload.part_size, parts=upload.part_count, status=upload.status,
        error=upload.error, job_id=upload.job_id, **extra,
    )  # fmt: skip


@router.post("", status_code=201)
def start_upload(
    data: UploadIn, user: EditorDep, uploads: UploadsDep, session: SessionDep
) -> UploadOut:
    upload = uploads.start(session, user, data.item_id, data.filename, data.size)
    return _out(upload, part_urls=uploads.part_urls(upload))


@router.get("/{upload_id}")
def upload_status(
    upload_id: str, user: EditorDep, uploads: UploadsDep, session: SessionDep
) -> UploadOut:
    """What arrived so far: a client resumes by sending the parts not listed. A rejected
    upload says why, with a download link to the kept file (until it is deleted)."""
    upload = uploads.get(session, user, upload_id)
    received = [PartOut(number=p.number, size=p.size) for p in uploads.received(upload)]
    return _out(
        upload,
        received=received,
        part_urls=uploads.part_urls(upload) if upload.status == "open" else None,
        original_url=uploads.original_url(upload),
    )


@router.put("/{upload_id}/parts/{number}")
async def put_part(
    upload_id: str,
    number: int,
    request: Request,
    user: EditorDep,
    uploads: UploadsDep,
    session: SessionDep,
) -> PartOut:
    """One part as the raw request body. A part is at most ``part_size`` (8 MiB for files up
    to 80 GB), so it is collected in memory, never more than that; the file never is."""
    upload = await run_in_threadpool(uploads.get, session, user, upload_id)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > upload.part_size:
            raise ValidationFailed(
                "Phần {number} lớn hơn {part_size} byte", number=number, part_size=upload.part_size
            )
    part = await run_in_threadpool(uploads.put_part, upload, number, io.BytesIO(body), len(body))
    return PartOut(number=part.number, size=part.size)


@router.post("/{upload_id}/complete", status_code=202)
def complete_upload(
    upload_id: str, user: EditorDep, uploads: UploadsDep, session: SessionDep
) -> UploadOut:
    """Assemble the parts and queue the checks; follow ``job_id`` at /api/v1/jobs/{id}."""
    upload = uploads.get(session, user, upload_id)
    uploads.complete(session, user, upload)
    return _out(upload)


@router.delete("/{upload_id}", status_code=204)
def abort_upload(upload_id: str, user: EditorDep, uploads: UploadsDep, session: SessionDep) -> None:
    upload = uploads.get(session, user, upload_id)
    uploads.abort(upload)
