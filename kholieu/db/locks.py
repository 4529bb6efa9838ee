"""Holding one row while a read-then-write runs, the same way on PostgreSQL and SQLite. The
lock lasts until the request's session ends (``web.deps.get_session``, whose commit runs in
threads of its own so that waiting for a lock never holds up its release)."""

from __future__ import annotations

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
