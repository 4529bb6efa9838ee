"""One place that turns exceptions into responses: JSON ``{"error": {code, message, details}}``
for the API, an error page (or a redirect to sign in) for browsers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kholieu.db.faults import connection_lost, database_fault, refused_text
from kholieu.errors import KholieuError, NotAuthenticated, RateLimited, ServiceUnavailable
from kholieu.i18n import N_, Message
from kholieu.pydantic_messages import located, problem
from kholieu.web.csrf import FormExpired
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
    """The API answers JSON; a page's address answers a page (a form post, a link followed),
    unless the caller asks for JSON and not HTML."""
    if request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request, status: int, code: str, message: str, details: object = None
) -> Response:
    if wants_json(request):
        body = {"error": {"code": code, "message": message, "details": details}}
        return JSONResponse(body, status_code=status)
    context = {"status": status, "message": message, "back": back_link(request)}
    return render(request, "error.html", context, status_code=status)


def back_link(request: Request) -> str | None:
    """The page a refused form was sent from (this site's own, as a path), to go back to."""
    referer = request.headers.get("referer")
    if request.method in ("GET", "HEAD") or not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc != request.url.netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def signed_in(request: Request) -> None:
    """So that an error page shows the header of whoever is signed in (not a visitor's): the
    app's ``page_user`` hook, where the request's route did not already look."""
    find = getattr(request.app.state, "page_user", None)
    if hasattr(request.state, "user") or find is None or wants_json(request):
        return
    try:
        request.state.user = await find(request)
    except Exception:  # an error page draws even when the database is away
        log.warning("no user for the error page of %s", request.url.path, exc_info=True)
        request.state.user = None


async def handle_kholieu_error(request: Request, exc: KholieuError) -> Response:
    navigating = "text/html" in request.headers.get("accept", "")
    if isinstance(exc, NotAuthenticated) and navigating and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if not isinstance(exc, ServiceUnavailable):
        await signed_in(request)
    if isinstance(exc, FormExpired) and not wants_json(request):
        return form_expired(request, exc)
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


def same_site(request: Request) -> bool:
    """Whether the request came from one of this site's own pages (a browser says so in
    Sec-Fetch-Site; older ones in Origin or Referer)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    return bool(source) and urlsplit(source).netloc == request.url.netloc


def form_expired(request: Request, exc: FormExpired) -> Response:
    """The form again, as what was typed and a button that sends it with a fresh token, when
    it came from this site's own page (its token had expired); a form posted from elsewhere
    gets the refusal only, never a button that would complete a forged request."""
    again = exc.fields if same_site(request) else None
    context = {"status": 403, "message": exc.message, "again": again, "action": request.url.path}
    return render(request, "form_expired.html", context, status_code=403)


async def handle_validation_error(request: Request, exc: RequestValidationError) -> Response:
    details = [
        {"field": ".".join(str(p) for p in err["loc"]), "message": problem(err)}
        for err in exc.errors()
    ]
    summary = "; ".join(
        located(err, d["field"]) for err, d in zip(exc.errors(), details, strict=True)
    )
    return error_response(request, 422, "validation_failed", summary, details)


HTTP_MESSAGES = {
    404: N_("Không có trang hay mục nào ở địa chỉ này"),
    405: N_("Địa chỉ này không nhận cách gửi {method}"),
    413: N_("Yêu cầu lớn quá mức được nhận"),
}


async def handle_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    await signed_in(request)
    template = HTTP_MESSAGES.get(exc.status_code)
    if template is not None:
        message = Message(template, {"method": request.method}).render()
    else:
        message = str(exc.detail)
    return error_response(request, exc.status_code, code, message)


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
            return error_response(request, 422, "validation_failed", Message(TEXT_REFUSED).render())
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


TEXT_REFUSED = N_("Văn bản chứa kí tự không lưu được (NUL)")


def _first_line(exc: BaseException) -> str:
    """The driver's own first line (for the log): SQLAlchemy's text adds the statement."""
    found = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return found[0] if found else type(exc).__name__


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    message = Message(N_("Đã có lỗi không lường trước; xin thử lại sau")).render()
    return error_response(request, 500, "internal_error", message)


def install(app: FastAPI) -> None:
    app.add_exception_handler(KholieuError, handle_kholieu_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, handle_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, handle_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(SATimeoutError, handle_database_error)
    app.add_exception_handler(DBAPIError, handle_database_error)
    app.add_exception_handler(PageRefused, handle_page_refused)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, handle_unexpected)
