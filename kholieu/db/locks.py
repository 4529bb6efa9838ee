"""Holding one row while a read-then-write runs, the same way on PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.orm import Session

from kholieu.db.base import Base


def hold(session: Session, model: type[Base], row_id: int) -> None:
    """Wait for, then keep, the lock on one row until the transaction ends.

    A no-op UPDATE takes PostgreSQL's row lock and SQLite's single write lock (SQLite begins
    the transaction at its first write), waiting for whoever holds it; whatever is read
    afterwards includes what they committed."""
    table = model.__table__
    session.execute(update(table).where(table.c.id == row_id).values(id=table.c.id))


@contextmanager
def held(session: Session, model: type[Base], row_id: int) -> Iterator[None]:
    """Run the block with the row held, then commit: the one place a service commits.

    Why here and not in the request's dependency: the lock must be released as soon as the
    read-then-write is done. Left to the request, it would also cover the response check and
    two thread hand-overs; on SQLite, whose single write lock is shared by every process, that
    took autosaves from 12 to 150 ms (p50, bench/quiz_load.py). An error that ``keeps_changes``
    (a save refused because the attempt was just submitted at its deadline) commits what was
    done before it; any other error is left to the request's rollback."""
    hold(session, model, row_id)
    try:
        yield
    except BaseException as exc:
        if getattr(exc, "keeps_changes", False):
            session.commit()
        raise
    session.commit()
