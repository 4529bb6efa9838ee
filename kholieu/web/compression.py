"""gzip for text responses, and only for them.

Starlette's own ``GZipMiddleware`` (1.x) decides by a list of types it will *not* compress,
so anything it does not know (a PDF, a Word paper, an ``application/octet-stream`` download,
an MPEG-TS segment served as ``video/mp2t`` is excluded, but a ``.m4s`` stored as
``application/octet-stream`` is not) would be squeezed for nothing. Here the rule is the
other way round: a response is compressed only when its type is text (HTML, CSS, JavaScript,
JSON, SVG, WebVTT captions, HLS playlists, XML…), it is not already encoded, it is not a
byte range (206, or any ``Content-Range``), it is not an answer to HEAD, and it is at least
``minimum_size`` bytes. Pure ASGI, like the rest of ``web/middleware.py``; large bodies are
compressed in a worker thread so that the event loop keeps serving."""

from __future__ import annotations

import zlib

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/ld+json",
        "application/manifest+json",
        "application/problem+json",
        "application/vnd.apple.mpegurl",
        "application/x-mpegurl",
        "application/xml",
        "application/xhtml+xml",
        "application/x-javascript",
        "application/dash+xml",
        "image/svg+xml",
        "audio/mpegurl",
        "audio/x-mpegurl",
    }
)
THREAD_MINIMUM = 64 * 1024


def compressible(media_type: str) -> bool:
    """True for the media types worth gzipping: ``text/*`` and the text-based types above."""
    kind = media_type.partition(";")[0].strip().lower()
    if kind == "text/event-stream":  # each event must reach the client as it is sent
        return False
    return kind.startswith("text/") or kind in TEXT_TYPES


def accepts_gzip(headers: Headers) -> bool:
    """The client takes gzip (``Accept-Encoding: gzip``, not ``gzip;q=0``)."""
    for part in headers.get("accept-encoding", "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            try:
                return not quality or float(quality) > 0
            except ValueError:
                return False
    return False


def gzip_bytes(body: bytes, level: int = 6) -> bytes:
    """``body`` as one gzip member (what ``Content-Encoding: gzip`` carries)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(body) + packer.flush()


class Compression:
    """gzip text responses for clients that take it (see the module's docstring)."""

    def __init__(self, app: ASGIApp, minimum_size: int = 512, level: int = 6) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        if not accepts_gzip(Headers(scope=scope)):
            await self.app(scope, receive, self._vary(send))
            return
        await _Responder(self.app, self.minimum_size, self.level)(_untagged(scope), receive, send)

    @staticmethod
    def _vary(send: Send) -> Send:
        """A response that could have been compressed says so to caches, even uncompressed."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if compressible(headers.get("content-type", "")):
                    headers.add_vary_header("Accept-Encoding")
            await send(message)

        return sending


def _untagged(scope: Scope) -> Scope:
    """The request with the ``-gzip`` taken off its ``If-None-Match`` tags: the app knows its
    own tags, and a 304 to them is as true for the compressed copy the client holds."""
    raw = scope.get("headers") or []
    if not any(name == b"if-none-match" and b'-gzip"' in value for name, value in raw):
        return scope
    headers = [
        (name, value.replace(b'-gzip"', b'"') if name == b"if-none-match" else value)
        for name, value in raw
    ]
    return {**scope, "headers": headers}


class _Responder:
    """One response: hold its start until the first body tells whether to compress."""

    def __init__(self, app: ASGIApp, minimum_size: int, level: int) -> None:
        self.app, self.minimum_size, self.level = app, minimum_size, level
        self.start: Message | None = None
        self.passing = False  # sent as it is
        self.packer: zlib._Compress | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.send = send
        await self.app(scope, receive, self.sending)

    def _eligible(self, start: Message) -> bool:
        headers = Headers(raw=start.get("headers", []))
        return (
            start["status"] not in (204, 206, 304)
            and start["status"] >= 200
            and "content-encoding" not in headers
            and "content-range" not in headers
            and compressible(headers.get("content-type", ""))
            and "no-transform" not in headers.get("cache-control", "").lower()
        )

    async def sending(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self._eligible(message):
                self.start = message
                return
            self.passing = True
            await self.send(message)
            return
        if self.passing or kind != "http.response.body":
            if self.start is not None and not self.passing:  # pathsend and the like: as is
                self.passing = True
                await self.send(self.start)
            await self.send(message)
            return
        body = message.get("body", b"")
        more = message.get("more_body", False)
        if self.packer is None:  # the first body
            assert self.start is not None
            headers = MutableHeaders(raw=self.start["headers"])
            headers.add_vary_header("Accept-Encoding")
            if not more and len(body) < self.minimum_size:
                self.passing = True
                await self.send(self.start)
                await self.send(message)
                return
            self.packer = zlib.compressobj(self.level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            packed = await self._pack(body, more)
            headers["Content-Encoding"] = "gzip"
            if more:
                if "content-length" in headers:
                    del headers["Content-Length"]
            else:
                headers["Content-Length"] = str(len(packed))
            etag = headers.get("etag")
            if etag and not etag.startswith("W/"):  # another representation: another tag
                headers["ETag"] = etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"
            await self.send(self.start)
            await self.send({"type": "http.response.body", "body": packed, "more_body": more})
            return
        packed = await self._pack(body, more)
        await self.send({"type": "http.response.body", "body": packed, "more_body": more})

    async def _pack(self, body: bytes, more: bool) -> bytes:
        if len(body) >= THREAD_MINIMUM:
            return await anyio.to_thread.run_sync(self._pack_now, body, more)
        return self._pack_now(body, more)

    def _pack_now(self, body: bytes, more: bool) -> bytes:
        assert self.packer is not None
        flush = zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH
        return self.packer.compress(body) + self.packer.flush(flush)
