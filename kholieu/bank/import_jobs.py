"""Imports started from the web page: the file goes to the object store, a job reads it with
the same importer as the command line, and the report is kept for the page to show.

The job does not retry a failure, and a worker that died is not replaced (the import fails,
with its reason on the page; the teacher uploads again). An outage of the database or the store
is different: the job waits it out and runs again, and that run counts the questions the
first one stored (they carry the import's id) as imported, never as duplicates of themselves.

The importer runs as the teacher who uploaded, so the report it keeps names only questions they
may read (importer.py); ``shown`` checks again as the report is read, for reports kept before
that rule and for questions that have since stopped being readable.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, is_in
from kholieu.bank.formats import READERS, sniffing, too_large
from kholieu.bank.importer import HIDDEN
from kholieu.bank.models import ImportStatus, Question, QuestionImport
from kholieu.bank.policy import visible
from kholieu.bank.service import AUTHORS
from kholieu.db.base import utcnow
from kholieu.errors import NotFound, PermissionDenied, ValidationFailed
from kholieu.files.temp import copy_of
from kholieu.i18n import N_, Message
from kholieu.jobs.models import Job
from kholieu.jobs.queue import JobContext, JobQueue
from kholieu.storage import ObjectStore
from kholieu.storage.base import CHUNK

if TYPE_CHECKING:
    from kholieu.bank.importer import QuestionImporter
    from kholieu.capabilities import Registry
    from kholieu.platform import Platform

TASK = "questions.import"
_CHUNK_IDS = 500  # ids per visibility query (SQLite's limit on bound parameters)


def object_key(import_id: str) -> str:
    return f"imports/{import_id}"


def start(
    session: Session,
    store: ObjectStore,
    queue: JobQueue,
    actor: User,
    source: BinaryIO,
    filename: str,
    options: dict[str, Any],
) -> QuestionImport:
    """Keep the upload and queue its import (when ``session`` commits)."""
    if actor.role not in AUTHORS:
        raise PermissionDenied("Chỉ giáo viên và biên tập viên được nhập câu hỏi")
    known = Path(filename).suffix.lower() in READERS
    record = QuestionImport(
        id=uuid.uuid4().hex, filename=Path(filename).name[:255], size=0, options=options,
        created_by=actor.id,
    )  # fmt: skip
    with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as spool:
        size = 0
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if refused := too_large(Path(filename).name, size):
                raise ValidationFailed(refused, details={"field": "file"})
            spool.write(chunk)
        if size == 0:
            raise ValidationFailed(
                "{filename}: tệp rỗng", filename=filename, details={"field": "file"}
            )
        spool.seek(0)
        if not known and _format_shown(spool.read(64 * 2**10)) is None:
            raise ValidationFailed(
                "{filename}: không nhận ra loại tệp câu hỏi “{lower}” (các loại được nhận: "
                "{join}), và nội dung tệp cũng không thuộc loại nào",
                filename=filename,
                lower=Path(filename).suffix.lower(),
                join=", ".join(sorted(READERS)),
                details={"field": "file"},
            )
        spool.seek(0)
        store.put(object_key(record.id), spool)  # the object before the row that names it
    record.size = size
    session.add(record)
    job = queue.enqueue(session, TASK, {"import_id": record.id}, started_by=actor.id)
    record.job_id = job.id
    session.flush()  # the row's defaults (status, created_at) for the caller's reply
    return record


def _format_shown(head: bytes) -> str | None:
    """The text format the start of a file shows beyond doubt (GIFT, Aiken, JSONL, Moodle XML,
    QTI), for a file whose name does not say: the job then reads it by content."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return sniffing.by_content(head[2:].decode(codec, "replace"))
    return sniffing.by_content(head.decode("utf-8-sig", "replace"))


def progress(session: Session, record: QuestionImport) -> float:
    """How far the import is, from its job's progress (1.0 once done)."""
    if record.status == ImportStatus.done:
        return 1.0
    job = session.get(Job, record.job_id) if record.job_id else None
    return job.progress if job else 0.0


def get(session: Session, actor: User, import_id: str) -> QuestionImport:
    record = session.get(QuestionImport, import_id)
    if record is None or (record.created_by != actor.id and not is_in(actor, EDITORS)):
        raise NotFound("Không có lần nhập câu hỏi “{import_id}”", import_id=import_id)
    return record


def shown(session: Session, viewer: User, report: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report as ``viewer`` may read it: a duplicate named by a question they may not read
    becomes ``HIDDEN`` (no id, no similarity), and such an id leaves ``ids``."""
    if not report:
        return report
    duplicates = report.get("duplicate_of") or []
    named = {d.get("question") for d in duplicates} | set(report.get("ids") or [])
    named = {q for q in named if isinstance(q, int) and not isinstance(q, bool)}
    query = visible(viewer)
    if not named or query.whereclause is None:  # nothing named, or the whole bank is theirs
        return report
    ids, readable = sorted(named), set()
    for start in range(0, len(ids), _CHUNK_IDS):
        chunk = ids[start : start + _CHUNK_IDS]
        readable.update(
            session.scalars(query.with_only_columns(Question.id).where(Question.id.in_(chunk)))
        )
    if named <= readable:
        return report

    def entry(dup: dict[str, Any]) -> dict[str, Any]:
        question = dup.get("question")
        if not isinstance(question, int) or question in readable:
            return dup
        where = {k: v for k, v in dup.items() if k in ("file", "line", "where")}
        return {**where, "question": None, "similarity": None, "note": HIDDEN}

    return {
        **report,
        "duplicate_of": [entry(d) for d in duplicates],
        "ids": [i for i in report.get("ids") or [] if not isinstance(i, int) or i in readable],
    }


def run(ctx: JobContext, importer: QuestionImporter) -> None:
    platform = ctx.platform
    import_id = ctx.payload["import_id"]
    with platform.sessions.begin() as session:
        record = session.get(QuestionImport, import_id)
        if record is None or record.status in (ImportStatus.done, ImportStatus.failed):
            return
        record.status = ImportStatus.running
        filename, options, user_id = record.filename, dict(record.options), record.created_by
    report = _import(ctx, importer, filename, options, user_id)  # a failure: see failed()
    _finish(platform, import_id, ImportStatus.done, report=report)
    platform.store.delete(object_key(import_id))


def _import(
    ctx: JobContext,
    importer: QuestionImporter,
    filename: str,
    options: dict[str, Any],
    user_id: int | None,
):
    platform = ctx.platform
    key, tmp_dir = object_key(ctx.payload["import_id"]), platform.settings.data_dir / "tmp"
    with copy_of(platform.store, key, tmp_dir, name=filename) as path:  # readers go by suffix
        with platform.sessions() as session:
            actor = session.get(User, user_id) if user_id else None
            session.expunge_all()
        ctx.report(0.05)
        result = importer.run(
            [path],
            actor=actor,
            defaults=options.get("defaults") or {},
            on_duplicate=options.get("on_duplicate", "skip"),
            progress=lambda share: ctx.report(0.05 + 0.95 * share),
            import_id=ctx.payload["import_id"],
        )
    return result.as_json()


def failed(platform: Platform, payload: dict[str, Any], reason: str) -> None:
    """The job failed for good (kholieu.jobs.queue calls this): the page shows ``reason``,
    which never carries a driver's text."""
    with platform.sessions.begin() as session:
        record = session.get(QuestionImport, payload.get("import_id"))
        if record is None or record.status == ImportStatus.done:
            return
        stored = session.scalar(
            select(func.count(Question.id)).where(Question.import_id == record.id)
        )
        if stored:  # what landed before it stopped stays, and the teacher is told so
            kept = Message(N_("{stored} câu hỏi đã được lưu trước khi dừng"), {"stored": stored})
            reason += f" — {kept.render()}"
        record.status, record.error, record.finished_at = ImportStatus.failed, reason, utcnow()


def _finish(platform: Platform, import_id: str, status: ImportStatus, **changes: Any) -> None:
    with platform.sessions.begin() as session:
        record = session.get(QuestionImport, import_id)
        record.status = status
        record.finished_at = utcnow()
        for name, value in changes.items():
            setattr(record, name, value)


def register(registry: Registry) -> None:
    importer = registry.services.importer
    registry.job(TASK, lambda ctx: run(ctx, importer), retries=0, on_failure=failed)


def mark_seen(record: QuestionImport, viewer: User) -> None:
    """Note when the import's starter first reads its finished report: from then on a failed
    import's stored file is the sweeper's (bank/sweep.py), the teacher having been told."""
    finished = record.status in (ImportStatus.done, ImportStatus.failed)
    if finished and record.seen_at is None and viewer.id == record.created_by:
        record.seen_at = utcnow()
