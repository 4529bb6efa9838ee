"""What the sweeper may remove of video's objects: an HLS ladder (``hls/<sha256>/`` and its
``hls/<sha256>.json`` marker) stays while a content file with that SHA-256 exists, whether or
not its transcoding has finished."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kholieu.content.sweep import files_named

if TYPE_CHECKING:
    from kholieu.capabilities import Registry

_LADDER = re.compile(r"^hls/(?P<sha>[0-9a-f]{64})(?:\.json|/.+)$")


def referenced_ladders(session: Session, keys: Sequence[str], now: datetime) -> set[str]:
    shas = {key: m["sha"] if (m := _LADDER.match(key)) else None for key in keys}
    known = files_named(session, {sha for sha in shas.values() if sha})
    return {key for key, sha in shas.items() if sha in known}


def register(registry: Registry) -> None:
    registry.stored_objects("video", "hls/", referenced_ladders)
