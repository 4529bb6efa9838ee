"""Taking in a content file: stream it to disk while hashing, check its real type (libmagic, not
the name), check packages, and store it once under its SHA-256.

The bytes pass through a temporary file on disk, never memory. Nothing reaches the object store
until every check passed, so a rejected upload leaves nothing stored; the same bytes uploaded
twice are stored once.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import magic

from kholieu.content.models import Kind
from kholieu.content.packages.checks import PackageInfo, inspect_package
from kholieu.errors import ValidationFailed
from kholieu.files.zipsafe import PackageLimits
from kholieu.i18n import N_, Term
from kholieu.storage import ObjectStore
from kholieu.storage.base import CHUNK

ZIP = "application/zip"
PDF = "application/pdf"
OOXML_SLIDES = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OOXML_TEXT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VIDEO = {"video/mp4", "video/webm", "video/quicktime", "video/x-matroska", "video/x-msvideo",
         "video/mpeg"}  # fmt: skip

ALLOWED: dict[str, set[str]] = {
    Kind.lecture: {ZIP, PDF, OOXML_SLIDES},
    Kind.lab: {ZIP},
    Kind.document: {PDF, OOXML_TEXT, OOXML_SLIDES},
    Kind.video: VIDEO,
    Kind.textbook: {PDF},
}
PACKAGE_KINDS = {Kind.lecture, Kind.lab}


class UnsupportedFile(ValidationFailed):
    status_code = 415
    code = "unsupported_file"


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    mime: str
    package: PackageInfo | None
    media: dict[str, Any] | None = None  # videos: what ffprobe read


KIND_WORDS = {"lecture": N_("bài giảng"), "video": N_("video"), "lab": N_("thí nghiệm ảo"),
              "document": N_("tài liệu"), "textbook": N_("sách giáo khoa")}  # fmt: skip


def blob_key(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256}"


def thumbnail_key(sha256: str) -> str:
    return f"thumbs/{sha256}.png"


def package_prefix(sha256: str) -> str:
    """Where a package's files are unpacked for the content origin to serve."""
    return f"packages/{sha256}"


def ingest(
    store: ObjectStore,
    source: BinaryIO,
    *,
    kind: str,
    filename: str,
    max_bytes: int,
    tmp_dir: Path,
    limits: PackageLimits | None = None,
    source_key: str | None = None,
    probe_video: Callable[[Path], dict[str, Any]] | None = None,
) -> Blob:
    """Check ``source`` as a file of ``kind`` and store it; raise a 4xx error saying why not.

    ``source_key`` names the object ``source`` reads from when it is already in the store (a
    finished upload): it is then copied in place rather than sent again. ``probe_video``
    checks that a video decodes (it raises the error) and describes it.
    """
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir) as tmp:
        sha256, size = _spool(source, tmp, max_bytes, filename)
        tmp.seek(0)
        mime = magic.from_buffer(tmp.read(8192), mime=True)
        if mime not in ALLOWED[kind]:
            raise UnsupportedFile(
                "{filename}: tệp có kiểu {mime}, không dùng được cho {kind} (được nhận: {join})",
                filename=filename,
                mime=mime,
                kind=Term(KIND_WORDS.get(kind, kind)),
                join=", ".join(sorted(ALLOWED[kind])),
                details={"file": filename, "detected": mime},
            )
        package = inspect_package(tmp, limits) if mime == ZIP and kind in PACKAGE_KINDS else None
        media = None
        if kind == Kind.video and probe_video is not None:
            tmp.flush()
            media = probe_video(Path(tmp.name))
        if store.exists(blob_key(sha256)):
            store.touch(blob_key(sha256))  # named again: not the sweeper's, even if orphaned
        else:
            if source_key is not None:
                store.copy(source_key, blob_key(sha256), content_type=mime)
            else:
                tmp.seek(0)
                stored = store.put(blob_key(sha256), tmp, content_type=mime)
                if stored.sha256 and stored.sha256 != sha256:  # the store saw other bytes
                    store.delete(blob_key(sha256))
                    raise ValidationFailed(
                        "{filename}: kiểm tra trên kho lưu trữ không khớp; hãy thử lại",
                        filename=filename,
                    )
    return Blob(sha256=sha256, size=size, mime=mime, package=package, media=media)


def _spool(source: BinaryIO, tmp: BinaryIO, max_bytes: int, filename: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ValidationFailed(
                "{filename}: lớn hơn giới hạn {value} MiB",
                filename=filename,
                value=max_bytes // 2**20,
                details={"file": filename, "limit_bytes": max_bytes},
            )
        digest.update(chunk)
        tmp.write(chunk)
    if size == 0:
        raise ValidationFailed(
            "{filename}: tệp rỗng", filename=filename, details={"file": filename}
        )
    return digest.hexdigest(), size
