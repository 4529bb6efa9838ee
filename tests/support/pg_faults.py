"""PostgreSQL faults for tests, made by an administrator's connection and undone afterwards: a
role of the test's own that the app connects as (so its connections can be limited, killed or
made read-only without touching the test's), and a lock held on a table."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def admin(url: str) -> psycopg.Connection:
    """A connection of the test's own (superuser), in autocommit."""
    return psycopg.connect(_dsn(url), autocommit=True)


@dataclass
class Role:
    name: str
    url: str  # the test's database, as this role
    admin_url: str

    def set(self, sql: str) -> None:
        """``ALTER ROLE <role> <sql>``: for connections the role opens from now on."""
        with admin(self.admin_url) as conn:
            conn.execute(f'ALTER ROLE "{self.name}" {sql}')

    def backends(self) -> list[int]:
        with admin(self.admin_url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE usename = %s", (self.name,)
            ).fetchall()
        return [pid for (pid,) in rows]

    def terminate(self, pids: list[int] | None = None) -> int:
        """Kill the role's backends (or those of ``pids``), and return once they are gone."""
        pids = self.backends() if pids is None else pids
        if not pids:
            return 0
        with admin(self.admin_url) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
            deadline = time.monotonic() + 30
            while conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
            ).fetchone()[0]:
                assert time.monotonic() < deadline, f"backends {pids} did not end"
                time.sleep(0.01)
        return len(pids)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(_dsn(self.url), autocommit=True)


@contextmanager
def role(url: str) -> Iterator[Role]:
    """A login role that may read and write every table of the test's database, dropped at
    the end (its connections killed first), whatever the test did to it."""
    name = f"kholieu_fault_{uuid.uuid4().hex[:10]}"
    with admin(url) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(f'GRANT pg_read_all_data, pg_write_all_data TO "{name}"')
    made = Role(name, make_url(url).set(username=name, password=None).render_as_string(), url)
    try:
        yield made
    finally:
        made.set("CONNECTION LIMIT 0")  # nothing new while the old ones are killed
        made.terminate()
        with admin(url) as conn:
            conn.execute(f'DROP ROLE "{name}"')


@contextmanager
def locked(url: str, table: str) -> Iterator[None]:
    """``table`` locked against readers and writers by another connection until the block
    ends."""
    with psycopg.connect(_dsn(url)) as conn:
        conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        try:
            yield
        finally:
            conn.rollback()
