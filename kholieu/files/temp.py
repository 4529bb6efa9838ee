"""Stored objects as files on this machine, for the tools that need a path or to seek (zip,
ffmpeg, PDF readers, question-file readers)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kholieu.storage import ObjectStore
from kholieu.storage.base import CHUNK


@contextmanager
def temp_folder(parent: Path, prefix: str = "kholieu-") -> Iterator[Path]:
    """A fresh folder under ``parent`` (the data directory's tmp/), removed on exit."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def copy_of(
    store: ObjectStore, key: str, parent: Path, *, name: str | None = None
) -> Iterator[Path]:
    """The object ``key`` as a file, to read only, until the block ends.

    On local storage it is the stored file itself (nothing is copied, which matters for a
    2 GiB package or video); otherwise a copy in a temporary folder under ``parent``. With
    ``name`` the file always carries that name (readers that go by the suffix), so it is a copy.
    """
    if name is None and (path := store.local_path(key)) is not None:
        store.head(key)  # ObjectNotFound now, rather than a tool's error later
        yield path
        return
    with temp_folder(parent) as folder:
        target = folder / (name or "object")
        with store.get(key) as stream, target.open("wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
        yield target
