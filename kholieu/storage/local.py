"""Objects as files under one directory; the embedded default.

Layout under the root: ``<key>`` (the bytes), ``.meta/<key>.json`` (content type, SHA-256),
``.tmp/`` (uploads in flight, renamed into place when whole) and ``.uploads/<id>/`` (parts of a
multipart upload). What a killed process leaves there is removed by ``sweep_leftovers`` (the
sweeper, ``kholieu gc``). Downloads go through the app at ``/objects/<key>`` with an HMAC-signed,
expiring query string, so LocalStore URLs behave like S3 presigned URLs.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO
from urllib.parse import quote, urlencode

from kholieu.errors import (
    ObjectNotFound,
    PermissionDenied,
    StorageUnavailable,
    UploadNotFound,
    ValidationFailed,
)
from kholieu.signing import sign, valid
from kholieu.storage.base import (
    CHUNK,
    HashingReader,
    Leftover,
    ObjectInfo,
    ObjectStream,
    Part,
    UploadInfo,
    check_key,
    check_range,
    tree_stat,
)

URL_PREFIX = "/objects/"


class LocalStore:
    def __init__(self, root: Path, secret: str) -> None:
        self.root = root
        self._secret = secret
        for sub in (".meta", ".tmp", ".uploads"):
            (root / sub).mkdir(parents=True, exist_ok=True)

    # -- single objects --------------------------------------------------------------------
    def put(self, key: str, data: BinaryIO, *, content_type: str | None = None) -> ObjectInfo:
        path = self._path(key)
        reader = HashingReader(data)
        with self._tempfile() as tmp:
            shutil.copyfileobj(reader, tmp, CHUNK)
            tmp.flush()
            os.fsync(tmp.fileno())
        return self._publish(key, Path(tmp.name), reader.sha256, content_type, path)

    def get(self, key: str, start: int = 0, end: int | None = None) -> ObjectStream:
        info = self.head(key)
        start, stop = check_range(start, end, info.size)
        raw = open(self._path(key), "rb")  # noqa: SIM115  (ObjectStream closes it)
        raw.seek(start)
        return ObjectStream(raw, stop - start, info)

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            stat = path.stat()
            meta = json.loads(self._meta_path(key).read_text())
        except FileNotFoundError:
            raise ObjectNotFound("Không có đối tượng “{key}”", key=key) from None
        return ObjectInfo(
            key=key,
            size=stat.st_size,
            etag=meta["sha256"],
            content_type=meta.get("content_type"),
            last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
            sha256=meta["sha256"],
        )

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def touch(self, key: str) -> None:
        try:
            os.utime(self._path(key))
        except FileNotFoundError:
            raise ObjectNotFound("Không có đối tượng “{key}”", key=key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        self._meta_path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root:
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            dirnames.sort()
            for name in sorted(filenames):
                key = (Path(dirpath) / name).relative_to(self.root).as_posix()
                if key.startswith(prefix) and not key.startswith("."):
                    try:
                        yield self.head(key)
                    except ObjectNotFound:  # deleted meanwhile, or bytes without metadata
                        continue

    def copy(self, source: str, target: str, *, content_type: str | None = None) -> ObjectInfo:
        info = self.head(source)
        with open(self._path(source), "rb") as fh:
            return self.put(target, fh, content_type=content_type or info.content_type)

    # -- download URLs ---------------------------------------------------------------------
    def url(self, key: str, *, expires_s: int, filename: str | None = None) -> str:
        check_key(key)
        expires = int(time.time()) + expires_s
        params = {"expires": str(expires)}
        if filename:
            params["filename"] = filename
        params["sig"] = sign(self._secret, "download", expires, key, filename or "")
        return URL_PREFIX + quote(key) + "?" + urlencode(params)

    def verify_url(self, key: str, expires: int, sig: str, filename: str | None) -> None:
        """Raise PermissionDenied unless the query string was signed by ``url`` and is fresh."""
        if not valid(self._secret, "download", sig, expires, key, filename or ""):
            raise PermissionDenied("Đường dẫn tải về không hợp lệ hoặc đã hết hạn")

    def local_path(self, key: str) -> Path:
        return self._path(key)

    # -- multipart uploads -----------------------------------------------------------------
    def start_upload(self, key: str, *, content_type: str | None = None) -> str:
        check_key(key)
        upload_id = secrets.token_hex(16)
        folder = self.root / ".uploads" / upload_id
        folder.mkdir()
        meta = {"key": key, "content_type": content_type}
        (folder / "upload.json").write_text(json.dumps(meta))
        return upload_id

    def part_url(self, key: str, upload_id: str, number: int, *, expires_s: int) -> str | None:
        self._upload_folder(key, upload_id)
        return None  # parts come through the app's chunked-upload endpoint

    def upload_part(self, key: str, upload_id: str, number: int, data: BinaryIO) -> Part:
        folder = self._upload_folder(key, upload_id)
        if not 1 <= number <= 10000:
            raise ValidationFailed("Phần số {number} nằm ngoài khoảng 1–10000", number=number)
        checksum, size = 0, 0  # CRC-32 as the part's ETag: opaque to callers, and cheap
        with self._tempfile() as tmp:
            while chunk := data.read(CHUNK):
                checksum = zlib.crc32(chunk, checksum)
                size += len(chunk)
                tmp.write(chunk)
        etag = f"{checksum:08x}-{size}"
        # The ETag lands first: a part file without its ETag is never listed as received.
        (folder / f"{number:05d}.etag").write_text(etag)
        os.replace(tmp.name, folder / f"{number:05d}.part")
        return Part(number=number, etag=etag, size=size)

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        folder = self._upload_folder(key, upload_id)
        return [
            Part(int(path.stem), path.with_suffix(".etag").read_text(), path.stat().st_size)
            for path in sorted(folder.glob("*.part"))
        ]

    def complete_upload(self, key: str, upload_id: str, parts: list[Part]) -> ObjectInfo:
        folder = self._upload_folder(key, upload_id)
        stored = {p.number: p for p in self.list_parts(key, upload_id)}
        for part in parts:
            if stored.get(part.number) is None or stored[part.number].etag != part.etag:
                raise UploadNotFound(
                    "Phần {number} của lượt tải lên {upload_id} chưa được lưu",
                    number=part.number,
                    upload_id=upload_id,
                )
        meta = json.loads((folder / "upload.json").read_text())
        digest = hashlib.sha256()
        with self._tempfile() as tmp:
            for part in sorted(parts, key=lambda p: p.number):
                with open(folder / f"{part.number:05d}.part", "rb") as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                        tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        info = self._publish(
            key, Path(tmp.name), digest.hexdigest(), meta["content_type"], self._path(key)
        )
        shutil.rmtree(folder, ignore_errors=True)
        return info

    def abort_upload(self, key: str, upload_id: str) -> None:
        shutil.rmtree(self._upload_folder(key, upload_id), ignore_errors=True)

    def list_uploads(self) -> Iterator[UploadInfo]:
        for folder in sorted((self.root / ".uploads").iterdir()):
            try:
                meta_file = folder / "upload.json"
                key = json.loads(meta_file.read_text())["key"]
                started = datetime.fromtimestamp(meta_file.stat().st_mtime, UTC)
                size = sum(part.stat().st_size for part in folder.glob("*.part"))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # broken or going: sweep_leftovers judges it
            yield UploadInfo(key=key, upload_id=folder.name, started=started, size=size)

    def sweep_leftovers(self, before: datetime, *, remove: bool) -> list[Leftover]:
        """Half-written files in ``.tmp/``, upload folders without a readable ``upload.json``
        and metadata whose object is gone (a kill inside ``delete``), each once untouched since
        ``before``; ``_publish`` writes the metadata first, so a write in flight never looks
        like one. Bytes whose metadata is gone are reported as "object", not removed: the
        caller asks the rows first."""
        found: list[Leftover] = []

        def take(kind: str, path: Path) -> None:
            try:
                touched, size = tree_stat(path)
            except FileNotFoundError:
                return
            if touched >= before:
                return
            found.append(Leftover(kind, path.relative_to(self.root).as_posix(), size, touched))
            if remove and kind != "object":
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

        for entry in sorted((self.root / ".tmp").iterdir()):
            take("temporary", entry)
        for folder in sorted((self.root / ".uploads").iterdir()):
            try:
                json.loads((folder / "upload.json").read_text())["key"]
                if folder.name.isalnum():
                    continue
            except (OSError, ValueError, KeyError, TypeError):
                pass
            take("upload", folder)
        meta_root = self.root / ".meta"
        for dirpath, _dirs, filenames in os.walk(meta_root):
            for name in sorted(filenames):
                meta = Path(dirpath) / name
                key = meta.relative_to(meta_root).as_posix().removesuffix(".json")
                if not (self.root / key).is_file():
                    take("temporary", meta)
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root:
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in sorted(filenames):
                path = Path(dirpath) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(".") and not (meta_root / (key + ".json")).is_file():
                    take("object", path)
        return found

    def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable("Không ghi được thư mục lưu trữ {root}", root=self.root)

    # -- helpers ---------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _meta_path(self, key: str) -> Path:
        return self.root / ".meta" / (check_key(key) + ".json")

    @contextmanager
    def _tempfile(self) -> Iterator[IO[bytes]]:
        """A temp file that outlives the block for renaming, but not a failure inside it."""
        tmp = tempfile.NamedTemporaryFile(dir=self.root / ".tmp", delete=False)  # noqa: SIM115
        try:
            with tmp:
                yield tmp
        except BaseException:
            Path(tmp.name).unlink(missing_ok=True)
            raise

    def _publish(
        self, key: str, tmp: Path, sha256: str, content_type: str | None, path: Path
    ) -> ObjectInfo:
        """Move a finished temp file into place, metadata first so a reader never sees bytes
        without it; a crash in between leaves metadata without its object, which
        ``sweep_leftovers`` removes (as it removes the temp files of writes killed earlier)."""
        try:
            meta_path = self._meta_path(key)
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            meta_path.write_text(json.dumps({"sha256": sha256, "content_type": content_type}))
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        info = self.head(key)
        return ObjectInfo(**{**info.__dict__, "sha256": sha256})

    def _upload_folder(self, key: str, upload_id: str) -> Path:
        check_key(key)
        folder = self.root / ".uploads" / upload_id
        if not upload_id.isalnum() or not (folder / "upload.json").is_file():
            raise UploadNotFound("Không có lượt tải lên “{upload_id}”", upload_id=upload_id)
        if json.loads((folder / "upload.json").read_text())["key"] != key:
            raise UploadNotFound(
                "Lượt tải lên “{upload_id}” không dành cho “{key}”", upload_id=upload_id, key=key
            )
        return folder
