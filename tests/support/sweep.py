"""What the sweeper must keep, worked out from the rows without asking the sweeper, and the
check the kill tests end with: a sweep leaves no leftover and keeps everything named."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from kholieu.bank.models import ImportStatus, QuestionImage, QuestionImport
from kholieu.bank.service import image_key
from kholieu.content.files import blob_key, package_prefix, thumbnail_key
from kholieu.content.models import ContentFile, Upload, UploadStatus
from kholieu.video.transcode import hls_prefix, marker_key, read_marker

LEFTOVERS = ("temporary", "unreferenced", "uploads", "failed_imports")


def named_keys(services) -> set[str]:
    """Every stored key a row names (the files a content file's marker lists, included)."""
    store, keys = services.store, set()
    with services.sessions() as session:
        for file in session.scalars(select(ContentFile)):
            keys.add(blob_key(file.sha256))
            if file.thumbnail:
                keys.add(thumbnail_key(file.sha256))
            if store.exists(marker_key(file.sha256)):
                files = read_marker(store, file.sha256)["files"]
                keys |= {marker_key(file.sha256)}
                keys |= {f"{hls_prefix(file.sha256)}/{name}" for name in files}
            package = package_prefix(file.sha256)
            if store.exists(package + ".json"):
                with store.get(package + ".json") as stream:
                    files = json.loads(stream.read())["files"]
                keys |= {package + ".json"} | {f"{package}/{name}" for name in files}
        keys |= {image_key(sha) for sha in session.scalars(select(QuestionImage.sha256))}
        live = (ImportStatus.queued, ImportStatus.running)
        query = select(QuestionImport.id).where(QuestionImport.status.in_(live))
        keys |= {f"imports/{i}" for i in session.scalars(query)}
        kept = (UploadStatus.processing, UploadStatus.failed)
        query = select(Upload.id).where(Upload.status.in_(kept))
        keys |= {f"incoming/{i}" for i in session.scalars(query)}
    return keys


def assert_swept_clean(services) -> None:
    """The sweeper with no grace period removes what was left behind, keeps every key a row
    names, and a second run finds nothing more."""
    named = named_keys(services)
    stored = {info.key for info in services.store.list("")}
    assert named <= stored, f"named but missing before the sweep: {named - stored}"
    services.platform.sweeper.sweep(older_than=timedelta(0), apply=True)
    after = {info.key for info in services.store.list("")}
    assert named <= after, f"the sweeper removed named objects: {named - after}"
    again = services.platform.sweeper.sweep(older_than=timedelta(0))
    left = {kind: again.kinds[kind].names for kind in LEFTOVERS if again.kinds[kind].count}
    assert left == {}, left
    tmp = services.settings.data_dir / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []
