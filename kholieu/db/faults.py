"""Which database errors mean "the database is unavailable" rather than "this request is wrong".

The database restarting, refusing new connections, dropping one, timing out a statement or
turning read-only (a failover to a replica) is an outage: the web app answers 503 with
``Retry-After`` and a job waits it out (``kholieu.errors.is_transient``). Anything else from
the database (a constraint, a bad value) is the caller's problem or a bug; of those, text the
database cannot store (``refused_text``) is the caller's, a 422.
"""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kholieu.errors import DatabaseUnavailable
from kholieu.i18n import N_

# SQLSTATE classes and codes of an outage (PostgreSQL): connection exceptions, insufficient
# resources (too many connections), operator intervention (shutdown, terminated backend),
# a cancelled statement (statement_timeout), a read-only transaction, a lock not granted in
# time (lock_timeout).
_OUTAGE_CLASSES = ("08", "53", "57")
_OUTAGE_CODES = {"25006", "55P03"}  # read_only_sql_transaction, lock_not_available
# The connection itself is gone (terminated backend, server shutting down or starting):
# a fresh connection may well work at once.
_LOST_CODES = {"57P01", "57P02", "57P03"}
# Text PostgreSQL will not store: a character with no equivalent in the server's encoding,
# a \u0000 in JSON (22P05), a byte sequence invalid there (22021).
_TEXT_CODES = {"22P05", "22021"}
MESSAGE = N_("Cơ sở dữ liệu tạm thời không phản hồi; hãy thử lại sau ít phút")
BUSY_MESSAGE = N_("Máy chủ đang bận; hãy thử lại sau giây lát")


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or "")


def database_fault(exc: BaseException) -> DatabaseUnavailable | None:
    """A ``DatabaseUnavailable`` (never with SQL in its message) when ``exc`` is an outage;
    its ``details["reason"]`` is the SQLSTATE (or the driver's error class), ``"busy"`` for
    an exhausted pool."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if isinstance(exc, PoolTimeout):
        return DatabaseUnavailable(BUSY_MESSAGE, details={"reason": "busy"})
    if not isinstance(exc, DBAPIError):
        return None
    code = _sqlstate(exc)
    if (
        isinstance(exc, (OperationalError, InterfaceError))
        or exc.connection_invalidated
        or code[:2] in _OUTAGE_CLASSES
        or code in _OUTAGE_CODES
        or "readonly database" in str(exc.orig)  # SQLite's read-only file
    ):
        return DatabaseUnavailable(MESSAGE, details={"reason": code or type(exc.orig).__name__})
    return None


def connection_lost(exc: BaseException) -> bool:
    """Whether the connection itself died under ``exc`` (killed, the server restarting, the
    network cut), as opposed to a database that answered "no" (read-only, a timeout, too many
    connections): only then may a read be tried again at once, on a fresh connection."""
    if not isinstance(exc, DBAPIError):
        return False
    code = _sqlstate(exc)
    return exc.connection_invalidated or code[:2] == "08" or code in _LOST_CODES


def refused_text(exc: BaseException) -> bool:
    """Whether the database refused a text value it cannot hold (PostgreSQL and NUL): the
    input's fault, though the request's checks (``kholieu.web.text``) should have caught it."""
    if not isinstance(exc, DataError):
        return False
    return "NUL" in str(exc.orig) or _sqlstate(exc) in _TEXT_CODES
