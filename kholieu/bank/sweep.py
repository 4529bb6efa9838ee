"""What the sweeper may remove of the bank's objects: a question image stays while its row
does; a web import's file (``imports/<id>``) stays while the import is queued or running, and
after a failure until its starter has read the report or the keep time
(``KHOLIEU_GC_FAILED_IMPORT_KEEP_S``, a week) has passed since it finished, so the teacher can
still be told what was wrong. A finished import deletes its own file; a kill in between leaves
it to the sweeper."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.bank.models import ImportStatus, QuestionImage, QuestionImport
from kholieu.db.base import aware

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def referenced_images(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
    shas = {key.removeprefix("qimages/") for key in keys}
    query = select(QuestionImage.sha256).where(QuestionImage.sha256.in_(sorted(shas)))
    known = set(session.scalars(query))
    return {key for key in keys if key.removeprefix("qimages/") in known}


def import_files_kept(keep: timedelta):
    """The rule for ``imports/<id>`` with a failed import's keep time bound in."""

    def referenced(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
        ids = {key.removeprefix("imports/") for key in keys}
        rows = session.execute(
            select(
                QuestionImport.id,
                QuestionImport.status,
                QuestionImport.seen_at,
                QuestionImport.finished_at,
            ).where(QuestionImport.id.in_(sorted(ids)))
        ).all()
        kept = {row.id for row in rows if _kept(row.status, row.seen_at, row.finished_at,
                                                now - keep)}  # fmt: skip
        return {key for key in keys if key.removeprefix("imports/") in kept}

    return referenced


def _kept(status: str, seen: datetime | None, finished: datetime | None, cutoff: datetime) -> bool:
    if status in (ImportStatus.queued, ImportStatus.running):
        return True
    if status != ImportStatus.failed:
        return False  # done: the job deletes it; what is left is garbage
    if seen is not None:
        return False
    return finished is None or aware(finished) > cutoff  # SQLite hands back naive UTC


def register(registry: Registry) -> None:
    keep = timedelta(seconds=registry.services.settings.gc_failed_import_keep_s)
    registry.stored_objects("bank", "qimages/", referenced_images)
    registry.stored_objects("bank", "imports/", import_files_kept(keep), kind="failed_imports")
