"""LocalStore's own guarantees beyond the shared contract: signed links and crash safety."""

from __future__ import annotations

import io

import pytest

from kholieu.errors import PermissionDenied
from kholieu.storage.local import LocalStore


@pytest.fixture
def store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "objects", "secret")


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


def test_signed_url_verifies(store):
    store.put("a/b", io.BytesIO(b"x"))
    q = _query(store.url("a/b", expires_s=60, filename="x.txt"))
    store.verify_url("a/b", int(q["expires"]), q["sig"], "x.txt")


@pytest.mark.parametrize("change", ["key", "filename", "expires", "secret"])
def test_tampered_or_foreign_urls_are_refused(store, tmp_path, change):
    store.put("a/b", io.BytesIO(b"x"))
    q = _query(store.url("a/b", expires_s=60, filename="x.txt"))
    key, filename, expires = "a/b", "x.txt", int(q["expires"])
    checker = store
    if change == "key":
        key = "a/c"
    elif change == "filename":
        filename = "evil.html"
    elif change == "expires":
        expires += 3600
    else:
        checker = LocalStore(tmp_path / "objects", "another-secret")
    with pytest.raises(PermissionDenied):
        checker.verify_url(key, expires, q["sig"], filename)


def test_expired_url_is_refused(store):
    store.put("a/b", io.BytesIO(b"x"))
    q = _query(store.url("a/b", expires_s=-1))
    with pytest.raises(PermissionDenied):
        store.verify_url("a/b", int(q["expires"]), q["sig"], None)


def test_failed_upload_leaves_nothing_behind(store):
    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("connection reset")

    store.put("keep/me", io.BytesIO(b"old"))
    with pytest.raises(OSError):
        store.put("keep/me", Broken())
    assert b"".join(store.get("keep/me")) == b"old"
    assert list((store.root / ".tmp").iterdir()) == []


def test_internal_folders_are_not_listed(store):
    store.put("a/b", io.BytesIO(b"x"))
    upload = store.start_upload("c/d")
    store.upload_part("c/d", upload, 1, io.BytesIO(b"y"))
    assert [i.key for i in store.list()] == ["a/b"]
