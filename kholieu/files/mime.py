"""One table of media types by file name, for every object the app stores from a file name
(package files, HLS segments and playlists, images). Python's ``mimetypes`` knows the system's
table, which varies by machine; these are the types browsers must get right (a module script
served as text/plain does not run)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

TYPES = {
    ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
    ".woff2": "font/woff2", ".json": "application/json", ".svg": "image/svg+xml",
    ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".m4s": "video/iso.segment",
    ".mp4": "video/mp4", ".m4a": "audio/mp4", ".vtt": "text/vtt; charset=utf-8",
    ".jpg": "image/jpeg", ".png": "image/png",
}  # fmt: skip
# The images a question may hold, and the file extension each is written with.
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif",
                    "image/webp": "webp"}  # fmt: skip


def media_type(name: str) -> str:
    """The type to serve ``name`` with; application/octet-stream when unknown."""
    suffix = PurePosixPath(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
