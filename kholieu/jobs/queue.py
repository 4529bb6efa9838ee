"""Background jobs: huey carries them, the ``jobs`` table says how they are doing.

A job is queued only after the transaction that asked for it commits (``enqueue`` hooks the
session's commit), so a worker never looks for a row that is not there yet, and a rolled-back
request queues nothing. huey retries a failing job with exponential backoff; after the last try
the row is marked ``failed`` with the error, which its starter reads at ``/api/v1/jobs/{id}``.

A running job beats a heartbeat on its row. If its worker dies (killed, out of memory, machine
lost), the heartbeat stops and ``requeue_stale`` hands the job to the queue again, counting the
attempt; tasks are written so that running twice leaves one result. A job may be cancelled: its
next progress report raises ``JobCancelled`` and it stops without retrying.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
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
from kholieu.errors import QueueUnavailable, ValidationFailed
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
        self._platform: Platform | None = None

    def bind(self, platform: Platform) -> None:
        self._platform = platform

    def job(self, session: Session, job_id: str) -> Job | None:
        return session.get(Job, job_id)

    def register(self, name: str, fn: TaskFunction, *, retries: int | None = None) -> None:
        """Make ``fn`` runnable as job ``name``; every process registers the same tasks."""
        retries = self.settings.job_retries if retries is None else retries

        @self.huey.task(
            name=name,
            retries=retries,
            retry_delay=self.settings.job_retry_delay_s,
            retry_backoff=self.settings.job_retry_backoff,
            context=True,
        )
        def run(job_id: str, task: Any = None) -> None:
            self._run(fn, job_id, retries_left=task.retries)

        self._tasks[name] = run

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
            raise ValidationFailed(f"no job called {name!r}")
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
                select(Job.id, Job.name, Job.attempts).where(
                    Job.status == JobStatus.running, Job.updated_at < cutoff
                )
            ).all()
        requeued = []
        for job_id, name, attempts in stale:
            final = attempts > self.settings.job_retries or name not in self._tasks
            with self.sessions.begin() as session:
                claimed = session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == JobStatus.running,
                           Job.updated_at < cutoff)
                    .values(
                        status=JobStatus.failed if final else JobStatus.retrying,
                        error=f"the worker running attempt {attempts} stopped",
                        updated_at=utcnow(), finished_at=utcnow() if final else None,
                    )
                ).rowcount  # fmt: skip
            if claimed and not final:
                log.warning("job %s (%s): its worker stopped; queued again", job_id, name)
                self._dispatch(name, job_id)
                requeued.append(job_id)
        return requeued

    def ping(self) -> None:
        try:
            self.huey.pending_count()
        except Exception as exc:  # sqlite3 or redis errors, whichever queue this is
            raise QueueUnavailable(f"job queue unreachable: {exc}") from None

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
    def _run(self, fn: TaskFunction, job_id: str, *, retries_left: int) -> None:
        payload = self._start(job_id)
        if payload is None:
            return
        assert self._platform is not None, "JobQueue.bind(platform) was not called"
        ctx = JobContext(job_id, payload, self._platform, lambda p: self._progress(job_id, p))
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job_id, stop), daemon=True)
        beat.start()
        try:
            fn(ctx)
        except JobCancelled:
            raise CancelExecution(retry=False) from None
        except PermanentFailure as exc:
            self._finish(job_id, JobStatus.failed, error=str(exc))
            raise CancelExecution(retry=False) from None
        except Exception as exc:
            final = retries_left <= 0
            self._finish(
                job_id,
                JobStatus.failed if final else JobStatus.retrying,
                error=f"{type(exc).__name__}: {exc}",
                final=final,
            )
            raise
        finally:
            stop.set()
        self._finish(job_id, JobStatus.succeeded, error=None, progress=1.0)

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


class InProcessConsumer(Consumer):
    """huey's consumer as threads inside `kholieu serve`: uvicorn owns the signals there."""

    def _set_signal_handlers(self) -> None:
        pass
