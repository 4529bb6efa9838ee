"""Background work on content: unpacking checked packages for the content origin to serve."""

from __future__ import annotations

import io
import json
import mimetypes
import tempfile

from sqlalchemy import update

from kholieu.content.files import blob_key, package_prefix
from kholieu.content.models import ContentFile
from kholieu.content.packages import inspect_package, iter_files
from kholieu.content.uploads import finish_upload
from kholieu.jobs.queue import JobContext, JobQueue
from kholieu.storage.base import CHUNK

EXTRA_TYPES = {".mjs": "text/javascript", ".wasm": "application/wasm", ".woff2": "font/woff2",
               ".json": "application/json", ".svg": "image/svg+xml"}  # fmt: skip


def content_type(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return EXTRA_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def unpack_package(ctx: JobContext) -> None:
    """Copy each file of a package to ``packages/<sha256>/``; the ``packages/<sha256>.json``
    marker is written last, so a package is served only once it is whole. Re-running after a
    crash rewrites the same keys: no duplicates."""
    sha256 = ctx.payload["sha256"]
    services = ctx.services
    store, prefix = services.store, package_prefix(sha256)
    if not store.exists(prefix + ".json"):
        tmp_dir = services.settings.data_dir / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=tmp_dir) as tmp:
            with store.get(blob_key(sha256)) as stream:
                while chunk := stream.read(CHUNK):
                    tmp.write(chunk)
            info = inspect_package(tmp, services.settings.package_limits)
            for done, (path, source) in enumerate(iter_files(tmp, info), start=1):
                store.put(f"{prefix}/{path}", source, content_type=content_type(path))
                ctx.report(done / (len(info.files) + 1))
        marker = {"standard": info.standard, "entry": info.entry, "files": sorted(info.files)}
        store.put(
            prefix + ".json",
            io.BytesIO(json.dumps(marker).encode()),
            content_type="application/json",
        )
    with services.sessions.begin() as session:
        session.execute(
            update(ContentFile).where(ContentFile.sha256 == sha256).values(unpacked=True)
        )


def register(queue: JobQueue) -> None:
    queue.register("content.unpack_package", unpack_package)
    queue.register("content.finish_upload", finish_upload)
