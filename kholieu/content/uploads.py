"""Resumable uploads of content files, up to the configured limit (2 GB by default).

The client opens an upload for an item, sends parts of ``part_size`` bytes (straight to S3 by
presigned URL, or through ``PUT /api/v1/uploads/{id}/parts/{n}`` on local storage), asks which
parts arrived to resume after a dropped connection, and completes. Completing assembles the
object under ``incoming/<id>`` and queues a job that checks it like any other content file
(type by content, package rules, a video's probe, SHA-256) and attaches it. A rejected file is
kept with the reason on the upload, so its editor can download it to see what is wrong, until
they delete it.
"""

from __future__ import annotations

import uuid
from typing import BinaryIO

from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.accounts.roles import ADMINS, is_in
from kholieu.config import Settings
from kholieu.content.models import Upload, UploadStatus
from kholieu.content.service import ContentService
from kholieu.errors import Conflict, KholieuError, NotFound, ValidationFailed, is_transient
from kholieu.jobs.queue import JobContext, JobQueue
from kholieu.storage import ObjectStore
from kholieu.storage.base import MIN_PART_SIZE, Part

PART_SIZE = 8 * 1024 * 1024
MAX_PARTS = 10_000


class TooLarge(ValidationFailed):
    status_code = 413
    code = "too_large"


class UploadService:
    def __init__(
        self, settings: Settings, store: ObjectStore, content: ContentService, queue: JobQueue
    ) -> None:
        self.settings = settings
        self.store = store
        self.content = content
        self.queue = queue

    def start(
        self, session: Session, actor: User, item_id: int, filename: str, size: int
    ) -> Upload:
        self.content.get(session, actor, item_id)  # the item exists and the editor sees it
        limit = self.settings.max_upload_bytes
        if size > limit:
            raise TooLarge(
                "{filename}: {size} byte, vượt giới hạn {value} MiB",
                filename=filename,
                size=size,
                value=limit // 2**20,
                details={"field": "size", "limit_bytes": limit},
            )
        if size < 0:
            raise ValidationFailed(
                "{filename}: kích thước không được âm ({size})",
                filename=filename,
                size=size,
                details={"field": "size"},
            )
        if size == 0:
            raise ValidationFailed(
                "{filename}: tệp rỗng", filename=filename, details={"field": "size"}
            )
        part_size = max(PART_SIZE, MIN_PART_SIZE, -(-size // MAX_PARTS))
        upload = Upload(
            id=uuid.uuid4().hex, item_id=item_id, filename=filename, size=size,
            part_size=part_size, store_upload_id="", created_by=actor.id,
        )  # fmt: skip
        upload.store_upload_id = self.store.start_upload(upload.key)
        session.add(upload)
        session.flush()  # defaults (status, times) for the reply
        return upload

    def get(self, session: Session, actor: User, upload_id: str) -> Upload:
        upload = session.get(Upload, upload_id)
        if upload is None or (upload.created_by != actor.id and not is_in(actor, ADMINS)):
            raise NotFound("Không có lượt tải lên “{upload_id}”", upload_id=upload_id)
        return upload

    def part_urls(self, upload: Upload) -> list[str] | None:
        """Presigned URLs for every part (S3), or None: send parts through the app."""
        urls = []
        for number in range(1, upload.part_count + 1):
            url = self.store.part_url(
                upload.key, upload.store_upload_id, number, expires_s=self.settings.url_expiry_s
            )
            if url is None:
                return None
            urls.append(url)
        return urls

    def received(self, upload: Upload) -> list[Part]:
        if upload.status != UploadStatus.open:
            return []
        return self.store.list_parts(upload.key, upload.store_upload_id)

    def put_part(self, upload: Upload, number: int, data: BinaryIO, length: int) -> Part:
        self._require_open(upload)
        if not 1 <= number <= upload.part_count:
            raise ValidationFailed(
                "Phần {number} nằm ngoài khoảng 1–{part_count}",
                number=number,
                part_count=upload.part_count,
            )
        expected = self._part_length(upload, number)
        if length != expected:
            raise ValidationFailed(
                "Phần {number} phải có {expected} byte, nhận được {length}",
                number=number,
                expected=expected,
                length=length,
                details={"part": number, "expected": expected},
            )
        return self.store.upload_part(upload.key, upload.store_upload_id, number, data)

    def complete(self, session: Session, actor: User, upload: Upload) -> Upload:
        self._require_open(upload)
        parts = self.store.list_parts(upload.key, upload.store_upload_id)
        missing = sorted(set(range(1, upload.part_count + 1)) - {p.number for p in parts})
        if missing:
            raise Conflict(
                "Chưa nhận được các phần: {ranges}",
                ranges=_ranges(missing),
                details={"missing": missing},
            )
        wrong = [p.number for p in parts if p.size != self._part_length(upload, p.number)]
        if wrong:
            raise Conflict("Các phần sai kích thước: {ranges}; hãy gửi lại", ranges=_ranges(wrong))
        self.store.complete_upload(upload.key, upload.store_upload_id, parts)
        job = self.queue.enqueue(
            session, "content.finish_upload", {"upload": upload.id}, started_by=actor.id
        )
        upload.status, upload.job_id = UploadStatus.processing, job.id
        return upload

    def abort(self, upload: Upload) -> None:
        """Stop an open upload, or delete a rejected one's kept file."""
        if upload.status == UploadStatus.open:
            self.store.abort_upload(upload.key, upload.store_upload_id)
        elif upload.status == UploadStatus.failed:
            self.store.delete(upload.key)
        upload.status = UploadStatus.aborted

    def original_url(self, upload: Upload) -> str | None:
        """A download link for a rejected upload's file (as an attachment: never rendered)."""
        if upload.status != UploadStatus.failed or not self.store.exists(upload.key):
            return None
        return self.store.url(
            upload.key, expires_s=self.settings.url_expiry_s, filename=upload.filename
        )

    def finish(self, session: Session, upload: Upload, actor: User | None) -> None:
        """Check and attach the assembled file (runs in the job); the temporary object goes.

        Only a reason the file itself gives (its type, its package, its video) fails the
        upload. The store or the database going away meanwhile is raised, so the job waits
        for them and checks the same file again (kholieu.jobs.queue)."""
        try:
            with self.store.get(upload.key) as stream:
                self.content.attach(
                    session, actor, upload.item_id, stream, upload.filename, source_key=upload.key
                )
        except KholieuError as exc:
            if is_transient(exc):
                raise
            session.rollback()  # rejected: keep the reason and the file to look at
            upload.status, upload.error = UploadStatus.failed, exc.message
            return
        upload.status, upload.error = UploadStatus.done, None
        # Unexpected errors propagate before this line, so the job's retry finds the file.
        self.store.delete(upload.key)

    def _require_open(self, upload: Upload) -> None:
        if upload.status != UploadStatus.open:
            raise Conflict(
                "Lượt tải lên {id} đang ở trạng thái {status}, không còn mở",
                id=upload.id,
                status=upload.status,
            )

    def _part_length(self, upload: Upload, number: int) -> int:
        if number < upload.part_count:
            return upload.part_size
        return upload.size - upload.part_size * (upload.part_count - 1)


def finish_upload(ctx: JobContext, uploads: UploadService) -> None:
    """The job that checks and stores a completed upload (bound to ``uploads`` when the
    content capability registers it)."""
    with ctx.platform.sessions() as session:
        upload = session.get(Upload, ctx.payload["upload"])
        if upload is None or upload.status != UploadStatus.processing:
            return
        actor = session.get(User, upload.created_by) if upload.created_by else None
        uploads.finish(session, upload, actor)
        session.commit()


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7" (a 2 GB upload has 256 parts; keep messages short)."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)
