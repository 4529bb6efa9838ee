"""Static files with versioned URLs, long-lived caching and gzip done once.

At start-up every file under the static directory gets a content hash (the first 12 hex
digits of its SHA-256). Templates link a file through the one ``static()`` helper, which writes
``/static/js/app.js?v=<hash>``: such a URL names one content for ever, so it is served with
``Cache-Control: public, max-age=31536000, immutable``. A URL without the version (a bookmark,
a font that KaTeX's stylesheet names relatively, an old page asking with a hash that is no
longer current) still gets the file, with a short cache (``SHORT``) and its ETag, so a browser
revalidates it soon. Text files (CSS, JavaScript, SVG, JSON…) are gzipped once per file
version and kept in memory for clients that take gzip; a byte range is served from the file
itself, uncompressed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from kholieu.files.mime import TYPES
from kholieu.web.compression import accepts_gzip, compressible, gzip_bytes

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=600"
MINIMUM_GZIP = 512


class Assets:
    """The static directory's files and their content hashes, read once."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.hashes: dict[str, str] = {}
        for path in sorted(self.directory.rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                self.hashes[path.relative_to(self.directory).as_posix()] = digest

    def url(self, name: str) -> str:
        """``/static/<name>?v=<hash>``; a name that is no file is a mistake in a template."""
        name = name.lstrip("/")
        version = self.hashes.get(name)
        if version is None:
            raise LookupError(f"no static file {name!r} under {self.directory}")
        return f"/static/{name}?v={version}"


class VersionedStatic(StaticFiles):
    """``StaticFiles`` that knows the versions (``Assets``) and keeps gzipped copies."""

    def __init__(self, *, assets: Assets) -> None:
        super().__init__(directory=assets.directory)
        self.assets = assets
        self.packed: dict[tuple[str, int, int], bytes] = {}

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        name = self._name(full_path)
        asked = _query_value(scope, "v")
        current = asked is not None and asked == self.assets.hashes.get(name)
        response = super().file_response(full_path, stat_result, scope, status_code)
        known = TYPES.get(Path(name).suffix.lower())
        if known is not None:  # not the machine's table: PDF.js's .mjs modules must be script
            response.media_type = known
            response.headers["content-type"] = known
        response.headers["Cache-Control"] = LONG if current else SHORT
        if compressible(response.headers.get("content-type", "")):
            response.headers.add_vary_header("Accept-Encoding")
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        request = Headers(scope=scope)
        if (
            not isinstance(response, FileResponse)
            or response.status_code != 200
            or not compressible(response.headers.get("content-type", ""))
            or "range" in request
            or response.stat_result is None
            or response.stat_result.st_size < MINIMUM_GZIP
            or not accepts_gzip(request)
        ):
            return response
        stat_result = response.stat_result
        key = (self._name(response.path), stat_result.st_mtime_ns, stat_result.st_size)
        body = self.packed.get(key)
        if body is None:  # once per file version, off the event loop (level 9 is slow)
            body = await anyio.to_thread.run_sync(_gzip_file, response.path)
            self.packed[key] = body
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-length", "accept-ranges", "etag")
        }
        headers["Content-Encoding"] = "gzip"
        headers["ETag"] = response.headers["etag"][:-1] + '-gzip"'
        return Response(body, status_code=200, headers=headers)

    def _name(self, full_path: os.PathLike[str] | str) -> str:
        return Path(full_path).resolve().relative_to(self.assets.directory.resolve()).as_posix()


def _gzip_file(path: os.PathLike[str] | str) -> bytes:
    return gzip_bytes(Path(path).read_bytes(), level=9)


def _query_value(scope: Scope, key: str) -> str | None:
    for part in scope.get("query_string", b"").decode("latin-1").split("&"):
        name, _, value = part.partition("=")
        if name == key:
            return value
    return None
