"""Run side effects (queueing jobs, waking the indexer) only once a transaction commits."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "kholieu_after_commit"


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call ``callback`` after ``session`` commits; drop it if the session rolls back."""
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_KEY, None)


def untouched(session: Session) -> bool:
    """Whether ending ``session`` does no I/O: no transaction begun (no connection taken),
    nothing to flush and no callback waiting for a commit."""
    return not (session.in_transaction() or _changed(session))


def end_read(session: Session) -> None:
    """End ``session``'s transaction when it has only read (nothing to flush, no callback
    waiting): its connection goes back to the pool, and the session is untouched again.
    What it loaded stays loaded (sessions do not expire objects on commit)."""
    if session.in_transaction() and not _changed(session):
        session.commit()


def _changed(session: Session) -> bool:
    return bool(session.new or session.dirty or session.deleted or session.info.get(_KEY))
