"""Background work on content: unpacking checked packages for the content origin to serve,
PDF text and thumbnails, finishing uploads (video transcoding is kholieu.video's)."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from kholieu.content.documents import pdf_text, pdf_thumbnail
from kholieu.content.files import blob_key, package_prefix, thumbnail_key
from kholieu.content.models import ContentFile
from kholieu.content.packages.checks import inspect_package, iter_files
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
    crash rewrites the same keys: no duplicates."""
    sha256 = ctx.payload["sha256"]
    platform = ctx.platform
    store, prefix = platform.store, package_prefix(sha256)
    if not store.exists(prefix + ".json"):
        tmp_dir = platform.settings.data_dir / "tmp"
        with copy_of(store, blob_key(sha256), tmp_dir) as copy, copy.open("rb") as tmp:
            info = inspect_package(tmp, platform.settings.package_limits)
            for done, (path, source) in enumerate(iter_files(tmp, info), start=1):
                store.put(f"{prefix}/{path}", source, content_type=media_type(path))
                ctx.report(done / (len(info.files) + 1))
        marker = {"standard": info.standard, "entry": info.entry, "files": sorted(info.files)}
        store.put(
            prefix + ".json",
            io.BytesIO(json.dumps(marker).encode()),
            content_type="application/json",
        )
    with platform.sessions.begin() as session:
        session.execute(
            update(ContentFile).where(ContentFile.sha256 == sha256).values(unpacked=True)
        )


def extract_document(ctx: JobContext) -> None:
    """Keep a PDF's text for search and store a first-page thumbnail."""
    sha256 = ctx.payload["sha256"]
    platform = ctx.platform
    store = platform.store
    with copy_of(store, blob_key(sha256), platform.settings.data_dir / "tmp") as pdf:
        text = pdf_text(pdf)
        ctx.report(0.6)
        thumbnail = pdf_thumbnail(pdf)
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
