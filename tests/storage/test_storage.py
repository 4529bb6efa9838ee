"""The ObjectStore contract: every store behaves the same to the code above it."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

import pytest

from kholieu.errors import InvalidKey, ObjectNotFound, RangeNotSatisfiable, UploadNotFound
from kholieu.storage.base import MIN_PART_SIZE, ObjectStore, Part
from kholieu.storage.s3 import S3Store


class TrickleReader(io.RawIOBase):
    """A file object that produces ``size`` bytes on demand and is never whole in memory."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left, 256 * 1024)
        chunk = os.urandom(n)
        buffer[:n] = chunk
        self.hash.update(chunk)
        self.left -= n
        return n


def test_is_an_object_store(target):
    assert isinstance(target.store, ObjectStore)


def test_put_get_head_delete(target):
    store = target.store
    body = "Phương trình bậc hai".encode() * 100
    info = store.put("lectures/a/bai-1.txt", io.BytesIO(body), content_type="text/plain")
    assert info.size == len(body)
    assert info.sha256 == hashlib.sha256(body).hexdigest()
    head = store.head("lectures/a/bai-1.txt")
    assert head.size == len(body) and head.content_type == "text/plain"
    with store.get("lectures/a/bai-1.txt") as stream:
        assert stream.read() == body
    assert store.exists("lectures/a/bai-1.txt")
    store.delete("lectures/a/bai-1.txt")
    assert not store.exists("lectures/a/bai-1.txt")
    store.delete("lectures/a/bai-1.txt")  # deleting again is not an error


def test_put_replaces_existing_object(target):
    target.store.put("x/y", io.BytesIO(b"old"))
    target.store.put("x/y", io.BytesIO(b"new content"))
    assert b"".join(target.store.get("x/y")) == b"new content"


def test_missing_objects_raise_object_not_found(target):
    with pytest.raises(ObjectNotFound):
        target.store.head("nope/missing")
    with pytest.raises(ObjectNotFound):
        target.store.get("nope/missing")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(0, 5, b"01234"), (5, None, b"56789"), (8, 100, b"89"), (3, 4, b"3")],
)
def test_get_byte_ranges(target, start, end, expected):
    target.store.put("r/digits", io.BytesIO(b"0123456789"))
    with target.store.get("r/digits", start, end) as stream:
        assert stream.read() == expected
        assert stream.info.size == 10


def test_range_outside_object_is_refused(target):
    target.store.put("r/short", io.BytesIO(b"abc"))
    with pytest.raises(RangeNotSatisfiable):
        target.store.get("r/short", 10, 20)


def test_list_by_prefix(target):
    for key in ("p/a/1", "p/a/2", "p/b/3", "q/4"):
        target.store.put(key, io.BytesIO(key.encode()))
    assert sorted(i.key for i in target.store.list("p/a/")) == ["p/a/1", "p/a/2"]
    assert sorted(i.key for i in target.store.list("p/")) == ["p/a/1", "p/a/2", "p/b/3"]
    assert {i.size for i in target.store.list("q/")} == {3}


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/abs", "a//b", "a/./b", "a/../b", ".meta/x", "a\\b", "bad\x00key", ""]
)
def test_keys_that_could_escape_are_refused(target, key):
    with pytest.raises(InvalidKey):
        target.store.put(key, io.BytesIO(b"x"))


def test_put_streams_without_holding_the_file(target):
    """A 24 MiB upload is streamed: never read into memory whole."""
    size = 24 * 1024 * 1024
    reader = TrickleReader(size)
    tracemalloc.start()
    info = target.store.put("big/stream.bin", io.BufferedReader(reader, 256 * 1024))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert info.size == size
    assert info.sha256 == reader.hash.hexdigest()
    if isinstance(target.store, S3Store):
        # moto stores the object in this same process, so the peak counts its copy too; what
        # the client must do is send parts of bounded size: a multipart ETag ends in "-N".
        parts = int(info.etag.rsplit("-", 1)[1]) if "-" in info.etag else 1
        assert parts > 1, info.etag
    else:
        assert peak < 8 * 1024 * 1024, f"peak {peak} bytes while storing {size}"


def test_download_url_serves_object_and_ranges(target):
    body = b"noi dung bai giang " * 1000
    target.store.put("u/file.txt", io.BytesIO(body), content_type="text/plain")
    url = target.store.url("u/file.txt", expires_s=60, filename="Bài 1.txt")
    status, headers, content = target.fetch(url)
    assert status == 200 and content == body
    disposition = {k.lower(): v for k, v in headers.items()}["content-disposition"]
    assert "attachment" in disposition
    status, headers, content = target.fetch(url, {"Range": "bytes=5-9"})
    assert status == 206 and content == body[5:10]


def test_multipart_upload_resumes_from_listed_parts(target):
    store = target.store
    parts_data = [os.urandom(MIN_PART_SIZE), os.urandom(MIN_PART_SIZE), b"last part"]
    upload_id = store.start_upload("mp/video.mp4", content_type="video/mp4")
    first = store.upload_part("mp/video.mp4", upload_id, 1, io.BytesIO(parts_data[0]))
    # ... the connection drops; the client asks what arrived and carries on.
    assert [(p.number, p.size) for p in store.list_parts("mp/video.mp4", upload_id)] == [
        (1, MIN_PART_SIZE)
    ]
    second = store.upload_part("mp/video.mp4", upload_id, 2, io.BytesIO(parts_data[1]))
    third = store.upload_part("mp/video.mp4", upload_id, 3, io.BytesIO(parts_data[2]))
    info = store.complete_upload("mp/video.mp4", upload_id, [third, first, second])
    whole = b"".join(parts_data)
    assert info.size == len(whole)
    assert b"".join(store.get("mp/video.mp4")) == whole
    assert store.head("mp/video.mp4").content_type == "video/mp4"


def test_multipart_through_presigned_part_urls(target):
    """On S3 the browser PUTs parts straight to the store; LocalStore says to use the app."""
    store = target.store
    upload_id = store.start_upload("mp/direct.bin")
    url = store.part_url("mp/direct.bin", upload_id, 1, expires_s=60)
    if url is None:
        assert type(store).__name__ == "LocalStore"
        store.abort_upload("mp/direct.bin", upload_id)
        return
    chunks = [os.urandom(MIN_PART_SIZE), b"tail"]
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        status, headers = target.put(
            store.part_url("mp/direct.bin", upload_id, number, expires_s=60), chunk
        )
        assert status == 200
        etag = {k.lower(): v for k, v in headers.items()}["etag"].strip('"')
        parts.append(Part(number, etag, len(chunk)))
    assert [p.number for p in store.list_parts("mp/direct.bin", upload_id)] == [1, 2]
    store.complete_upload("mp/direct.bin", upload_id, parts)
    assert b"".join(store.get("mp/direct.bin")) == b"".join(chunks)


def test_aborted_upload_is_gone(target):
    store = target.store
    upload_id = store.start_upload("mp/aborted")
    store.upload_part("mp/aborted", upload_id, 1, io.BytesIO(b"x"))
    store.abort_upload("mp/aborted", upload_id)
    with pytest.raises(UploadNotFound):
        store.list_parts("mp/aborted", upload_id)
    assert not store.exists("mp/aborted")


def test_ping(target):
    target.store.ping()


def test_resending_a_part_replaces_it(target):
    """A part cut off mid-transfer is simply sent again under the same number."""
    store = target.store
    upload_id = store.start_upload("mp/again")
    store.upload_part("mp/again", upload_id, 1, io.BytesIO(b"a" * MIN_PART_SIZE))
    first = store.upload_part("mp/again", upload_id, 1, io.BytesIO(b"b" * MIN_PART_SIZE))
    last = store.upload_part("mp/again", upload_id, 2, io.BytesIO(b"tail"))
    assert [p.etag for p in store.list_parts("mp/again", upload_id)] == [first.etag, last.etag]
    store.complete_upload("mp/again", upload_id, [first, last])
    assert b"".join(store.get("mp/again")) == b"b" * MIN_PART_SIZE + b"tail"


def test_copy_within_the_store(target):
    body = os.urandom(3 * MIN_PART_SIZE)  # large enough for S3's multipart copy path
    target.store.put("incoming/x", io.BytesIO(body), content_type="video/mp4")
    info = target.store.copy("incoming/x", "blobs/ab/x")
    assert info.size == len(body) and info.content_type == "video/mp4"
    target.store.delete("incoming/x")
    assert b"".join(target.store.get("blobs/ab/x")) == body
    with pytest.raises(ObjectNotFound):
        target.store.copy("incoming/missing", "blobs/ab/y")
    # an assembled upload has no type of its own; the copy gets the one the check detected
    target.store.put("incoming/u", io.BytesIO(body))
    typed = target.store.copy("incoming/u", "blobs/ab/u", content_type="application/pdf")
    assert typed.content_type == "application/pdf"
    assert target.store.head("blobs/ab/u").content_type == "application/pdf"
