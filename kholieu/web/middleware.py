"""Per-request context: request id and locale for logs and templates, security headers,
one structured log line per request."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import deque

import anyio
import structlog
from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kholieu.errors import PayloadTooLarge
from kholieu.i18n import N_, Term
from kholieu.web.compression import Compression
from kholieu.web.errors import CONNECTION_LOST, error_response
from kholieu.web.i18n import COOKIE, api_client_language, current_locale, pick_locale

log = structlog.get_logger("kholieu.request")


def app_csp(content_origin: str, media_origins: list[str] | None = None) -> str:
    """Only this origin's scripts; uploaded content may appear only framed from its origin.
    The video player fetches playlists from the content origin and, on S3, segments and
    thumbnails from the store (``media_origins``); hls.js runs its transmuxer in a blob worker."""
    media = " ".join([content_origin, *(media_origins or [])])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob: {media}; font-src 'self' data:; "
        f"media-src 'self' blob: {media}; worker-src 'self' blob:; "
        f"connect-src 'self' {media}; frame-src {content_origin}; frame-ancestors 'none'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'"
    )


class RequestContext:
    """Pure ASGI middleware (Starlette's ``BaseHTTPMiddleware`` costs a task and a stream per
    request: measurable on a search that takes two milliseconds)."""

    def __init__(self, app: ASGIApp, csp: str, default_locale: str) -> None:
        self.app = app
        self.csp = csp
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        asked = request.query_params.get("lang")
        chosen = asked or request.cookies.get(COOKIE) or api_client_language(request)
        locale = pick_locale(chosen, self.default_locale)
        current_locale.set(locale)
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = self.csp
                headers["X-Content-Type-Options"] = "nosniff"
                if "cache-control" not in headers and _is_page(headers):
                    headers["Cache-Control"] = PAGE_CACHE
                headers["Referrer-Policy"] = "same-origin"
                if asked == locale:
                    cookie = f"{COOKIE}={locale}; Max-Age={365 * 24 * 3600}; Path=/; SameSite=lax"
                    headers.append("set-cookie", cookie)
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            log.info(
                "request", method=request.method, path=request.url.path, status=status,
                ms=round((time.perf_counter() - started) * 1000, 1), request_id=request_id,
            )  # fmt: skip


PAGE_CACHE = "private, no-cache"
"""A page: every one embeds this browser's CSRF token and many a user's own data, so no shared
cache may keep it, and the browser asks again (ETag-less: a fresh render) each time."""


def _is_page(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").startswith("text/html")


class HeadAsGet:
    """``HEAD`` is answered wherever ``GET`` is: the app sees a GET (routes declare GET only),
    the client gets its status and headers (the length of what a GET would send, compressed
    or not) and no body. Static files answer HEAD themselves, without reading the file."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "HEAD"
            or scope["path"].startswith("/static/")
        ):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class Turns:
    """``size`` places, and a queue of those waiting for one. The queue is served first come,
    first served while it moves; once its oldest has waited ``lifo_after`` seconds it is a
    standing queue (overload), and the newest is served first: its client is surely still
    there and will get its answer in time, while the oldest are the nearest to their
    deadline anyway (adaptive LIFO, as Facebook's and others' servers do). So after a stall,
    new requests are served at once instead of behind the backlog."""

    def __init__(self, size: int, lifo_after: float) -> None:
        self.free = size
        self.lifo_after = lifo_after
        self.waiting: deque[tuple[float, asyncio.Future[None]]] = deque()

    async def enter(self, patience: float) -> bool:
        """Take a place, waiting at most ``patience`` seconds; False if none came."""
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return True
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (time.monotonic(), turn)
        self.waiting.append(entry)
        try:
            with anyio.move_on_after(patience):
                await asyncio.shield(turn)
        except BaseException:
            if turn.done():  # given a place just as the request was cancelled: pass it on
                self.leave()
            raise
        finally:
            if not turn.done():  # no place came in time: out of the queue
                self.waiting.remove(entry)
                turn.cancel()
        return not turn.cancelled()

    def leave(self) -> None:
        """Give the place up: to the next in the queue (see above for which), else free it."""
        if not self.waiting:
            self.free += 1
            return
        standing = time.monotonic() - self.waiting[0][0] >= self.lifo_after
        _, turn = self.waiting.pop() if standing else self.waiting.popleft()
        turn.set_result(None)


class Admission:
    """At most ``in_flight`` requests past this point at once; up to ``waiting`` more wait
    their turn here (``Turns``), for at most ``patience`` seconds, holding no thread and no
    database connection; beyond either, 503 with Retry-After at once (the exam page retries).

    Why: a request holds a database connection from its first query until its session ends,
    and needs a worker thread for each step (dependencies, the route, the response check); with
    more requests inside than connections, those waiting for a connection hold every thread
    while those holding the connections wait for a thread, and all stall for the pool's
    timeout. Admitted requests never outnumber the pool (``platform.build_platform`` sizes it),
    so none waits for a connection. A request leaves once its response starts: its session
    has ended by then, and a long download does not keep others out. Static files and the
    health checks do not queue."""

    def __init__(
        self, app: ASGIApp, in_flight: int, waiting: int, patience: float, lifo_after: float
    ) -> None:
        self.app = app
        self.turns = Turns(in_flight, lifo_after)
        self.waiting = waiting
        self.patience = patience

    @property
    def queued(self) -> int:
        return len(self.turns.waiting)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNQUEUED):
            await self.app(scope, receive, send)
            return
        if self.turns.free == 0 and self.queued >= self.waiting:
            await self._busy(scope, receive, send)
            return
        if not await self.turns.enter(self.patience):  # the client would rather retry
            await self._busy(scope, receive, send)
            return
        held = True

        def leave() -> None:
            nonlocal held
            if held:
                held = False
                self.turns.leave()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                leave()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            leave()

    async def _busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        log.warning("server busy: request shed", path=scope["path"], waiting=self.queued)
        response = error_response(
            Request(scope, receive), 503, "server_busy", "the server is busy; try again in a moment"
        )
        response.headers["Retry-After"] = "1"
        await response(scope, receive, send)


UNQUEUED = ("/static/", "/healthz", "/readyz")
UPLOAD_PART = re.compile(r"^/api/v1/uploads/[^/]+/parts/\d+$")


class BodyLimit:
    """Every request body has a limit, by what it is: a part of a resumable upload, a form
    carrying a file (multipart), or anything else (JSON, plain forms). Over it: 413, from the
    declared length at once, or as soon as the bytes read pass it (the app is told the client
    left, so it stores nothing); nothing more is read."""

    def __init__(self, app: ASGIApp, plain: int, form_upload: int, part: int) -> None:
        self.app, self.plain, self.form_upload, self.part = app, plain, form_upload, part

    def limit_for(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[int, str]:
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if UPLOAD_PART.match(scope["path"]):
            return self.part, N_("Một phần tải lên")
        if kind == b"multipart/form-data":
            return self.form_upload, N_("Một biểu mẫu kèm tệp")
        return self.plain, N_("Một yêu cầu")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit, what = self.limit_for(scope, headers)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit, what)
            return
        seen, cut, started = 0, False, False

        async def counted() -> Message:
            # past the limit the app is told the client left, and reads nothing more
            nonlocal seen, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    cut = True
                    return {"type": "http.disconnect"}
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if cut:
                return  # the app's answer to a cut-off body is replaced by the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except Exception:
            if not cut:
                raise
        if cut and not started:
            await self._refuse(scope, receive, send, limit, what)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int, what: str) -> None:
        refusal = PayloadTooLarge(
            "{what} chỉ được mang tối đa {limit} byte",
            what=Term(what),
            limit=f"{limit:,}".replace(",", " "),
            details={"limit": limit},
        )
        response = error_response(
            Request(scope, receive), 413, refusal.code, refusal.message, refusal.details
        )
        await response(scope, receive, send)


class ReadRetry:
    """A GET or HEAD whose database connection died under it is run once more, on a fresh
    connection, before its 503 goes out.

    Why: the pool pings a connection when it is checked out, but a backend killed between
    that ping and the first query (``pg_terminate_backend``, a server restart, a failover)
    still fails the request; trying again at once almost always succeeds. Only reads are
    tried again (a write might then be done twice), only when the error handler marked the
    connection as lost (``web.errors.CONNECTION_LOST``: not a read-only database, a timed-out
    statement or too many connections, where a second try only adds load), only when no byte
    of the answer has gone out (the 503 is held back and dropped), and only once: a database
    that is really down answers 503 at once. The retry runs on a copy of the request's scope
    as it arrived, with the body messages the first run read replayed. It sits innermost, so
    the request keeps the place ``Admission`` gave it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        first = _fresh(scope)
        received: list[Message] = []
        held = False

        async def recording() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received.append(message)
            return message

        async def sending(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and first.get(CONNECTION_LOST):
                held = True
            if not held:
                await send(message)

        await self.app(first, recording, sending)
        if not held:
            return
        log.info("read retried after a lost database connection", path=scope["path"])
        replay = list(received)

        async def replaying() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(_fresh(scope), replaying, send)


def _fresh(scope: Scope) -> Scope:
    """The scope as it arrived: the app adds to it (route, state, the lost-connection mark)."""
    fresh = dict(scope)
    if "state" in scope:
        fresh["state"] = dict(scope["state"])
    return fresh


def install(app: FastAPI) -> None:
    settings = app.state.platform.settings
    app.add_middleware(ReadRetry)  # innermost: next to the error handlers
    app.add_middleware(
        BodyLimit, plain=settings.max_body_bytes, form_upload=settings.max_form_upload_bytes,
        part=settings.max_upload_part_bytes,
    )  # fmt: skip
    app.add_middleware(
        Admission, in_flight=settings.requests_in_flight, waiting=settings.requests_waiting,
        patience=settings.requests_patience_s, lifo_after=settings.requests_lifo_after_s,
    )  # fmt: skip
    app.add_middleware(Compression)  # gzip for text only (web/compression.py)
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        RequestContext,
        csp=app_csp(settings.content_origin, settings.store_origins),
        default_locale=settings.default_locale,
    )
    # outermost: a request for another host name is refused (400) before anything reads it
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts)
