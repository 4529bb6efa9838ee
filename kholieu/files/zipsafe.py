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
from typing import Any, BinaryIO

from kholieu.errors import ValidationFailed

RATIO_FLOOR = 1024 * 1024  # small entries (text, JSON) compress very well and are harmless
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PackageRejected(ValidationFailed):
    code = "package_rejected"

    def __init__(self, message: str, *, entry: str | None = None, **params: Any) -> None:
        super().__init__(message, details={"entry": entry} if entry else None, **params)


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
                "Mục {path} bị hỏng: {exc}", path=self._path, exc=exc, entry=self._path
            ) from None


def open_zip(source: BinaryIO) -> zipfile.ZipFile:
    try:
        source.seek(0)
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise PackageRejected("Tệp không phải tệp zip, hoặc đã bị cắt cụt") from None


def check_entries(archive: zipfile.ZipFile, limits: PackageLimits) -> list[str]:
    """Return the names of the regular files; reject anything unsafe."""
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise PackageRejected(
            "Gói có {len} mục; tối đa {max_entries} mục",
            len=len(entries),
            max_entries=limits.max_entries,
        )
    seen: set[str] = set()
    names, total = [], 0
    for info in entries:
        name = info.filename
        _check_name(name)
        if info.flag_bits & 0x1:
            raise PackageRejected("Mục {name} bị mã hoá", name=name, entry=name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageRejected(
                "Mục {name} là liên kết tượng trưng (symbolic link)", name=name, entry=name
            )
        folded = name.rstrip("/").casefold()
        if folded in seen:
            raise PackageRejected("Mục {name} xuất hiện hai lần trong gói", name=name, entry=name)
        seen.add(folded)
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageRejected(
                "Gói giải nén ra nhiều hơn {max_total_bytes} byte",
                max_total_bytes=limits.max_total_bytes,
            )
        if info.file_size > RATIO_FLOOR and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise PackageRejected(
                "Mục {name} giãn ra {ratio} lần (quá {max_ratio}): bị từ chối vì có thể là bom zip",
                name=name,
                ratio=ratio,
                max_ratio=limits.max_ratio,
                entry=name,
            )
        names.append(name)
    return names


def _check_name(name: str) -> None:
    if name.startswith("/") or "\\" in name or _DRIVE.match(name):
        raise PackageRejected("Mục {name} có đường dẫn tuyệt đối", name=name, entry=name)
    if _CONTROL.search(name):
        raise PackageRejected("Mục “{name}” có kí tự điều khiển trong tên", name=name, entry=name)
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise PackageRejected("Mục {name} trỏ ra ngoài gói", name=name, entry=name)
    if "." in parts or "" in parts:  # a/./b, a//b: not how any tool writes a path
        raise PackageRejected("Mục {name} có phần đường dẫn rỗng hoặc “.”", name=name, entry=name)
