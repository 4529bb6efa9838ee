"""Opening untrusted zip files safely: packages, Word and Excel files, question packages.

Every entry is checked before anything is read: no paths that escape the archive (``..``,
absolute, drive letters, backslashes), no symbolic links, no encrypted entries, no duplicates,
and limits on entry count, total unpacked size and per-entry compression ratio (zip bombs).
``zipfile`` never returns more bytes than an entry's header declares (and checks the CRC at its
end), so the size limits hold even against headers that lie.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from kholieu.errors import ValidationFailed

RATIO_FLOOR = 1024 * 1024  # small entries (text, JSON) compress very well and are harmless
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PackageRejected(ValidationFailed):
    code = "package_rejected"

    def __init__(self, message: str, *, entry: str | None = None) -> None:
        super().__init__(message, details={"entry": entry} if entry else None)


@dataclass(frozen=True)
class PackageLimits:
    max_total_bytes: int = 2 * 1024**3
    max_entries: int = 10_000
    max_ratio: int = 100


def open_checked(
    source: BinaryIO, limits: PackageLimits | None = None
) -> tuple[zipfile.ZipFile, list[str]]:
    """A zip whose every entry passed the checks above, and its file names."""
    archive = open_zip(source)
    try:
        return archive, check_entries(archive, limits or PackageLimits())
    except PackageRejected:
        archive.close()
        raise


class CheckedStream:
    """A zip entry stream whose corruption (CRC or size mismatch) becomes PackageRejected."""

    def __init__(self, stream: BinaryIO, path: str) -> None:
        self._stream = stream
        self._path = path

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise PackageRejected(
                f"entry {self._path} is corrupt: {exc}", entry=self._path
            ) from None


def open_zip(source: BinaryIO) -> zipfile.ZipFile:
    try:
        source.seek(0)
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise PackageRejected("the file is not a zip archive, or it is truncated") from None


def check_entries(archive: zipfile.ZipFile, limits: PackageLimits) -> list[str]:
    """Return the names of the regular files; reject anything unsafe."""
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise PackageRejected(
            f"the package has {len(entries)} entries; at most {limits.max_entries} are allowed"
        )
    seen: set[str] = set()
    names, total = [], 0
    for info in entries:
        name = info.filename
        _check_name(name)
        if info.flag_bits & 0x1:
            raise PackageRejected(f"entry {name} is encrypted", entry=name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageRejected(f"entry {name} is a symbolic link", entry=name)
        folded = name.rstrip("/").casefold()
        if folded in seen:
            raise PackageRejected(f"entry {name} appears twice in the package", entry=name)
        seen.add(folded)
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageRejected(
                f"the package unpacks to more than {limits.max_total_bytes} bytes"
            )
        if info.file_size > RATIO_FLOOR and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise PackageRejected(
                f"entry {name} expands {ratio} times (more than {limits.max_ratio}): "
                "refused as a possible zip bomb",
                entry=name,
            )
        names.append(name)
    return names


def _check_name(name: str) -> None:
    if name.startswith("/") or "\\" in name or _DRIVE.match(name):
        raise PackageRejected(f"entry {name} has an absolute path", entry=name)
    if _CONTROL.search(name):
        raise PackageRejected(f"entry {name!r} has control characters in its name", entry=name)
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise PackageRejected(f"entry {name} escapes the package", entry=name)
    if "." in parts or "" in parts:  # a/./b, a//b: not how any tool writes a path
        raise PackageRejected(f"entry {name} has an empty or '.' part in its path", entry=name)
