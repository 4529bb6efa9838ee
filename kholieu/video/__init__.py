"""Video: probing uploads, the rendition ladder, HLS transcoding, captions, the player's API
and saved playback positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def routers() -> list[APIRouter]:
    from kholieu.video import api, pages

    return [api.router, pages.router]


def register(registry: Registry) -> None:
    from kholieu.video import sweep, tasks

    tasks.register(registry)
    sweep.register(registry)
