"""The shape of a content file's stored ``package`` JSON, checked by ``kholieu.db.types.Stored``
(the video columns ``media`` and ``hls`` are described by ``kholieu.video.stored``)."""

from __future__ import annotations

from kholieu.content.packages.checks import Standard
from kholieu.db.types import StoredModel


class PackageSummary(StoredModel):
    """``ContentFile.package``: what ``service._package_summary`` keeps of a checked zip
    package (``packages.checks.PackageInfo``), enough to launch it without reopening it."""

    standard: Standard
    entry: str  # the file to launch, relative to the package root
    root: str  # "" or the single top-level folder ("lab/") the files sit in
    title: str | None
    files: int  # how many
    bytes: int  # unpacked, in all
    aspect: float | None = None  # the stage's width / height, if the launch page gives one
