"""Background jobs: huey carries them, the ``jobs`` table says how they are doing.

A job is queued only after the transaction that asked for it commits (``enqueue`` hooks the
session's commit), so a worker never looks for a row that is not there yet, and a rolled-back
request queues nothing. huey retries a failing job with exponential backoff; after the last try
the row is marked ``failed`` with the error, which its starter reads at ``/api/v1/jobs/{id}``.

A job that meets a dependency down (``kholieu.errors.is_transient``: storage, search, the queue
or the database unavailable or timed out) is not failed: it is put off and tried again with
backoff and jitter for as long as ``KHOLIEU_JOB_WAIT_WINDOW_S`` (15 minutes: long enough to ride
out an S3 or database restart), its row saying what it waits for. The outage's start travels
with the queued message, so the window holds even while the database itself is away. Waits do
not use up the job's retries, which are for other errors.

A running job beats a heartbeat on its row. If its worker dies (killed, out of memory, machine
lost), the heartbeat stops and ``requeue_stale`` hands the job to the queue again, counting the
attempt against the job's own retries (an import has none); tasks are written so that running
twice leaves one result. A job may be cancelled: its next progress report raises
``JobCancelled`` and it stops without retrying.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import CancelExecution
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kholieu.config import Settings
from kholieu.db import on_commit
from kholieu.db.base import utcnow
from kholieu.errors import (
    DatabaseUnavailable,
    QueueUnavailable,
    SearchUnavailable,
    StorageUnavailable,
    ValidationFailed,
    is_transient,
    public_message,
)
from kholieu.jobs.models import Job, JobStatus

if TYPE_CHECKING:
    from kholieu.platform import Platform

log = logging.getLogger(__name__)
FINISHED = (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)


class PermanentFailure(Exception):
    """Raised by a task when trying again cannot help (bad input): the job fails at once."""


class JobCancelled(Exception):
    """Raised by ``JobContext.report`` once someone cancelled the job."""


@dataclass
class JobContext:
    """What a task function receives: its payload, the platform (settings, sessions, store,
    outbox, queue) and a progress reporter. A task that needs a capability's service gets it
    bound when the capability registers the task."""

    job_id: str
    payload: dict[str, Any]
    platform: Platform
    report: Callable[[float], None] = field(repr=False)


TaskFunction = Callable[[JobContext], None]
# Told when a job has failed for good (out of retries, past its wait window, or its worker
# died with no retry left): (platform, payload, reason). Lets a capability settle its own row.
FailureHook = Callable[["Platform", dict[str, Any], str], None]
# What a put-off job's row says it waits for (Vietnamese first).
WAITING_FOR = {
    StorageUnavailable: "kho lưu trữ / storage",
    SearchUnavailable: "máy tìm kiếm / search",
    QueueUnavailable: "hàng đợi việc / the job queue",
    DatabaseUnavailable: "cơ sở dữ liệu / the database",
}


def make_huey(queue_url: str, name: str) -> Huey:
    if queue_url.startswith("sqlite"):
        path = Path(unquote(urlsplit(queue_url).path))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False, utc=True)
    return RedisHuey(name, url=queue_url, results=False, utc=True)


class JobQueue:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.huey = make_huey(settings.queue_url, settings.queue_name)
        self._tasks: dict[str, Any] = {}
        self._retries: dict[str, int] = {}
        self._on_failure: dict[str, FailureHook] = {}
        self._platform: Platform | None = None

    def bind(self, platform: Platform) -> None:
        self._platform = platform

    def job(self, session: Session, job_id: str) -> Job | None:
        return session.get(Job, job_id)

    def register(
        self,
        name: str,
        fn: TaskFunction,
        *,
        retries: int | None = None,
        on_failure: FailureHook | None = None,
    ) -> None:
        """Make ``fn`` runnable as job ``name``; every process registers the same tasks."""
        retries = self.settings.job_retries if retries is None else retries

        @self.huey.task(
            name=name,
            retries=retries,
            retry_delay=self.settings.job_retry_delay_s,
            retry_backoff=self.settings.job_retry_backoff,
            context=True,
        )
        def run(job_id: str, waiting: list[float] | None = None, task: Any = None) -> None:
            self._run(name, fn, job_id, retries_left=task.retries, waiting=waiting)

        self._tasks[name] = run
        self._retries[name] = retries
        if on_failure is not None:
            self._on_failure[name] = on_failure

    def enqueue(
        self,
        session: Session,
        name: str,
        payload: dict[str, Any] | None = None,
        *,
        started_by: int | None = None,
    ) -> Job:
        """Record job ``name`` in ``session``; it reaches the queue when the session commits."""
        if name not in self._tasks:
            raise ValidationFailed("Không có tác vụ nào tên “{name}”", name=name)
        job = Job(id=uuid.uuid4().hex, name=name, payload=payload or {}, started_by=started_by)
        session.add(job)
        session.flush()  # defaults (status, times) for whoever replies with the job
        on_commit(session, lambda: self._dispatch(name, job.id))
        return job

    def _dispatch(self, name: str, job_id: str) -> None:
        """Hand a committed job to huey; if the queue is unreachable, say so on the job row
        rather than leave it 'queued' with nothing in the queue."""
        try:
            self._tasks[name](job_id)
        except Exception as exc:
            log.error("could not queue job %s (%s): %s", job_id, name, exc)
            self._update(
                job_id,
                status=JobStatus.failed,
                error=f"job queue unreachable: {exc}",
                finished_at=utcnow(),
            )

    def cancel(self, session: Session, job_id: str) -> bool:
        """Ask job ``job_id`` to stop; False when it had already finished."""
        job = session.get(Job, job_id)
        if job is None or job.status in FINISHED:
            return False
        job.status, job.finished_at, job.updated_at = JobStatus.cancelled, utcnow(), utcnow()
        return True

    def requeue_stale(self) -> list[str]:
        """Queue again the running jobs whose heartbeat stopped (their worker died); a job out
        of retries fails instead. Returns the ids queued again."""
        cutoff = utcnow() - timedelta(seconds=self.settings.job_stale_s)
        with self.sessions() as session:
            stale = session.execute(
                select(Job.id, Job.name, Job.attempts, Job.waits).where(
                    Job.status == JobStatus.running, Job.updated_at < cutoff
                )
            ).all()
        requeued = []
        for job_id, name, attempts, waits in stale:
            final = name not in self._tasks or attempts > self._retries[name] + waits
            with self.sessions.begin() as session:
                claimed = session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == JobStatus.running,
                           Job.updated_at < cutoff)
                    .values(
                        status=JobStatus.failed if final else JobStatus.retrying,
                        error=_stopped(attempts),
                        updated_at=utcnow(), finished_at=utcnow() if final else None,
                    )
                ).rowcount  # fmt: skip
            if claimed and final:
                self._failed(name, job_id, _stopped(attempts))
            elif claimed:
                log.warning("job %s (%s): its worker stopped; queued again", job_id, name)
                self._dispatch(name, job_id)
                requeued.append(job_id)
        return requeued

    def ping(self) -> None:
        try:
            self.huey.pending_count()
        except Exception as exc:  # sqlite3 or redis errors, whichever queue this is
            raise QueueUnavailable("Không kết nối được hàng đợi tác vụ: {exc}", exc=exc) from None

    def consumer(self, workers: int, *, in_process: bool) -> Consumer:
        cls = InProcessConsumer if in_process else Consumer
        return cls(
            self.huey,
            workers=workers,
            worker_type="thread",
            initial_delay=0.05,
            max_delay=1.0,
            backoff=1.5,
            scheduler_interval=1,
            check_worker_health=not in_process,
        )

    # -- running ---------------------------------------------------------------------------
    def _run(
        self,
        name: str,
        fn: TaskFunction,
        job_id: str,
        *,
        retries_left: int,
        waiting: list[float] | None,
    ) -> None:
        stop = threading.Event()
        try:
            payload = self._start(job_id)  # the database may be the dependency that is down
            if payload is None:
                return
            assert self._platform is not None, "JobQueue.bind(platform) was not called"
            ctx = JobContext(job_id, payload, self._platform, lambda p: self._progress(job_id, p))
            beat = threading.Thread(target=self._heartbeat, args=(job_id, stop), daemon=True)
            beat.start()
            fn(ctx)
        except JobCancelled:
            raise CancelExecution(retry=False) from None
        except PermanentFailure as exc:
            self._finish(job_id, JobStatus.failed, error=str(exc))
            self._failed(name, job_id, str(exc))
            raise CancelExecution(retry=False) from None
        except Exception as exc:
            if is_transient(exc) and self._put_off(name, job_id, exc, waiting):
                raise CancelExecution(retry=False) from None
            final = retries_left <= 0
            reason = public_message(exc)
            log.error("job %s (%s) failed: %r", job_id, name, exc)
            self._finish(
                job_id, JobStatus.failed if final else JobStatus.retrying, error=reason,
                final=final,
            )  # fmt: skip
            if final:
                self._failed(name, job_id, reason)
            raise
        finally:
            stop.set()
        self._finish(job_id, JobStatus.succeeded, error=None, progress=1.0, waiting_since=None)

    def _put_off(self, name: str, job_id: str, exc: Exception, waiting: list[float] | None) -> bool:
        """Queue the job again later because a dependency is down; False once the outage has
        lasted longer than the wait window (the job then fails or retries as for any error).

        ``waiting`` is [when the outage began for this job, how many waits so far], carried by
        the queued message. The delay doubles from ``job_wait_delay_s`` up to
        ``job_wait_max_delay_s``, drawn between half and all of it ("equal jitter"): jobs that
        met the same outage do not all come back at the same instant."""
        settings = self.settings
        now = time.time()
        since, waits = (waiting[0], int(waiting[1])) if waiting else (now, 0)
        if now - since >= settings.job_wait_window_s:  # 0: never wait
            return False
        ceiling = min(settings.job_wait_max_delay_s, settings.job_wait_delay_s * 2**waits)
        delay = random.uniform(ceiling / 2, ceiling)
        try:
            self._tasks[name].schedule(args=(job_id, [since, waits + 1]), delay=delay)
        except Exception as queue_error:  # the queue is down too: let huey's retry have it
            log.error("job %s could not be put off: %s", job_id, queue_error)
            return False
        what = next((v for k, v in WAITING_FOR.items() if isinstance(exc, k)), None)
        message = getattr(exc, "message", None) or str(exc)
        if what is None:  # a database error not yet translated
            what, message = WAITING_FOR[DatabaseUnavailable], type(exc).__name__
        log.warning("job %s (%s) waits %.1f s for %s: %s", job_id, name, delay, what, message)
        try:
            self._finish(
                job_id, JobStatus.retrying, final=False, waits=Job.waits + 1,
                waiting_since=datetime.fromtimestamp(since, UTC),
                error=f"đang chờ {what}: {message}"[:2000],
            )  # fmt: skip
        except Exception as db_error:  # the database is the one away: the message says it all
            log.warning("job %s: could not record the wait: %s", job_id, db_error)
        return True

    def _failed(self, name: str, job_id: str, reason: str) -> None:
        """Tell the job's capability it failed for good (its hook settles its own row)."""
        hook = self._on_failure.get(name)
        if hook is None:
            return
        try:
            with self.sessions() as session:
                job = session.get(Job, job_id)
                payload = dict(job.payload) if job else {}
            assert self._platform is not None
            hook(self._platform, payload, reason)
        except Exception as exc:  # the database may be what failed; the job row says so
            log.error("job %s (%s): its failure hook failed: %s", job_id, name, exc)

    def _start(self, job_id: str) -> dict[str, Any] | None:
        """Mark the job running, unless it is gone, cancelled or already finished."""
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is None or job.status in FINISHED:
                log.warning("job %s is %s; skipped", job_id, job.status if job else "gone")
                return None
            job.status, job.attempts, job.updated_at = JobStatus.running, job.attempts + 1, utcnow()
            return dict(job.payload)

    def _finish(
        self, job_id: str, status: JobStatus, *, final: bool = True, **changes: Any
    ) -> None:
        """Record how a run ended, but never overwrite a cancellation."""
        with self.sessions.begin() as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status != JobStatus.cancelled)
                .values(status=status, updated_at=utcnow(),
                        finished_at=utcnow() if final else None, **changes)
            )  # fmt: skip

    def _heartbeat(self, job_id: str, stop: threading.Event) -> None:
        while not stop.wait(self.settings.job_stale_s / 4):
            try:
                self._touch(job_id)
            except JobCancelled:  # the task notices at its next progress report
                return
            except Exception as exc:  # a database hiccup: the next beat may get through
                log.warning("job %s heartbeat failed: %s", job_id, exc)

    def _touch(self, job_id: str, **changes: Any) -> None:
        """Refresh the job's heartbeat (with ``changes``); raise if the job is no longer this
        run's: cancelled, or handed to another worker after a missed heartbeat."""
        with self.sessions.begin() as session:
            status = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.running)
                .values(updated_at=utcnow(), **changes)
                .returning(Job.status)
            ).scalar()
        if status is None:
            raise JobCancelled(job_id)

    def _progress(self, job_id: str, fraction: float) -> None:
        self._touch(job_id, progress=max(0.0, min(1.0, fraction)))

    def _update(self, job_id: str, **changes: Any) -> dict[str, Any] | None:
        """Apply ``changes`` to a job row in its own transaction; return its payload."""
        with self.sessions.begin() as session:
            job = session.get(Job, job_id)
            if job is None:
                return None
            for name, value in {**changes, "updated_at": utcnow()}.items():
                setattr(job, name, value)
            return dict(job.payload)


def _stopped(attempt: int) -> str:
    return (
        f"tiến trình chạy lần thử {attempt} đã dừng giữa chừng"
        f" / the worker running attempt {attempt} stopped"
    )


class InProcessConsumer(Consumer):
    """huey's consumer as threads inside `kholieu serve`: uvicorn owns the signals there."""

    def _set_signal_handlers(self) -> None:
        pass
