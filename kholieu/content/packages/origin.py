"""The content origin: serves unpacked packages and stored files on an origin of their own.

Uploaded HTML and JavaScript must never run on the app's origin, where it could read the
page, send the CSRF token or call the API as the signed-in user. So it is served by this
separate small app (its own port in the embedded set-up, its own host in production) that
sets and reads no cookies, answers only GET and HEAD (and a CORS preflight for stored
files, whose answer allows nothing more), and sends a Content-Security-Policy
that lets a package load its own files and nothing from other hosts. The viewer page frames
it in a sandboxed iframe without ``allow-same-origin``, so the package runs in an opaque
origin too.

URLs carry a signed, expiring token in the path (``/p/<token>/index.html``), so a package's
relative links keep working and only people the app gave a link to can load drafts.

Videos are served the same way (``/v/<token>/master.m3u8``): playlists, segments, poster and
thumbnails from local storage with Range support; on S3 the playlists are rewritten so that
every segment is a presigned URL, and the players fetch segments from S3 itself.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from kholieu.config import Settings
from kholieu.content.files import blob_key, package_prefix, thumbnail_key
from kholieu.errors import InvalidKey, ObjectNotFound, RangeNotSatisfiable
from kholieu.platform import Platform
from kholieu.signing import sign, valid
from kholieu.video.transcode import hls_prefix
from kholieu.web.compression import Compression

_TOKEN = re.compile(r"^([0-9a-f]{64})-(\d+)-([0-9a-f]{64})$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
SCORM_API = "/_kholieu/scorm-api.js"
MAX_INJECT_BYTES = 5 * 1024 * 1024
EXPOSED = "Accept-Ranges, Content-Range, Content-Length, Content-Encoding, ETag"


# What a package may do: run scripts, forms, pop-ups, dialogs, pointer lock. Never
# allow-same-origin: the package runs in an opaque origin, without cookies or storage. The
# viewer's iframe has these as its sandbox attribute; a page that can run script is sent them
# as the policy's sandbox too, so it stays sandboxed when its URL is opened on its own (in the
# embedded set-up the content port shares the app's cookies, which ignore ports).
PACKAGE_SANDBOX = "allow-scripts allow-forms allow-popups allow-modals allow-pointer-lock"
SCRIPTABLE = ("text/html", "application/xhtml+xml", "image/svg+xml", "application/xml",
              "text/xml")  # fmt: skip


def sandboxed(csp: str, media_type: str) -> str:
    """The policy for a response of ``media_type``: sandboxed when it could run script."""
    kind = media_type.split(";")[0].strip().lower()
    return f"{csp}; sandbox {PACKAGE_SANDBOX}" if kind in SCRIPTABLE else csp


def content_csp(settings: Settings) -> str:
    ancestors = " ".join(settings.app_origins)
    return (
        "default-src 'self' data: blob:; "
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        f"form-action 'none'; base-uri 'self'; frame-ancestors {ancestors}"
    )


def _token(settings: Settings, kind: str, sha256: str) -> str:
    expires = int(time.time()) + settings.content_link_ttl_s
    secret = settings.secret_key.get_secret_value()
    return f"{sha256}-{expires}-{sign(secret, 'origin', expires, kind, sha256)}"


def package_url(settings: Settings, sha256: str, entry: str) -> str:
    return f"{settings.content_origin}/p/{_token(settings, 'p', sha256)}/{entry}"


def thumbnail_url(settings: Settings, sha256: str) -> str:
    return f"{settings.content_origin}/t/{_token(settings, 't', sha256)}/thumb.png"


def file_url(settings: Settings, sha256: str, filename: str) -> str:
    return f"{settings.content_origin}/b/{_token(settings, 'b', sha256)}/{filename}"


def video_url(settings: Settings, sha256: str, name: str = "master.m3u8") -> str:
    """Where a transcoded video's files are (``name`` relative to its master playlist)."""
    return f"{settings.content_origin}/v/{_token(settings, 'v', sha256)}/{name}"


def cache_control(key: str) -> str:
    """Segments, posters and sprites never change under their key: cache them for long.
    Playlists are cheap to fetch again; a rewritten (presigned) one must not outlive its
    links."""
    if key.startswith("hls/"):
        if key.endswith((".m3u8", ".vtt")):
            return "public, max-age=300"
        return "public, max-age=31536000, immutable"
    return "private, max-age=3600"


def presigned_playlist(store, key: str, expires_s: int) -> str:
    """An HLS playlist with its segment lines turned into presigned S3 URLs (nested
    playlists stay relative: the content origin rewrites those in turn)."""
    folder = key.rsplit("/", 1)[0]
    with store.get(key) as stream:
        lines = stream.read().decode("utf-8").split("\n")
    for i, line in enumerate(lines):
        uri = line.strip()
        if uri and not uri.startswith("#") and not uri.endswith(".m3u8") and "://" not in uri:
            lines[i] = store.url(f"{folder}/{uri}", expires_s=expires_s)
    return "\n".join(lines)


def create_content_app(platform: Platform) -> Starlette:
    settings = platform.settings
    store = platform.store
    csp = content_csp(settings)
    secret = settings.secret_key.get_secret_value()

    def check(kind: str, token: str) -> str | None:
        match = _TOKEN.match(token)
        if match is None:
            return None
        sha256, expires, signature = match.group(1), int(match.group(2)), match.group(3)
        return sha256 if valid(secret, "origin", signature, expires, kind, sha256) else None

    markers: dict[str, dict] = {}  # sha256 -> the unpacked package's marker (immutable)

    def marker(sha256: str) -> dict | None:
        if sha256 not in markers:
            try:
                with store.get(package_prefix(sha256) + ".json") as stream:
                    markers[sha256] = json.loads(stream.read())
            except ObjectNotFound:  # not (yet) completely unpacked
                return None
        return markers[sha256]

    async def package_file(request: Request) -> Response:
        sha256 = check("p", request.path_params["token"])
        if sha256 is None:
            return _plain(403, "this link is invalid or has expired", csp)
        package = marker(sha256)
        if package is None:
            return _plain(404, "not found", csp)
        key = f"{package_prefix(sha256)}/{request.path_params['path']}"
        if package["standard"].startswith("scorm") and key.endswith((".html", ".htm")):
            return _with_scorm_api(store, key, csp)
        return _serve(request, store, key, csp)

    async def scorm_api(request: Request) -> Response:
        return FileResponse(
            settings.static_dir / "content" / "scorm-api.js",
            media_type="text/javascript",
            headers={"Content-Security-Policy": csp, "Cache-Control": "public, max-age=3600"},
        )

    async def stored_file(request: Request) -> Response:
        """Stored files (PDF, office, video: never HTML) come straight from S3 when it is the
        store; local storage streams them with Range support."""
        sha256 = check("b", request.path_params["token"])
        if sha256 is None:
            return _plain(403, "this link is invalid or has expired", csp)
        if store.local_path(blob_key(sha256)) is None and "origin" not in request.headers:
            # Remote, and a download or a frame: the store serves it. A script's cross-origin
            # fetch (PDF.js reading a textbook by byte ranges) is streamed from here instead,
            # with the CORS headers it must read; the bucket's own CORS is not ours to set.
            url = store.url(blob_key(sha256), expires_s=settings.content_link_ttl_s)
            return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})
        return _serve(request, store, blob_key(sha256), csp)

    async def preflight(request: Request) -> Response:
        """A script's fetch of a stored file (PDF.js's byte ranges) may be preflighted: it may
        send Range, read the file, and nothing else; no credentials are ever allowed."""
        return Response(status_code=204, headers={
            "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD",
            "Access-Control-Allow-Headers": "Range", "Access-Control-Max-Age": "86400",
            "Content-Security-Policy": csp,
        })  # fmt: skip

    async def video_file(request: Request) -> Response:
        sha256 = check("v", request.path_params["token"])
        if sha256 is None:
            return _plain(403, "this link is invalid or has expired", csp)
        key = f"{hls_prefix(sha256)}/{request.path_params['path']}"
        if _local_file(store, key) is not None:
            return _serve(request, store, key, csp)
        try:
            if key.endswith(".m3u8"):
                playlist = presigned_playlist(store, key, settings.content_link_ttl_s)
                return Response(playlist, media_type="application/vnd.apple.mpegurl", headers={
                    "Cache-Control": "private, max-age=60", "Access-Control-Allow-Origin": "*",
                    "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                })  # fmt: skip
            store.head(key)
        except (ObjectNotFound, InvalidKey):
            return _plain(404, "not found", csp)
        url = store.url(key, expires_s=settings.content_link_ttl_s)
        return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})

    async def thumbnail(request: Request) -> Response:
        sha256 = check("t", request.path_params["token"])
        if sha256 is None:
            return _plain(403, "this link is invalid or has expired", csp)
        return _serve(request, store, thumbnail_key(sha256), csp)

    async def not_found(request: Request) -> Response:
        return _plain(404, "not found", csp)

    return Starlette(
        middleware=[Middleware(Compression)],  # package pages, scripts, captions, playlists
        routes=[
            Route("/p/{token}/{path:path}", package_file, methods=["GET", "HEAD"]),
            Route("/b/{token}/{name}", stored_file, methods=["GET", "HEAD"]),
            Route("/b/{token}/{name}", preflight, methods=["OPTIONS"]),
            Route("/v/{token}/{path:path}", video_file, methods=["GET", "HEAD"]),
            Route("/t/{token}/thumb.png", thumbnail, methods=["GET", "HEAD"]),
            Route(SCORM_API, scorm_api, methods=["GET", "HEAD"]),
            Route("/{rest:path}", not_found, methods=["GET", "HEAD"]),
        ],
    )


def _serve(request: Request, store, key: str, csp: str) -> Response:
    try:
        info = store.head(key)
    except (ObjectNotFound, InvalidKey):
        return _plain(404, "not found", csp)
    etag = f'"{info.etag}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control(key),
        "Content-Security-Policy": sandboxed(csp, info.content_type or ""),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # The sandboxed frame has an opaque origin: its own fetches of JSON and fonts are
        # cross-origin, and carry no credentials, so anyone may read these public bytes.
        "Access-Control-Allow-Origin": "*",
        # …and PDF.js must read these to load a textbook by byte ranges (CORS hides them).
        "Access-Control-Expose-Headers": EXPOSED,
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media_type = info.content_type or "application/octet-stream"
    wanted = request.headers.get("range")
    match = _RANGE.match(wanted or "")
    path = _local_file(store, key)
    if path is not None and (wanted is None or (match and _byte_range(match, info.size)[2] != 416)):
        # Starlette serves the file (one byte range, HEAD) with our headers; a range we would
        # not honour (malformed, several, unsatisfiable) goes the streaming way below, which
        # answers it as it always has, with the same headers.
        return FileResponse(path, headers=headers, media_type=media_type)
    start, end, status = 0, None, 200
    if match:
        start, end, status = _byte_range(match, info.size)
        if status == 416:
            headers["Content-Range"] = f"bytes */{info.size}"
            return Response(status_code=416, headers=headers)
    try:
        stream = store.get(key, start, end)
    except RangeNotSatisfiable:
        headers["Content-Range"] = f"bytes */{info.size}"
        return Response(status_code=416, headers=headers)
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{start + stream.length - 1}/{info.size}"
    headers["Content-Length"] = str(stream.length)
    if request.method == "HEAD":
        stream.close()
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(stream, status_code=status, headers=headers, media_type=media_type)


def _with_scorm_api(store, key: str, csp: str) -> Response:
    """A SCORM page with the runtime API script first in its <head> (pages are small)."""
    try:
        with store.get(key) as stream:
            if stream.length > MAX_INJECT_BYTES:
                raise ObjectNotFound("Không có đối tượng “{key}”", key=key)
            html = stream.read().decode("utf-8", errors="replace")
    except (ObjectNotFound, InvalidKey):
        return _plain(404, "not found", csp)
    tag = f'<script src="{SCORM_API}"></script>'
    head = _HEAD.search(html)
    html = html[: head.end()] + tag + html[head.end() :] if head else tag + html
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": sandboxed(csp, "text/html"), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer",
    })  # fmt: skip


def _local_file(store, key: str) -> Path | None:
    """The file behind ``key`` on local storage; None on S3, and for a key that could not be
    a stored object at all (the caller then answers 404 the usual way)."""
    try:
        return store.local_path(key)
    except InvalidKey:
        return None


MAX_DIGITS = 18  # a position past any stored file (and within what int() reads)


def _byte_range(match: re.Match[str], size: int) -> tuple[int, int | None, int]:
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return 0, None, 200
    if len(first) > MAX_DIGITS or len(last) > MAX_DIGITS:
        return 0, None, 416
    if not first:  # the last N bytes
        return max(0, size - int(last)), None, 206
    start = int(first)
    if start >= size:
        return 0, None, 416
    return start, (int(last) + 1 if last else None), 206


def _plain(status: int, text: str, csp: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers={"Content-Security-Policy": csp})
