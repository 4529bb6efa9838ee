"""The video capability's jobs. The job keeps the name it had when video lived in content
("content.transcode_video"): rows and queued messages already carry it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kholieu.video.transcode import transcode_video

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def register(registry: Registry) -> None:
    registry.job("content.transcode_video", transcode_video)
