"""Objects in an S3-compatible bucket (AWS, MinIO, Ceph, moto) through boto3.

Configured by ``s3://bucket[/prefix]?endpoint_url=…&region=…&addressing_style=path``; credentials
come from the usual AWS sources (environment, profile, instance role). Every botocore error is
translated here, so nothing above this module sees boto.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import BinaryIO
from urllib.parse import parse_qs, quote, urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
)
from urllib3.exceptions import HTTPError, ProtocolError

from kholieu.errors import (
    NotFound,
    ObjectNotFound,
    RangeNotSatisfiable,
    StorageError,
    StorageUnavailable,
    UploadNotFound,
)
from kholieu.storage.base import (
    MIN_PART_SIZE,
    HashingReader,
    Leftover,
    ObjectInfo,
    ObjectStream,
    Part,
    UploadInfo,
    check_key,
)

_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_BUSY = {"SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "ServiceUnavailable"}
# Bounded memory: at most max_concurrency parts of multipart_chunksize in flight at once.
_TRANSFER = TransferConfig(
    multipart_threshold=2 * MIN_PART_SIZE,
    multipart_chunksize=MIN_PART_SIZE + MIN_PART_SIZE // 5,  # 6 MiB
    max_concurrency=2,
    max_io_queue=4,
)
# Copies are server-side, in parts of 256 MiB beyond that size: each part answers well within
# the read timeout (one CopyObject of a 2 GB video may not, on a slow MinIO or Ceph).
_COPY = TransferConfig(
    multipart_threshold=256 * 1024**2, multipart_chunksize=256 * 1024**2, max_concurrency=4
)


class S3Store:
    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        addressing_style: str = "auto",
        connect_timeout: float = 3,
        read_timeout: float = 10,
        max_attempts: int = 2,
        cooloff_s: float = 5,
    ) -> None:
        """A request to S3 takes at most about ``max_attempts × (connect_timeout +
        read_timeout)``: an endpoint that accepts connections and never answers costs a call
        26 s by default, not minutes (botocore's own default is 60 s × 5). The read timeout is
        the longest wait for the next bytes, not for a whole transfer. Once a call found S3
        unreachable, calls in the next ``cooloff_s`` fail at once (``_Breaker``)."""
        self.bucket = bucket
        self._breaker = _Breaker(cooloff_s)
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
        )
        session = boto3.session.Session()
        self._client = session.client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )

    @classmethod
    def from_url(cls, url: str, **timeouts: float) -> S3Store:
        """``timeouts``: connect_timeout, read_timeout, max_attempts (Settings' storage_*)."""
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return cls(
            parts.netloc,
            prefix=parts.path,
            endpoint_url=query.get("endpoint_url"),
            region=query.get("region"),
            addressing_style=query.get("addressing_style", "auto"),
            **timeouts,  # type: ignore[arg-type]
        )

    # -- single objects --------------------------------------------------------------------
    def put(self, key: str, data: BinaryIO, *, content_type: str | None = None) -> ObjectInfo:
        reader = HashingReader(data)
        extra = {"ContentType": content_type} if content_type else {}
        with self._errors(key):
            self._client.upload_fileobj(
                reader, self.bucket, self._k(key), ExtraArgs=extra, Config=_TRANSFER
            )
        info = self.head(key)
        return ObjectInfo(**{**info.__dict__, "sha256": reader.sha256})

    def get(self, key: str, start: int = 0, end: int | None = None) -> ObjectStream:
        args = {"Bucket": self.bucket, "Key": self._k(key)}
        if start or end is not None:
            if end is not None and end <= start:
                raise RangeNotSatisfiable("Khoảng rỗng {start}-{end}", start=start, end=end)
            args["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        with self._errors(key):
            response = self._client.get_object(**args)
        info = ObjectInfo(
            key=key,
            size=_total_size(response),
            etag=response["ETag"].strip('"'),
            content_type=response.get("ContentType"),
            last_modified=response.get("LastModified"),
        )
        body = _TranslatedBody(response["Body"], key)
        return ObjectStream(body, response["ContentLength"], info)

    def head(self, key: str) -> ObjectInfo:
        with self._errors(key):
            response = self._client.head_object(Bucket=self.bucket, Key=self._k(key))
        return ObjectInfo(
            key=key,
            size=response["ContentLength"],
            etag=response["ETag"].strip('"'),
            content_type=response.get("ContentType"),
            last_modified=response.get("LastModified"),
        )

    def exists(self, key: str) -> bool:
        try:
            self.head(key)
        except ObjectNotFound:
            return False
        return True

    def touch(self, key: str) -> None:
        """A copy onto itself (server-side; S3 allows it when the metadata is replaced)."""
        info = self.head(key)
        extra = {"ContentType": info.content_type} if info.content_type else {}
        with self._errors(key):
            self._client.copy_object(
                Bucket=self.bucket, Key=self._k(key), MetadataDirective="REPLACE",
                CopySource={"Bucket": self.bucket, "Key": self._k(key)}, **extra,
            )  # fmt: skip

    def delete(self, key: str) -> None:
        with self._errors(key):
            self._client.delete_object(Bucket=self.bucket, Key=self._k(key))

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        paginator = self._client.get_paginator("list_objects_v2")
        with self._errors(prefix):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    yield ObjectInfo(
                        key=item["Key"].removeprefix(self.prefix),
                        size=item["Size"],
                        etag=item["ETag"].strip('"'),
                        last_modified=item.get("LastModified"),
                    )

    def copy(self, source: str, target: str, *, content_type: str | None = None) -> ObjectInfo:
        """Server-side (UploadPartCopy for large objects): no bytes pass through this process."""
        extra = {"ContentType": content_type, "MetadataDirective": "REPLACE"} if content_type \
            else None  # fmt: skip
        with self._errors(source):
            self._client.copy(
                {"Bucket": self.bucket, "Key": self._k(source)},
                self.bucket,
                self._k(target),
                ExtraArgs=extra,
                Config=_COPY,
            )
        return self.head(target)

    def url(self, key: str, *, expires_s: int, filename: str | None = None) -> str:
        params = {"Bucket": self.bucket, "Key": self._k(key)}
        if filename:
            params["ResponseContentDisposition"] = _attachment(filename)
        with self._errors(key, local=True):
            return self._client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires_s
            )

    # -- multipart uploads -----------------------------------------------------------------
    def start_upload(self, key: str, *, content_type: str | None = None) -> str:
        extra = {"ContentType": content_type} if content_type else {}
        with self._errors(key):
            response = self._client.create_multipart_upload(
                Bucket=self.bucket, Key=self._k(key), **extra
            )
        return response["UploadId"]

    def part_url(self, key: str, upload_id: str, number: int, *, expires_s: int) -> str | None:
        params = {
            "Bucket": self.bucket,
            "Key": self._k(key),
            "UploadId": upload_id,
            "PartNumber": number,
        }
        with self._errors(key, local=True):
            return self._client.generate_presigned_url(
                "upload_part", Params=params, ExpiresIn=expires_s
            )

    def upload_part(self, key: str, upload_id: str, number: int, data: BinaryIO) -> Part:
        body = data.read()  # one part (≤ the client's part size) at a time, as S3 needs its length
        with self._errors(key, upload_id):
            response = self._client.upload_part(
                Bucket=self.bucket,
                Key=self._k(key),
                UploadId=upload_id,
                PartNumber=number,
                Body=body,
            )
        return Part(number=number, etag=response["ETag"].strip('"'), size=len(body))

    def list_parts(self, key: str, upload_id: str) -> list[Part]:
        paginator = self._client.get_paginator("list_parts")
        parts = []
        with self._errors(key, upload_id):
            pages = paginator.paginate(Bucket=self.bucket, Key=self._k(key), UploadId=upload_id)
            for page in pages:
                for p in page.get("Parts", []):
                    parts.append(Part(p["PartNumber"], p["ETag"].strip('"'), p["Size"]))
        return parts

    def complete_upload(self, key: str, upload_id: str, parts: list[Part]) -> ObjectInfo:
        ordered = [
            {"PartNumber": p.number, "ETag": f'"{p.etag}"'}
            for p in sorted(parts, key=lambda p: p.number)
        ]
        with self._errors(key, upload_id):
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._k(key),
                UploadId=upload_id,
                MultipartUpload={"Parts": ordered},
            )
        return self.head(key)

    def abort_upload(self, key: str, upload_id: str) -> None:
        with self._errors(key, upload_id):
            self._client.abort_multipart_upload(
                Bucket=self.bucket, Key=self._k(key), UploadId=upload_id
            )

    def list_uploads(self) -> Iterator[UploadInfo]:
        """Multipart uploads under this store's prefix (S3 keeps their parts, and bills them,
        until they are completed or aborted)."""
        paginator = self._client.get_paginator("list_multipart_uploads")
        with self._errors(self.prefix):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Uploads", []):
                    yield UploadInfo(
                        key=item["Key"].removeprefix(self.prefix),
                        upload_id=item["UploadId"],
                        started=item["Initiated"],
                    )

    def sweep_leftovers(self, before: datetime, *, remove: bool) -> list[Leftover]:
        return []  # S3 writes whole objects or nothing; unfinished uploads are list_uploads'

    def local_path(self, key: str) -> None:
        return None

    def verify_url(self, key: str, expires: int, sig: str, filename: str | None) -> None:
        raise NotFound("Tệp do kho lưu trữ đối tượng phục vụ trực tiếp")

    def ping(self) -> None:
        """Asks S3 even while the breaker is open: /readyz tells the truth, and the first ping
        that gets through closes the breaker for everyone."""
        try:
            with self._errors("", probe=True):
                self._client.head_bucket(Bucket=self.bucket)
        except ObjectNotFound:  # HEAD on a bucket answers a bare 404
            raise StorageUnavailable("Không có bucket “{bucket}”", bucket=self.bucket) from None

    # -- helpers ---------------------------------------------------------------------------
    def _k(self, key: str) -> str:
        return self.prefix + check_key(key)

    @contextmanager
    def _errors(
        self, key: str, upload_id: str | None = None, *, probe: bool = False, local: bool = False
    ) -> Iterator[None]:
        """Translate botocore's errors into the project's own, and keep the breaker: ``local``
        calls (presigning) never reach S3, a ``probe`` reaches it whatever the breaker says."""
        if not (probe or local):
            self._breaker.check()
        try:
            yield
        except ClientError as exc:
            self._breaker.passed()  # S3 answered, if only to refuse
            code = str(exc.response.get("Error", {}).get("Code", ""))
            message = exc.response.get("Error", {}).get("Message") or code
            if code in _NOT_FOUND:
                raise ObjectNotFound("Không có đối tượng “{key}”", key=key) from None
            if code == "NoSuchUpload":
                raise UploadNotFound(
                    "Không có lượt tải lên “{upload_id}” cho “{key}”", upload_id=upload_id, key=key
                ) from None
            if code == "InvalidRange":
                raise RangeNotSatisfiable("Khoảng nằm ngoài đối tượng “{key}”", key=key) from None
            if code in ("NoSuchBucket", "AccessDenied", "InvalidAccessKeyId"):
                raise StorageUnavailable(
                    "Kho lưu trữ S3 “{bucket}”: {message_}", bucket=self.bucket, message_=message
                ) from None
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if status >= 500 or code in _BUSY:  # S3's own outage, still there after retries
                raise StorageUnavailable(
                    "S3 không dùng được với “{key}”: {code} {message_}",
                    key=key,
                    code=code,
                    message_=message,
                ) from None
            raise StorageError(
                "S3 từ chối “{key}”: {code} {message_}", key=key, code=code, message_=message
            ) from None
        except (ConnectionError, HTTPClientError) as exc:
            # refused, reset, closed before answering, timed out: the endpoint, not the request
            if not local:
                self._breaker.tripped(str(exc))
            raise StorageUnavailable("Không kết nối được S3: {exc}", exc=exc) from None
        except BotoCoreError as exc:
            raise StorageError("Lỗi S3 với “{key}”: {exc}", key=key, exc=exc) from None
        else:
            if not local:
                self._breaker.passed()


class _Breaker:
    """Fail fast while S3 is known to be away. Without it, every web request touching S3
    during an outage waits its full timeouts (26 s when S3 hangs) holding one of the few
    admission slots, and a handful of uploads stall the whole app; with it, one call pays
    the timeouts and the others in the next ``cooloff_s`` answer 503 at once. Jobs meeting
    it wait as for any outage (kholieu.jobs.queue)."""

    def __init__(self, cooloff_s: float) -> None:
        self.cooloff_s = cooloff_s
        self._open_until = 0.0
        self._reason = ""

    def check(self) -> None:
        left = self._open_until - time.monotonic()
        if left > 0:
            raise StorageUnavailable(
                "Vừa rồi không kết nối được S3 ({reason}); chưa thử lại trong {left:.0f} giây",
                reason=self._reason,
                left=left,
            )

    def tripped(self, reason: str) -> None:
        self._open_until, self._reason = time.monotonic() + self.cooloff_s, reason

    def passed(self) -> None:
        self._open_until = 0.0


class _TranslatedBody:
    """S3's response body, whose failures in the middle of a download (a reset connection, a
    read timeout, a cut stream) become StorageUnavailable like any other S3 outage, instead of
    botocore's or urllib3's own exceptions reaching the caller."""

    def __init__(self, raw: BinaryIO, key: str) -> None:
        self._raw = raw
        self._key = key

    def read(self, size: int = -1) -> bytes:
        try:
            return self._raw.read(size)
        except (BotoCoreError, ProtocolError, HTTPError, OSError) as exc:
            raise StorageUnavailable(
                "Đọc “{key}” từ S3 bị đứt giữa chừng: {exc}", key=self._key, exc=exc
            ) from None

    def close(self) -> None:
        self._raw.close()


def _total_size(response: dict) -> int:
    content_range = response.get("ContentRange")  # "bytes 0-9/1234"
    if content_range:
        return int(content_range.rsplit("/", 1)[1])
    return response["ContentLength"]


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"
