"""kholieu.files: stored objects as local files, the one media-type table."""

from __future__ import annotations

import io

import pytest

from kholieu.errors import ObjectNotFound
from kholieu.files.mime import media_type
from kholieu.files.temp import copy_of, temp_folder
from kholieu.storage.local import LocalStore


@pytest.fixture
def store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "objects", secret="s")


def test_a_local_object_is_used_in_place_without_a_copy(store, tmp_path):
    store.put("blobs/ab", io.BytesIO(b"noi dung"))
    with copy_of(store, "blobs/ab", tmp_path / "tmp") as path:
        assert path == store.local_path("blobs/ab") and path.read_bytes() == b"noi dung"
    assert path.exists()  # the stored file itself: never deleted by the helper


def test_a_named_copy_carries_the_name_and_is_removed_after(store, tmp_path):
    store.put("imports/1", io.BytesIO(b"::Q1:: 1+1=2 {T}"))
    with copy_of(store, "imports/1", tmp_path / "tmp", name="de-thi.gift") as path:
        assert path.name == "de-thi.gift" and path.read_bytes() == b"::Q1:: 1+1=2 {T}"
        assert path != store.local_path("imports/1")
    assert not path.exists() and list((tmp_path / "tmp").iterdir()) == []


def test_a_remote_store_is_copied(store, tmp_path):
    class Remote:  # what S3Store answers: no local path
        def local_path(self, key):
            return None

        def get(self, key):
            return store.get(key)

    store.put("blobs/cd", io.BytesIO(b"x" * 300_000))
    with copy_of(Remote(), "blobs/cd", tmp_path / "tmp") as path:  # type: ignore[arg-type]
        assert path.stat().st_size == 300_000
    assert not path.exists()


def test_a_missing_object_fails_before_any_tool_runs(store, tmp_path):
    with pytest.raises(ObjectNotFound), copy_of(store, "blobs/none", tmp_path / "tmp"):
        pass


def test_temp_folder_is_removed_even_on_error(tmp_path):
    with pytest.raises(RuntimeError), temp_folder(tmp_path, "transcode-") as folder:
        (folder / "part.ts").write_bytes(b"x")
        raise RuntimeError("ffmpeg died")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lab/app.mjs", "text/javascript"),
        ("lab/fonts/a.woff2", "font/woff2"),
        ("lab/sim.wasm", "application/wasm"),
        ("720p/seg_001.ts", "video/mp2t"),
        ("master.m3u8", "application/vnd.apple.mpegurl"),
        ("thumbnails.vtt", "text/vtt; charset=utf-8"),
        ("INDEX.HTML", "text/html"),
        ("README", "application/octet-stream"),
    ],
)
def test_media_types_do_not_depend_on_the_machine(name, expected):
    assert media_type(name) == expected
