"""Background work on content: unpacking checked packages for the content origin to serve
(and keeping their pages' text), documents' text and PDF thumbnails, finishing uploads (video
transcoding is kholieu.video's)."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from sqlalchemy import select

from kholieu.content.documents import document_text, pdf_thumbnail
from kholieu.content.files import PDF, blob_key, package_prefix, thumbnail_key
from kholieu.content.models import ContentFile
from kholieu.content.packages.checks import inspect_package, iter_files
from kholieu.content.packages.text import package_text
from kholieu.content.service import INDEX
from kholieu.content.uploads import finish_upload
from kholieu.files.mime import media_type
from kholieu.files.temp import copy_of
from kholieu.jobs.queue import JobContext

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def unpack_package(ctx: JobContext) -> None:
    """Copy each file of a package to ``packages/<sha256>/``; the ``packages/<sha256>.json``
    marker is written last, so a package is served only once it is whole. Re-running after a
    crash rewrites the same keys: no duplicates. The pages' visible text is kept for search
    (read again on a re-run: another item may hold the same package)."""
    sha256 = ctx.payload["sha256"]
    platform = ctx.platform
    store, prefix = platform.store, package_prefix(sha256)
    tmp_dir = platform.settings.data_dir / "tmp"
    with copy_of(store, blob_key(sha256), tmp_dir) as copy, copy.open("rb") as tmp:
        info = inspect_package(tmp, platform.settings.package_limits)
        if not store.exists(prefix + ".json"):
            for done, (path, source) in enumerate(iter_files(tmp, info), start=1):
                store.put(f"{prefix}/{path}", source, content_type=media_type(path))
                ctx.report(done / (len(info.files) + 2))
            marker = {"standard": info.standard, "entry": info.entry, "files": sorted(info.files)}
            store.put(
                prefix + ".json",
                io.BytesIO(json.dumps(marker).encode()),
                content_type="application/json",
            )
        text = package_text(tmp, info)
    with platform.sessions.begin() as session:
        files = session.scalars(select(ContentFile).where(ContentFile.sha256 == sha256)).all()
        for file in files:
            file.unpacked, file.text = True, text
            platform.outbox.record(session, INDEX, str(file.item_id))  # now with its text


def extract_document(ctx: JobContext) -> None:
    """Keep a document's text for search (PDF, Word, PowerPoint) and store a PDF's first-page
    thumbnail. A file that cannot be read is kept without text."""
    sha256 = ctx.payload["sha256"]
    platform = ctx.platform
    store = platform.store
    with platform.sessions() as session:
        query = select(ContentFile.mime).where(ContentFile.sha256 == sha256).limit(1)
        mime = session.scalar(query)
    if mime is None:
        return  # replaced or deleted since it was queued
    with copy_of(store, blob_key(sha256), platform.settings.data_dir / "tmp") as path:
        text = document_text(path, mime, platform.settings.package_limits)
        ctx.report(0.6)
        thumbnail = pdf_thumbnail(path) if mime == PDF else None
    if thumbnail is not None:
        store.put(thumbnail_key(sha256), io.BytesIO(thumbnail), content_type="image/png")
    with platform.sessions.begin() as session:
        files = session.scalars(select(ContentFile).where(ContentFile.sha256 == sha256)).all()
        for file in files:
            file.text, file.thumbnail = text, thumbnail is not None
            platform.outbox.record(session, INDEX, str(file.item_id))  # now with its text


def register(registry: Registry) -> None:
    registry.job("content.extract_document", extract_document)
    registry.job("content.unpack_package", unpack_package)
    uploads = registry.services.uploads
    registry.job("content.finish_upload", lambda ctx: finish_upload(ctx, uploads))
