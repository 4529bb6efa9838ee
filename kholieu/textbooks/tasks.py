"""Background work on textbooks: reading a stored PDF's pages and outline."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from kholieu.content.files import blob_key
from kholieu.content.models import ContentFile
from kholieu.files.temp import copy_of
from kholieu.jobs.queue import JobContext
from kholieu.textbooks.reading import read_pdf
from kholieu.textbooks.service import READ_JOB, TextbookService

if TYPE_CHECKING:
    from kholieu.capabilities import Registry

log = logging.getLogger(__name__)


def read_pages(ctx: JobContext, textbooks: TextbookService) -> None:
    """Read the item's current PDF into its pages and table of contents. The file is read
    outside any transaction; what was read is kept only if the item still holds that file.
    Running it again gives the same rows."""
    item_id = int(ctx.payload["item_id"])
    platform = ctx.platform
    with platform.sessions() as session:
        sha256 = session.scalar(select(ContentFile.sha256).where(ContentFile.item_id == item_id))
    if sha256 is None:
        return  # deleted, or no file yet
    with copy_of(platform.store, blob_key(sha256), platform.settings.data_dir / "tmp") as path:
        reading = read_pdf(path)
    if reading is None:
        log.warning("textbook %d: its PDF could not be read", item_id)
        return
    ctx.report(0.8)
    with platform.sessions.begin() as session:
        textbooks.store_reading(session, item_id, sha256, reading)


def register(registry: Registry) -> None:
    textbooks = registry.services.textbooks
    registry.job(READ_JOB, lambda ctx: read_pages(ctx, textbooks))
