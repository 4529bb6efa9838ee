"""Engines for SQLite (the embedded default) and PostgreSQL, picked by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kholieu.errors import DatabaseUnavailable


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (psycopg2 is not a dependency)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(
    url: str,
    pool_size: int = 5,
    *,
    statement_timeout_s: float = 0,
    idle_in_transaction_timeout_s: float = 0,
    busy_timeout_s: float = 30,
) -> Engine:
    """``pool_size``: connections kept for the web server's requests in flight and its job
    threads (``platform.build``); ten more may open for a moment beyond it.

    PostgreSQL: every connection is given ``statement_timeout`` (a statement running or
    waiting for a lock longer is cancelled: a 503, never a request held for minutes) and
    ``idle_in_transaction_session_timeout`` (a session left in a transaction is ended, with
    its locks); 0 leaves the server's setting. SQLite: how long a write waits for another's
    lock before "database is locked". The defaults here (none) are for tools such as
    migrations; the app passes its settings (``platform.build_platform``)."""
    sa_url = make_url(normalise_url(url))
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:" and not _is_uri(sa_url):
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            sa_url, pool_size=pool_size,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
        )  # fmt: skip
        busy_ms = int(busy_timeout_s * 1000)
        event.listen(engine, "connect", lambda conn, _record: _sqlite_pragmas(conn, busy_ms))
        return engine
    engine = create_engine(
        sa_url, pool_size=pool_size, pool_pre_ping=True, connect_args={"connect_timeout": 5}
    )
    limits = {
        "statement_timeout": int(statement_timeout_s * 1000),
        "idle_in_transaction_session_timeout": int(idle_in_transaction_timeout_s * 1000),
    }
    limits = {name: ms for name, ms in limits.items() if ms > 0}
    if limits:
        event.listen(engine, "connect", lambda conn, _record: _postgres_limits(conn, limits))
    return engine


def _is_uri(url: Any) -> bool:
    return str(url.query.get("uri", "")).lower() in ("true", "1")


def _sqlite_pragmas(dbapi_conn, busy_ms: int) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    cur.close()


def _postgres_limits(dbapi_conn, limits: dict[str, int]) -> None:
    """Session settings on a new connection (``SET`` rather than a startup option, so they
    also pass through a connection pooler such as PgBouncer)."""
    with dbapi_conn.cursor() as cur:
        for name, ms in limits.items():
            cur.execute(f"SET {name} = {ms:d}")
    dbapi_conn.commit()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _first_line(exc: BaseException) -> str:
    found = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return found[0] if found else type(exc).__name__


def check_database(engine: Engine) -> None:
    """Fail fast, with one line, when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(
            "Không kết nối được cơ sở dữ liệu {where}: {first_line}",
            where=where,
            first_line=_first_line(exc),
        ) from None


def probe_database(engine: Engine) -> dict[str, Any]:
    """What /readyz says of the database: whether it takes a *new* connection (the pool's
    idle ones hide a server that refuses more, "too many connections") and whether it takes
    writes (a failover to a replica, ``default_transaction_read_only``, a read-only file).
    Raises ``DatabaseUnavailable`` naming which; the message holds the server's first line,
    never SQL."""
    probe = engine.pool.recreate()  # same connect arguments and connect-time settings
    try:
        try:
            conn = probe.connect()
        except Exception as exc:
            raise DatabaseUnavailable(
                "Cơ sở dữ liệu từ chối kết nối mới: {first_line}", first_line=_first_line(exc)
            ) from None
        try:
            if engine.dialect.name == "sqlite":
                return _sqlite_writable(conn, engine.url)
            return _postgres_writable(conn)
        finally:
            conn.close()
    finally:
        probe.dispose()


def _postgres_writable(conn: Any) -> dict[str, Any]:
    cur = conn.cursor()
    cur.execute("SELECT current_setting('transaction_read_only'), pg_is_in_recovery()")
    read_only, in_recovery = cur.fetchone()
    cur.close()
    conn.rollback()
    if in_recovery:
        raise DatabaseUnavailable("Chỉ đọc: máy chủ cơ sở dữ liệu là máy dự phòng đang khôi phục")
    if read_only == "on":
        raise DatabaseUnavailable("Chỉ đọc: giao dịch ở chế độ chỉ đọc (transaction_read_only)")
    return {"writable": True}


def _sqlite_writable(conn: Any, url: Any) -> dict[str, Any]:
    """A write that changes nothing, rolled back: "attempt to write a readonly database" when
    the file, its directory or the URL (``mode=ro``) will not take writes. Another writer
    holding the lock means writable (and busy), so the probe does not wait for it."""
    path = url.database or ""
    if path and path != ":memory:" and not _is_uri(url):
        for where in (Path(path), Path(path).parent):
            if where.exists() and not os.access(where, os.W_OK):
                raise DatabaseUnavailable("Chỉ đọc: {where} không ghi được", where=where)
    cur = conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=0")
        cur.execute("BEGIN")
        cur.execute("UPDATE alembic_version SET version_num = version_num WHERE 0")
    except Exception as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return {"writable": True, "busy": True}
        if "readonly" in message or "read-only" in message:
            raise DatabaseUnavailable("Chỉ đọc: {message_}", message_=message) from None
        raise
    finally:
        conn.rollback()
        cur.close()
    return {"writable": True}
