"""Keeps the search index in step with the database without losing updates.

Anything searchable that changes calls ``record(session, index, doc_id)`` in the same
transaction as the change, so the outbox row exists exactly when the change does. The drainer
reads rows in order, loads each document's *current* state from the database through the
loader its index registered, sends upserts and deletes to the backend, and removes the rows
only once the backend took them. While the backend is down the rows stay, their ``attempts``
grow, and the drainer backs off; when it is back, the index catches up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kholieu.db import on_commit
from kholieu.db.base import utcnow
from kholieu.errors import SearchUnavailable
from kholieu.search.backend import SearchBackend
from kholieu.search.models import OutboxEntry

log = logging.getLogger(__name__)

# Given a session and document ids, return {id: document} for those that still exist.
Loader = Callable[[Session, list[str]], dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Lag:
    pending: int
    oldest: datetime | None

    @property
    def seconds(self) -> float:
        if self.oldest is None:
            return 0.0
        oldest = self.oldest if self.oldest.tzinfo else self.oldest.replace(tzinfo=utcnow().tzinfo)
        return max(0.0, (utcnow() - oldest).total_seconds())


class Outbox:
    def __init__(
        self, sessions: sessionmaker[Session], backend: SearchBackend, *, batch: int = 200
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.batch = batch
        self._loaders: dict[str, Loader] = {}
        self._wake = threading.Event()

    def register_loader(self, index: str, loader: Loader) -> None:
        self._loaders[index] = loader

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

        Raises SearchUnavailable, after recording the attempt, when the backend is down.
        """
        with self.sessions.begin() as session:
            rows = session.scalars(
                select(OutboxEntry)
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
            except SearchUnavailable as exc:
                failure = exc
            else:
                for row in rows:
                    session.delete(row)
                return len(rows)
        with self.sessions.begin() as session:  # the first transaction rolled back
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_([row.id for row in rows]))
                .values(attempts=OutboxEntry.attempts + 1, last_error=str(failure))
            )
        raise failure

    def drain(self) -> int:
        """Drain until the outbox is empty; return the number of rows cleared."""
        total = 0
        while cleared := self.drain_once():
            total += cleared
        return total

    def lag(self) -> Lag:
        with self.sessions() as session:
            pending, oldest = session.execute(
                select(func.count(OutboxEntry.id), func.min(OutboxEntry.created_at))
            ).one()
        return Lag(pending=pending, oldest=oldest)

    def run_forever(self, stop: threading.Event, interval: float, max_backoff: float = 60) -> None:
        """The drainer loop for `serve` and `worker`: woken by commits, backs off while down."""
        delay = interval
        while not stop.is_set():
            try:
                self.drain()
                delay = interval
            except SearchUnavailable as exc:
                log.warning("search backend down, outbox retry in %.0fs: %s", delay, exc)
                delay = min(delay * 2, max_backoff)
            except Exception:
                log.exception("outbox drain failed")
                delay = min(delay * 2, max_backoff)
            self._wake.wait(delay)
            self._wake.clear()

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
