"""The ObjectStore contract shared by LocalStore and S3Store.

Keys are ``/``-separated relative paths. Ranges are half-open: ``get(key, start, end)`` returns
bytes ``start`` to ``end - 1``. Multipart uploads let a client send a large file in parts,
resume after a dropped connection (``list_parts`` says what arrived) and complete it; on S3 the
client may PUT parts straight to presigned ``part_url``s.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from kholieu.errors import InvalidKey, RangeNotSatisfiable

CHUNK = 1024 * 1024
MIN_PART_SIZE = 5 * 1024 * 1024  # S3's floor for every part but the last
_BAD_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str
    content_type: str | None = None
    last_modified: datetime | None = None
    sha256: str | None = None  # known when this call streamed the bytes itself


@dataclass(frozen=True)
class Part:
    number: int
    etag: str
    size: int


@dataclass(frozen=True)
class UploadInfo:
    """A multipart upload started and neither completed nor aborted."""

    key: str
    upload_id: str
    started: datetime
    size: int | None = None  # the parts' bytes, when listing them costs nothing (local)


@dataclass(frozen=True)
class Leftover:
    """Something a store keeps for its own work that a killed process left behind: ``kind`` is
    "temporary" (a half-written file, metadata without its object), "upload" (a broken upload
    folder) or "object" (bytes under a key without the metadata that makes them an object:
    never removed by the store, since a row may name the key; the caller judges it)."""

    kind: str
    name: str  # where it is, relative to the store's root (for "object", the key)
    size: int
    touched: datetime


@runtime_checkable
class ObjectStore(Protocol):
    def put(self, key: str, data: BinaryIO, *, content_type: str | None = None) -> ObjectInfo:
        """Store ``data`` under ``key``, streaming it; replaces an existing object atomically."""

    def get(self, key: str, start: int = 0, end: int | None = None) -> ObjectStream: ...

    def head(self, key: str) -> ObjectInfo: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    def touch(self, key: str) -> None:
        """Make ``key`` new again (its last-modified time now), bytes unchanged: an object
        about to be named by a row again is then young, and the sweeper leaves it alone."""

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]: ...

    def copy(self, source: str, target: str, *, content_type: str | None = None) -> ObjectInfo:
        """Copy an object within the store; on S3 the bytes never leave the store. The copy
        has ``content_type`` if given (an assembled upload has none), else the source's."""

    def url(self, key: str, *, expires_s: int, filename: str | None = None) -> str:
        """A URL a browser can GET (presigned on S3, signed app path on local storage)."""

    def start_upload(self, key: str, *, content_type: str | None = None) -> str: ...

    def part_url(self, key: str, upload_id: str, number: int, *, expires_s: int) -> str | None:
        """Where a client may PUT part ``number`` directly, or None to send it through the app."""

    def upload_part(self, key: str, upload_id: str, number: int, data: BinaryIO) -> Part: ...

    def list_parts(self, key: str, upload_id: str) -> list[Part]: ...

    def complete_upload(self, key: str, upload_id: str, parts: list[Part]) -> ObjectInfo: ...

    def abort_upload(self, key: str, upload_id: str) -> None: ...

    def list_uploads(self) -> Iterator[UploadInfo]:
        """Every multipart upload in progress, so that abandoned ones can be aborted (their
        parts take space, and on S3 cost money, until then)."""

    def sweep_leftovers(self, before: datetime, *, remove: bool) -> list[Leftover]:
        """The store's own debris last touched before ``before`` (temporary files of writes
        that were killed, metadata out of step with its object), removed when ``remove``;
        "object" leftovers are only reported. A store with no such debris (S3) returns []."""

    def ping(self) -> None:
        """Raise StorageUnavailable when the store cannot be reached."""

    def local_path(self, key: str) -> Path | None:
        """Where ``key``'s file is when this store keeps files on this machine (the app then
        serves it, and ffmpeg reads it in place); None for a remote store. Whether the object
        exists is for ``head`` to say."""

    def verify_url(self, key: str, expires: int, sig: str, filename: str | None) -> None:
        """Check a download link ``url`` made that points at the app (``/objects/…``): raise
        PermissionDenied when it is forged or expired, NotFound when this store's links point
        elsewhere (S3 presigns its own)."""


class ObjectStream:
    """An open object (or byte range of one): read it, or iterate over it in chunks."""

    def __init__(self, raw: BinaryIO, length: int, info: ObjectInfo) -> None:
        self._raw = raw
        self._left = length
        self.length = length
        self.info = info

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        want = self._left if size < 0 else min(size, self._left)
        data = self._raw.read(want)
        self._left -= len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self.read(CHUNK):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> ObjectStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HashingReader:
    """Wraps a file object to count and SHA-256 the bytes as they stream past."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._hash.update(data)
        self.size += len(data)
        return data

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def check_key(key: str) -> str:
    """Refuse keys that could escape a store's root or confuse S3 and file systems alike."""
    if not key or len(key.encode()) > 1024:
        raise InvalidKey("Khoá đối tượng phải dài 1–1024 byte: “{key}”", key=key)
    if key.startswith("/") or _BAD_CHARS.search(key):
        raise InvalidKey(
            "Khoá đối tượng phải là đường dẫn tương đối, không có kí tự điều khiển: “{key}”",
            key=key,
        )
    segments = key.split("/")
    if any(s in ("", ".", "..") for s in segments) or segments[0].startswith("."):
        raise InvalidKey("Khoá đối tượng có đoạn rỗng, “.”, “..” hoặc ẩn: “{key}”", key=key)
    return key


def tree_stat(path: Path) -> tuple[datetime, int]:
    """When a file or folder was last written to (the newest time of anything in it) and how
    many bytes it holds: a folder a running job still writes into is not stale, whatever its
    own time says."""
    stat = path.lstat()
    newest, size = stat.st_mtime, stat.st_size if path.is_file() else 0
    if path.is_dir() and not path.is_symlink():
        for dirpath, dirnames, filenames in os.walk(path):
            for name in (*dirnames, *filenames):
                try:
                    child = os.lstat(os.path.join(dirpath, name))
                except FileNotFoundError:  # removed while we looked
                    continue
                newest = max(newest, child.st_mtime)
                if name in filenames:
                    size += child.st_size
    return datetime.fromtimestamp(newest, UTC), size


def check_range(start: int, end: int | None, size: int) -> tuple[int, int]:
    stop = size if end is None else min(end, size)
    if start < 0 or (size > 0 and (start >= size or stop <= start)):
        raise RangeNotSatisfiable(
            "Khoảng {start}-{end} nằm ngoài đối tượng {size} byte", start=start, end=end, size=size
        )
    return start, stop
