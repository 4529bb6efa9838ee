"""The project's exception tree; each class carries its HTTP status and error code.

    KholieuError
    ├── ConfigError                 settings that cannot work (bad scheme, default secret)
    ├── ServiceUnavailable (503)    a backend did not answer
    │   ├── DatabaseUnavailable
    │   ├── StorageUnavailable
    │   ├── QueueUnavailable
    │   └── SearchUnavailable
    ├── NotAuthenticated (401)
    ├── PermissionDenied (403)
    ├── NotFound (404)
    │   ├── ObjectNotFound          no object under that key
    │   └── UploadNotFound          no multipart upload with that id
    ├── Conflict (409)
    ├── ValidationFailed (422)
    │   └── InvalidKey              an object key that could escape its store
    ├── RangeNotSatisfiable (416)
    ├── PayloadTooLarge (413)       a request body over its route's limit
    ├── RateLimited (429)
    ├── StorageError (502)          the object store refused for another reason
    └── StoredDataInvalid (500)     a typed JSON column's value does not fit its model (a bug,
                                    or a row written by a newer release)

Adapters translate vendor errors (botocore, SQLAlchemy, redis) into these; one handler in
``kholieu.web.errors`` renders them as ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kholieu.i18n import Message


class KholieuError(Exception):
    """``message`` is a Vietnamese template with ``{name}`` placeholders filled from
    ``params``: the catalogue gives its English, and ``message`` reads in the locale of whoever
    asks (the request's, or Vietnamese in a job)."""

    status_code = 500
    code = "internal_error"

    def __init__(
        self,
        message: str | Message,
        *,
        details: Any = None,
        keeps_changes: bool = False,
        **params: Any,
    ) -> None:
        self.text = message if isinstance(message, Message) else Message(message, params)
        super().__init__(self.text.render("vi"))
        self.details = details
        # The request's session commits rather than rolls back: what the service did before
        # refusing must hold (an attempt submitted at its deadline, then a late save refused).
        self.keeps_changes = keeps_changes

    @property
    def message(self) -> str:
        return self.text.render()

    def __str__(self) -> str:
        return self.text.render()


class ConfigError(KholieuError):
    code = "config_error"


class ServiceUnavailable(KholieuError):
    status_code = 503
    code = "service_unavailable"


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"


class StorageUnavailable(ServiceUnavailable):
    code = "storage_unavailable"


class QueueUnavailable(ServiceUnavailable):
    code = "queue_unavailable"


class SearchUnavailable(ServiceUnavailable):
    code = "search_unavailable"


class NotAuthenticated(KholieuError):
    status_code = 401
    code = "not_authenticated"


class PermissionDenied(KholieuError):
    status_code = 403
    code = "permission_denied"


class NotFound(KholieuError):
    status_code = 404
    code = "not_found"


class ObjectNotFound(NotFound):
    code = "object_not_found"


class UploadNotFound(NotFound):
    code = "upload_not_found"


class Conflict(KholieuError):
    status_code = 409
    code = "conflict"


class ValidationFailed(KholieuError):
    status_code = 422
    code = "validation_failed"


class InvalidKey(ValidationFailed):
    code = "invalid_key"


class RangeNotSatisfiable(KholieuError):
    status_code = 416
    code = "range_not_satisfiable"


class PayloadTooLarge(KholieuError):
    status_code = 413
    code = "payload_too_large"


class RateLimited(KholieuError):
    status_code = 429
    code = "rate_limited"

    def __init__(
        self, message: str, *, retry_after: int, details: Any = None, **params: Any
    ) -> None:
        super().__init__(message, details=details, **params)
        self.retry_after = retry_after


class StorageError(KholieuError):
    status_code = 502
    code = "storage_error"


class StoredDataInvalid(KholieuError):
    """Raised by ``kholieu.db.types.Stored``: never a user's mistake, so a 500."""

    code = "stored_data_invalid"


def is_transient(exc: BaseException) -> bool:
    """Whether trying again later may succeed: a dependency (storage, search, the queue, the
    database) was unavailable or timed out. Everything else is permanent for the same input
    (a bad file stays bad), and a job meeting it fails instead of waiting."""
    if isinstance(exc, ServiceUnavailable):
        return True
    from kholieu.db.faults import database_fault  # the database layer imports this module

    return database_fault(exc) is not None


def public_message(exc: BaseException) -> str:
    """What a job's or an import's starter may read about ``exc``: the project's own message,
    the database outage message, never a driver's text (SQL, parameters, connection strings)."""
    if isinstance(exc, KholieuError):
        return exc.message
    from kholieu.db.faults import database_fault

    if (fault := database_fault(exc)) is not None:
        return fault.message
    if type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
        return "lỗi cơ sở dữ liệu / database error"
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def field_errors(exc: ValidationError, *, verbatim: bool = False) -> list[tuple[str, str]]:
    """What pydantic found wrong, as (field path, message) pairs: the path dotted
    (``options.2``, "" for the whole object), the message in the current locale
    (``kholieu.pydantic_messages``); ``verbatim`` keeps pydantic's own English, for logs."""
    from kholieu.pydantic_messages import problem

    return [
        (
            ".".join(str(p) for p in err["loc"]),
            err["msg"] if verbatim else problem(err),  # type: ignore[arg-type]
        )
        for err in exc.errors()
    ]


def first_problem(exc: ValidationError, *, verbatim: bool = False) -> tuple[str, str]:
    """The first (field, message) of ``field_errors``: the one line a user is shown."""
    return field_errors(exc, verbatim=verbatim)[0]
