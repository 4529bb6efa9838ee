"""One place that turns exceptions into responses: JSON ``{"error": {code, message, details}}``
for the API, an error page (or a redirect to sign in) for browsers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kholieu.db.faults import connection_lost, database_fault, refused_text
from kholieu.errors import KholieuError, NotAuthenticated, RateLimited, ServiceUnavailable
from kholieu.web.templating import render

log = logging.getLogger(__name__)

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
# Set in a request's scope when its database connection died under it: the read retry
# (``kholieu.web.middleware.ReadRetry``) may then run a GET or HEAD once more.
CONNECTION_LOST = "kholieu.connection_lost"


class PageRefused(Exception):
    """Raised by a page that answers a refused form with a page of its own (the form again,
    with what was wrong). The request's session rolls back first, as for any other error, and
    only then is ``render`` called, so the page shows what is stored, never the refused
    change."""

    def __init__(self, render: Callable[[], Response]) -> None:
        super().__init__("page refused")
        self.render = render
        self.response: Response | None = None

    def respond(self) -> Response:
        if self.response is None:
            self.response = self.render()
        return self.response


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz"):
        return True
    return "text/html" not in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, code: str, message: str, details: object = None
) -> Response:
    if wants_json(request):
        body = {"error": {"code": code, "message": message, "details": details}}
        return JSONResponse(body, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


async def handle_kholieu_error(request: Request, exc: KholieuError) -> Response:
    if isinstance(exc, NotAuthenticated) and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if exc.status_code >= 500:
        log.error("%s: %s", exc.code, exc.message)
    response = error_response(request, exc.status_code, exc.code, exc.message, exc.details)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, ServiceUnavailable):
        response.headers.setdefault("Retry-After", "5")
    if isinstance(exc, NotAuthenticated):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def handle_validation_error(request: Request, exc: RequestValidationError) -> Response:
    details = [
        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors()
    ]  # FastAPI's error list (not pydantic's ValidationError): kept word for word
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return error_response(request, 422, "validation_failed", summary, details)


async def handle_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(request, exc.status_code, code, str(exc.detail))


async def handle_page_refused(request: Request, exc: PageRefused) -> Response:
    return exc.respond()  # rendered by the session's dependency, after its rollback


async def handle_database_error(request: Request, exc: Exception) -> Response:
    """Whatever the database raised. An outage (refused or dropped connections, a read-only
    database, a statement timed out, also at the commit in ``get_session``'s ending) is a 503
    ``database_unavailable`` with Retry-After, and an exhausted pool a 503 ``database_busy``:
    clients and the exam page retry those. Text the database would not store is a 422 (the
    request's checks in ``web.text`` should have refused it first). Anything else is the
    generic 500. The answer never carries SQLAlchemy's text: it holds the statement and its
    parameters."""
    fault = database_fault(exc)
    where = f"{request.method} {request.url.path}"
    if fault is None:
        if refused_text(exc):
            log.warning("text refused by the database on %s: %s", where, _first_line(exc))
            return error_response(request, 422, "validation_failed", TEXT_REFUSED)
        return await handle_unexpected(request, exc)
    if connection_lost(exc):
        request.scope[CONNECTION_LOST] = True
    if fault.details and fault.details.get("reason") == "busy":
        log.warning("database connections exhausted on %s", where)
        response = error_response(request, 503, "database_busy", fault.message)
        response.headers["Retry-After"] = "1"
        return response
    log.error("database unavailable on %s: %s", where, _first_line(exc))
    response = error_response(request, fault.status_code, fault.code, fault.message, fault.details)
    response.headers["Retry-After"] = "5"
    return response


TEXT_REFUSED = (
    "văn bản chứa kí tự không lưu được (NUL) / the text holds a character that cannot be "
    "stored (NUL)"
)


def _first_line(exc: BaseException) -> str:
    """The driver's own first line (for the log): SQLAlchemy's text adds the statement."""
    found = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return found[0] if found else type(exc).__name__


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal_error", "an unexpected error occurred")


def install(app: FastAPI) -> None:
    app.add_exception_handler(KholieuError, handle_kholieu_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, handle_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, handle_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(SATimeoutError, handle_database_error)
    app.add_exception_handler(DBAPIError, handle_database_error)
    app.add_exception_handler(PageRefused, handle_page_refused)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, handle_unexpected)
