"""Background work on content: unpacking checked packages for the content origin to serve,
PDF text and thumbnails, and video transcoding (transcode.py)."""

from __future__ import annotations

import io
import json
import mimetypes
import tempfile
from pathlib import Path

from sqlalchemy import select, update

from kholieu.content.documents import pdf_text, pdf_thumbnail
from kholieu.content.files import blob_key, package_prefix, thumbnail_key
from kholieu.content.models import ContentFile
from kholieu.content.packages import inspect_package, iter_files
from kholieu.content.service import INDEX
from kholieu.content.transcode import transcode_video
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


def extract_document(ctx: JobContext) -> None:
    """Keep a PDF's text for search and store a first-page thumbnail."""
    sha256 = ctx.payload["sha256"]
    services = ctx.services
    tmp_dir = services.settings.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf") as tmp:
        with services.store.get(blob_key(sha256)) as stream:
            while chunk := stream.read(CHUNK):
                tmp.write(chunk)
        tmp.flush()
        text = pdf_text(Path(tmp.name))
        ctx.report(0.6)
        thumbnail = pdf_thumbnail(Path(tmp.name))
    if thumbnail is not None:
        services.store.put(thumbnail_key(sha256), io.BytesIO(thumbnail), content_type="image/png")
    with services.sessions.begin() as session:
        files = session.scalars(select(ContentFile).where(ContentFile.sha256 == sha256)).all()
        for file in files:
            file.text, file.thumbnail = text, thumbnail is not None
            services.outbox.record(session, INDEX, str(file.item_id))  # now with its text


def register(queue: JobQueue) -> None:
    queue.register("content.extract_document", extract_document)
    queue.register("content.unpack_package", unpack_package)
    queue.register("content.finish_upload", finish_upload)
    queue.register("content.transcode_video", transcode_video)
