"""Background jobs: huey carries them, the ``jobs`` table says how they are doing.

A job is queued only after the transaction that asked for it commits (``enqueue`` hooks the
session's commit), so a worker never looks for a row that is not there yet, and a rolled-back
request queues nothing. huey retries a failing job with exponential backoff; after the last try
the row is marked ``failed`` with the error, which its starter reads at ``/api/v1/jobs/{id}``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy.orm import Session, sessionmaker

from kholieu.config import Settings
from kholieu.db import on_commit
from kholieu.db.base import utcnow
from kholieu.errors import QueueUnavailable, ValidationFailed
from kholieu.jobs.models import Job, JobStatus

if TYPE_CHECKING:
    from kholieu.services import Services

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a task function receives: its payload, the services, and a progress reporter."""

    job_id: str
    payload: dict[str, Any]
    services: Services
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
        self._services: Services | None = None

    def bind(self, services: Services) -> None:
        self._services = services

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
        payload = self._update(job_id, status=JobStatus.running, attempts=Job.attempts + 1)
        if payload is None:
            log.warning("job %s has no row; skipped", job_id)
            return
        assert self._services is not None, "JobQueue.bind(services) was not called"
        ctx = JobContext(job_id, payload, self._services, lambda p: self._progress(job_id, p))
        try:
            fn(ctx)
        except Exception as exc:
            final = retries_left <= 0
            self._update(
                job_id,
                status=JobStatus.failed if final else JobStatus.retrying,
                error=f"{type(exc).__name__}: {exc}",
                finished_at=utcnow() if final else None,
            )
            raise
        self._update(
            job_id, status=JobStatus.succeeded, progress=1.0, error=None, finished_at=utcnow()
        )

    def _progress(self, job_id: str, fraction: float) -> None:
        self._update(job_id, progress=max(0.0, min(1.0, fraction)))

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
