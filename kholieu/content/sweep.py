"""What the sweeper may remove of content's objects: file blobs, thumbnails and unpacked
packages stay while a content file with their SHA-256 exists; an upload's ``incoming/<id>``
object stays while its upload is open, being checked, or kept rejected for its editor."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.content.models import ContentFile, Upload, UploadStatus

if TYPE_CHECKING:
    from kholieu.capabilities import Registry

_SHA = "[0-9a-f]{64}"
# blobs/ab/<sha>, thumbs/<sha>.png, packages/<sha>.json and packages/<sha>/<path>
_BY_SHA = re.compile(
    rf"^(?:blobs/[0-9a-f]{{2}}/(?P<blob>{_SHA})|thumbs/(?P<thumb>{_SHA})\.png"
    rf"|packages/(?P<package>{_SHA})(?:\.json|/.+))$"
)
KEEPS_INCOMING = (UploadStatus.open, UploadStatus.processing, UploadStatus.failed)


def sha_of(key: str) -> str | None:
    """The file a key belongs to, or None for a key content never writes."""
    match = _BY_SHA.match(key)
    if match is None:
        return None
    sha = next(value for value in match.groupdict().values() if value)
    if key.startswith("blobs/") and key[6:8] != sha[:2]:
        return None
    return sha


def files_named(session: Session, shas: set[str]) -> set[str]:
    """Of ``shas``, those a content file has (the video capability asks the same)."""
    if not shas:
        return set()
    query = select(ContentFile.sha256).where(ContentFile.sha256.in_(sorted(shas)))
    return set(session.scalars(query))


def referenced_files(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
    shas = {key: sha_of(key) for key in keys}
    known = files_named(session, {sha for sha in shas.values() if sha})
    return {key for key, sha in shas.items() if sha in known}


def referenced_uploads(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
    ids = {key.removeprefix("incoming/") for key in keys}
    query = select(Upload.id).where(Upload.id.in_(sorted(ids)), Upload.status.in_(KEEPS_INCOMING))
    kept = set(session.scalars(query))
    return {key for key in keys if key.removeprefix("incoming/") in kept}


def held_uploads(session: Session, upload_ids: Sequence[str]) -> set[str]:
    """Store uploads an open upload row still sends parts to."""
    query = select(Upload.store_upload_id).where(
        Upload.store_upload_id.in_(list(upload_ids)), Upload.status == UploadStatus.open
    )
    return set(session.scalars(query))


def register(registry: Registry) -> None:
    for prefix in ("blobs/", "thumbs/", "packages/"):
        registry.stored_objects("content", prefix, referenced_files)
    registry.stored_objects("content", "incoming/", referenced_uploads)
    registry.held_uploads(held_uploads)
