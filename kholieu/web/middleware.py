"""Per-request context: request id and locale for logs and templates, security headers,
one structured log line per request."""

from __future__ import annotations

import time
import uuid

import structlog
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

from kholieu.web.i18n import COOKIE, current_locale, pick_locale

log = structlog.get_logger("kholieu.request")


def app_csp(content_origin: str) -> str:
    """Only this origin's scripts; uploaded content may appear only framed from its origin."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob: {content_origin}; font-src 'self' data:; "
        f"media-src 'self' blob: {content_origin}; "
        f"connect-src 'self'; frame-src {content_origin}; frame-ancestors 'none'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def install(app: FastAPI) -> None:
    csp = app_csp(app.state.services.settings.content_origin)

    @app.middleware("http")
    async def request_context(request: Request, call_next: RequestResponseEndpoint) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        settings = request.app.state.services.settings
        locale = pick_locale(
            request.query_params.get("lang") or request.cookies.get(COOKIE),
            settings.default_locale,
        )
        current_locale.set(locale)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response.headers["X-Request-ID"] = request_id
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.query_params.get("lang") == locale:
            response.set_cookie(COOKIE, locale, max_age=365 * 24 * 3600, samesite="lax")
        log.info(
            "request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 1),
            request_id=request_id,
        )
        return response
