"""Keeps the search index in step with the database without losing updates.

Anything searchable that changes calls ``record(session, index, doc_id)`` in the same
transaction as the change, so the outbox row exists exactly when the change does. The drainer
reads rows in order, loads each document's *current* state from the database through the
source its index registered, sends upserts and deletes to the backend, and marks the rows done
only once the backend took them. While the backend is down the rows stay pending, their
``attempts`` grow, and the drainer backs off; when it is back, the index catches up.
``health()`` reads the same rows, so any process (the web app's /readyz) can tell whether the
drainer, wherever it runs, is writing.

``rebuild`` (``kholieu reindex``) writes a whole index from the database into a new physical
index, switches to it atomically, then replays every change recorded since it started (those
went to the old index). The drainer rebuilds by itself when the engine has lost an index.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kholieu.db import on_commit
from kholieu.db.base import aware, utcnow
from kholieu.errors import SearchUnavailable
from kholieu.search.backend import IndexMissing, SearchBackend
from kholieu.search.models import OutboxEntry

if TYPE_CHECKING:
    from kholieu.config import Settings

log = logging.getLogger(__name__)

# Given a session and document ids, return {id: document} for those that still exist.
Loader = Callable[[Session, list[str]], dict[str, dict[str, Any]]]
# Every document id of an index, for rebuilds.
Lister = Callable[[Session], Iterator[str]]
Progress = Callable[[int, int], None]  # (done, total)

KEEP_DONE = timedelta(days=1)
# A change committed this long after its row was written still gets replayed after a rebuild.
REPLAY_MARGIN = timedelta(minutes=5)
REBUILD_BATCH = 500


@dataclass(frozen=True)
class Lag:
    pending: int
    oldest: datetime | None

    @property
    def seconds(self) -> float:
        if self.oldest is None:
            return 0.0
        return max(0.0, (utcnow() - aware(self.oldest)).total_seconds())


@dataclass(frozen=True)
class Health:
    """What the outbox table says about the drainer: failing when the oldest pending row's
    last attempt failed (it is retried first, so a drainer that can write clears it)."""

    pending: int
    oldest: datetime | None
    attempts: int  # of the oldest pending row
    last_error: str | None
    last_success: datetime | None  # the latest row the backend took (kept for a day)

    @property
    def failing(self) -> bool:
        return self.attempts > 0

    @property
    def lag_s(self) -> float:
        return Lag(self.pending, self.oldest).seconds

    def report(self) -> dict[str, Any]:
        success = aware(self.last_success).isoformat() if self.last_success else None
        report: dict[str, Any] = {
            "ok": not self.failing, "outbox_pending": self.pending, "lag_s": round(self.lag_s, 1),
            "last_success": success,
        }  # fmt: skip
        if self.failing:
            report |= {"attempts": self.attempts, "last_error": self.last_error}
            report["error"] = f"search index not written: {self.last_error}"
        return report


@dataclass(frozen=True)
class Retry:
    """How the drainer waits while the backend fails.

    Each wait is drawn with decorrelated jitter, ``uniform(first_s, 3 × previous wait)`` capped
    at ``max_s``: the first retry comes within seconds, a long outage is retried about once a
    minute, and drainers in several processes do not retry in step. While waiting, the
    backend's ``ping`` (cheap: no documents) is tried every ``probe_s``; after a write that
    failed with the engine unavailable, the first ping that answers ends the wait and the
    drainer drains at once (it catches up within ``probe_s`` of recovery, not at the end of a
    minute's wait). When a ping answered and the write still failed, ping cannot see this
    failure: until a write succeeds, only a ping that failed and then answers ends a wait, so
    otherwise the drainer follows the jittered waits and a broken document is not retried
    every few seconds.
    """

    first_s: float = 1.0
    max_s: float = 60.0
    probe_s: float = 2.0

    def next_delay(self, previous: float, rng: random.Random) -> float:
        high = max(self.first_s, previous * 3)
        return min(self.max_s, rng.uniform(self.first_s, high))


def outbox_retry(settings: Settings) -> Retry:
    """The drainer's waits as configured (``KHOLIEU_OUTBOX_RETRY_*``, ``…_PROBE_S``)."""
    first, most = settings.outbox_retry_first_s, settings.outbox_retry_max_s
    return Retry(first, most, settings.outbox_probe_s)


# wait(event, timeout) -> whether the event was set; tests pass one that moves a fake clock.
Wait = Callable[[threading.Event, float], bool]


def _wait(event: threading.Event, timeout: float) -> bool:
    return event.wait(timeout)


class Outbox:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        backend: SearchBackend,
        *,
        batch: int = 200,
        retry: Retry | None = None,
        clock: Callable[[], float] = time.monotonic,
        wait: Wait = _wait,
        rng: random.Random | None = None,
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.batch = batch
        self.retry = retry or Retry()
        self._clock = clock
        self._waiter = wait
        self._rng = rng or random.Random()
        self._loaders: dict[str, Loader] = {}
        self._listers: dict[str, Lister] = {}
        self._wake = threading.Event()
        self._last_purge = utcnow()

    def register_loader(self, index: str, loader: Loader, lister: Lister | None = None) -> None:
        self._loaders[index] = loader
        if lister is not None:
            self._listers[index] = lister

    @property
    def indices(self) -> list[str]:
        return list(self._listers)

    def wake(self) -> None:
        """Make the drainer look now (after a commit, or to stop it promptly)."""
        self._wake.set()

    def record(
        self, session: Session, index: str, doc_id: str, op: Literal["upsert", "delete"] = "upsert"
    ) -> None:
        """Note a change to ``doc_id`` in ``session``'s transaction; wake the drainer on commit."""
        if index not in self._loaders:
            raise ValueError(f"no loader registered for search index {index!r}")
        session.add(OutboxEntry(index=index, doc_id=str(doc_id), op=op))
        on_commit(session, self._wake.set)

    def drain_once(self) -> int:
        """Send one batch to the backend; return how many rows it cleared (0 when idle).

        Raises SearchUnavailable, after recording the attempt, when the backend is down; any
        other failure is recorded too (so ``health`` sees it) and raised as it is.
        """
        with self.sessions.begin() as session:
            rows = session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.done_at.is_(None))
                .order_by(OutboxEntry.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            latest: dict[tuple[str, str], str] = {}
            for row in rows:  # later rows win: only the last change to a document matters
                latest[(row.index, row.doc_id)] = row.op
            try:
                self._send(session, latest)
            except Exception as exc:
                failure = exc
            else:
                now = utcnow()
                for row in rows:
                    row.done_at = now
                return len(rows)
        with self.sessions.begin() as session:  # the first transaction rolled back
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_([row.id for row in rows]))
                .values(attempts=OutboxEntry.attempts + 1, last_error=_describe(failure))
            )
        raise failure

    def drain(self) -> int:
        """Drain until the outbox is empty; return the number of rows cleared. An index the
        engine does not have is rebuilt from the database first."""
        total, rebuilt = 0, set()
        while True:
            try:
                cleared = self.drain_once()
            except IndexMissing as exc:
                if exc.index in rebuilt or exc.index not in self._listers:
                    raise
                log.warning("search index %r missing: rebuilding it from the database", exc.index)
                self.rebuild(exc.index)
                rebuilt.add(exc.index)
                continue
            if not cleared:
                break
            total += cleared
        self._purge()
        return total

    def lag(self) -> Lag:
        with self.sessions() as session:
            pending, oldest = session.execute(
                select(func.count(OutboxEntry.id), func.min(OutboxEntry.created_at)).where(
                    OutboxEntry.done_at.is_(None)
                )
            ).one()
        return Lag(pending=pending, oldest=oldest)

    def health(self) -> Health:
        """The drainer's state as the outbox table shows it, whichever process drains."""
        with self.sessions() as session:
            pending = OutboxEntry.done_at.is_(None)
            count, oldest = session.execute(
                select(func.count(OutboxEntry.id), func.min(OutboxEntry.created_at)).where(pending)
            ).one()
            first = session.execute(
                select(OutboxEntry.attempts, OutboxEntry.last_error)
                .where(pending)
                .order_by(OutboxEntry.id)
                .limit(1)
            ).first()
            success = session.scalar(select(func.max(OutboxEntry.done_at)))
        attempts, error = first if first is not None else (0, None)
        return Health(count, oldest, attempts or 0, error, success)

    def rebuild(self, index: str, progress: Progress | None = None) -> int:
        """Write ``index`` anew from the database, switch to it, replay what changed meanwhile.
        Returns the number of documents written."""
        lister, loader = self._listers.get(index), self._loaders.get(index)
        if lister is None or loader is None:
            raise ValueError(f"search index {index!r} cannot be rebuilt (no source registered)")
        started = utcnow()
        with self.sessions() as session:
            ids = list(lister(session))

        def batches() -> Iterator[list[dict[str, Any]]]:
            for start in range(0, len(ids), REBUILD_BATCH):
                chunk = ids[start : start + REBUILD_BATCH]
                with self.sessions() as session:
                    docs = loader(session, chunk)
                yield [{**doc, "id": i} for i, doc in docs.items()]
                if progress:
                    progress(min(start + REBUILD_BATCH, len(ids)), len(ids))

        written = self.backend.rebuild(index, batches())
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.index == index)
                .where(OutboxEntry.created_at >= started - REPLAY_MARGIN)
                .values(done_at=None, attempts=0, last_error=None)  # replayed, not failing
            )
        self.wake()
        return written

    def _purge(self) -> None:
        """Forget rows sent more than a day ago (at most once an hour)."""
        now = utcnow()
        if now - self._last_purge < timedelta(hours=1):
            return
        self._last_purge = now
        with self.sessions.begin() as session:
            session.execute(delete(OutboxEntry).where(OutboxEntry.done_at < now - KEEP_DONE))

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        """The drainer loop for `serve` and `worker`: woken by commits, backs off while the
        backend fails (``Retry``), logging once when it starts failing and once when it
        recovers, never a traceback per attempt."""
        delay, failing, since = 0.0, None, 0.0
        probed = blind = False  # the last wait ended by a ping; ping misses this failure
        while not stop.is_set():
            try:
                self.drain()
            except Exception as exc:
                delay = self.retry.next_delay(delay, self._rng)
                # a ping said the engine was back, yet writing failed: ping cannot see this
                # failure, so until writing works it ends a wait only after failing itself
                blind = blind or probed
                down = isinstance(exc, SearchUnavailable) and not blind
                state = type(exc).__name__
                if failing != state:
                    since = since if failing else self._clock()
                    if isinstance(exc, SearchUnavailable):
                        log.warning("search index not written, retrying with backoff: %s", exc)
                    else:  # unforeseen: the traceback once, then quiet retries
                        log.exception("outbox drain failed, retrying with backoff")
                    failing = state
                probed = self._back_off(stop, delay, down=down)
                continue
            if failing:
                took = self._clock() - since
                log.info("search index written again after %.1f s of failures", took)
                failing, delay, probed, blind = None, 0.0, False, False
            self._waiter(self._wake, interval)
            self._wake.clear()

    def _back_off(self, stop: threading.Event, delay: float, *, down: bool) -> bool:
        """Wait ``delay`` (commits do not cut it short, ``stop`` does), pinging the backend
        every ``retry.probe_s``; once it was down (``down``, or a failed ping), a ping that
        answers ends the wait. Returns whether a ping ended it."""
        deadline = self._clock() + delay
        while not stop.is_set():
            left = deadline - self._clock()
            if left <= 0:
                return False
            if self._waiter(stop, min(self.retry.probe_s, left)):
                return False
            try:
                self.backend.ping()
            except Exception:
                down = True
            else:
                if down:
                    return True
        return False

    def _send(self, session: Session, latest: dict[tuple[str, str], str]) -> None:
        by_index: dict[str, tuple[list[str], list[str]]] = {}
        for (index, doc_id), op in latest.items():
            upserts, deletes = by_index.setdefault(index, ([], []))
            (upserts if op == "upsert" else deletes).append(doc_id)
        for index, (upserts, deletes) in by_index.items():
            loader = self._loaders.get(index)
            docs = loader(session, upserts) if loader and upserts else {}
            gone = [doc_id for doc_id in upserts if doc_id not in docs]
            if docs:
                self.backend.upsert(index, [{**doc, "id": i} for i, doc in docs.items()])
            if deletes or gone:
                self.backend.delete(index, deletes + gone)


def _describe(exc: BaseException) -> str:
    """An error as the outbox keeps it: our own errors by their message, others by type too."""
    if isinstance(exc, SearchUnavailable):
        return exc.message
    return f"{type(exc).__name__}: {exc}"
