"""The sweeper: what kills and failures leave behind, found and removed.

A killed process leaves temporary files and folders under ``<data_dir>/tmp`` (copies of
stored objects, transcoding folders, import spools), the store's own half-written files,
multipart uploads nobody will complete, and objects stored before a row that never came
(docs/DESIGN.md, "Objects before rows"). Capabilities declare, through the registry, which
object key prefixes are theirs and which keys their rows name, and which uploads their rows
hold open (``kholieu.storage.sweep``); this module adds the temporary folder and runs it all.

Everything waits out a grace period (``KHOLIEU_GC_OLDER_THAN_S``, a day): an upload in flight
stores its object before its row, and a job may be using its temporary folder. ``kholieu gc``
is a dry run unless ``--apply``; background work sweeps every ``KHOLIEU_GC_INTERVAL_S`` (6 h),
in one process at a time (``claim_round``).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kholieu.db.base import utcnow
from kholieu.jobs.models import Job, JobStatus
from kholieu.storage.base import ObjectStore, tree_stat
from kholieu.storage.sweep import (
    Family,
    Holder,
    Referenced,
    SweepReport,
    check_families,
    sweep_leftovers,
    sweep_objects,
    sweep_uploads,
)

log = logging.getLogger(__name__)
JOB_NAME = "system.gc"  # the jobs-table row each periodic sweep records itself in


class Sweeper:
    """Built once by the platform; capabilities add their families while registering."""

    def __init__(self, store: ObjectStore, sessions: sessionmaker[Session], tmp_dir: Path) -> None:
        self.store = store
        self.sessions = sessions
        self.tmp_dir = tmp_dir
        self.families: list[Family] = []
        self.holders: list[Holder] = []

    def own(self, owner: str, prefix: str, referenced: Referenced, *, kind: str = "unreferenced"):
        family = Family(owner, prefix, referenced, kind)
        check_families([*self.families, family])
        self.families.append(family)

    def hold_uploads(self, holder: Holder) -> None:
        self.holders.append(holder)

    def sweep(
        self,
        *,
        older_than: timedelta,
        apply: bool = False,
        now: datetime | None = None,
        progress: Callable[[], None] = lambda: None,
    ) -> SweepReport:
        """Find (and with ``apply`` remove) everything left behind that is older than
        ``older_than`` at ``now``; tests pass both rather than wait."""
        now = now or datetime.now(UTC)
        before = now - older_than
        report = SweepReport(applied=apply, older_than_s=older_than.total_seconds())
        self._sweep_tmp(report, before)
        progress()
        unlisted = sweep_leftovers(self.store, report, before=before)
        progress()
        sweep_uploads(
            self.store, self.sessions, self.holders, report, before=before, progress=progress
        )
        sweep_objects(
            self.store, self.sessions, self.families, report,
            before=before, now=now, unlisted=unlisted, progress=progress,
        )  # fmt: skip
        return report

    def _sweep_tmp(self, report: SweepReport, before: datetime) -> None:
        """Every entry of ``<data_dir>/tmp`` untouched since ``before``: nothing there outlives
        the job or request that made it, unless that was killed."""
        if not self.tmp_dir.is_dir():
            return
        for entry in sorted(self.tmp_dir.iterdir()):
            try:
                touched, size = tree_stat(entry)
            except FileNotFoundError:
                continue
            if touched >= before:
                continue
            report.kinds["temporary"].add(f"{self.tmp_dir.name}/{entry.name}", size)
            if report.applied:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def claim_round(sessions: sessionmaker[Session], interval_s: float, now: datetime) -> str | None:
    """Claim this interval's sweep, or None when another process has it.

    The claim is a jobs-table row whose id names the interval (``gc-<n>``, n = time ÷
    interval), so its primary key lets one process in, on PostgreSQL and SQLite alike, and the
    row then says how the sweep went. A row lock (``db.locks``) would not do: held for a whole
    sweep it would stop every writer on SQLite."""
    job_id = f"gc-{int(now.timestamp() // interval_s)}"
    try:
        with sessions.begin() as session:
            session.add(Job(id=job_id, name=JOB_NAME, status=JobStatus.running, attempts=1))
    except IntegrityError:
        return None
    return job_id


def sweep_round(
    sweeper: Sweeper,
    older_than: timedelta,
    interval_s: float,
    stale_s: float,
    stopping: Callable[[], bool] = lambda: False,
) -> SweepReport | None:
    """One periodic sweep, if this process wins the interval: removes, and records the totals
    (or the error) on its job row. ``stopping`` ends it between batches (the process stops)."""
    sessions = sweeper.sessions
    job_id = claim_round(sessions, interval_s, datetime.now(UTC))
    if job_id is None:
        return None
    beat = [time.monotonic()]

    def alive() -> None:  # the job reaper takes a row without a heartbeat for a dead job
        if stopping():
            raise InterruptedError("the process is stopping")
        if time.monotonic() - beat[0] > stale_s / 4:
            beat[0] = time.monotonic()
            _record(sessions, job_id)

    try:
        report = sweeper.sweep(older_than=older_than, apply=True, progress=alive)
    except Exception as exc:
        _record(sessions, job_id, status=JobStatus.failed, error=f"{type(exc).__name__}: {exc}",
                finished_at=utcnow())  # fmt: skip
        raise
    totals = {kind: {"count": t.count, "bytes": t.bytes} for kind, t in report.kinds.items()}
    _record(sessions, job_id, status=JobStatus.succeeded, progress=1.0, payload=totals,
            error=None, finished_at=utcnow())  # fmt: skip
    removed = report.removed
    log.info("sweeper removed %d things, %d bytes", removed.count, removed.bytes)
    return report


def _record(sessions: sessionmaker[Session], job_id: str, **changes: object) -> None:
    with sessions.begin() as session:
        job = session.get(Job, job_id)
        if job is not None:
            for name, value in {**changes, "updated_at": utcnow()}.items():
                setattr(job, name, value)
