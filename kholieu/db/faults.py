"""Which database errors mean "the database is unavailable" rather than "this request is wrong".

The database restarting, refusing new connections, dropping one, timing out a statement or
turning read-only (a failover to a replica) is an outage: the web app answers 503 with
``Retry-After`` and a job waits it out (``kholieu.errors.is_transient``). Anything else from
the database (a constraint, a bad value) is the caller's problem or a bug.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kholieu.errors import DatabaseUnavailable

# SQLSTATE classes and codes of an outage (PostgreSQL): connection exceptions, insufficient
# resources (too many connections), operator intervention (shutdown, terminated backend),
# a cancelled statement (statement_timeout), a read-only transaction.
_OUTAGE_CLASSES = ("08", "53", "57")
_OUTAGE_CODES = {"25006"}  # read_only_sql_transaction
MESSAGE = (
    "cơ sở dữ liệu tạm thời không phản hồi; hãy thử lại sau ít phút / "
    "the database is unavailable; try again in a moment"
)


def database_fault(exc: BaseException) -> DatabaseUnavailable | None:
    """A ``DatabaseUnavailable`` (never with SQL in its message) when ``exc`` is an outage."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if isinstance(exc, PoolTimeout):
        return DatabaseUnavailable(MESSAGE, details={"reason": "busy"})
    if not isinstance(exc, DBAPIError):
        return None
    code = str(getattr(exc.orig, "sqlstate", "") or "")
    if (
        isinstance(exc, (OperationalError, InterfaceError))
        or exc.connection_invalidated
        or code[:2] in _OUTAGE_CLASSES
        or code in _OUTAGE_CODES
        or "readonly database" in str(exc.orig)  # SQLite's read-only file
    ):
        return DatabaseUnavailable(MESSAGE, details={"reason": code or type(exc.orig).__name__})
    return None
