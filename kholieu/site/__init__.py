"""The site around the capabilities: home page, health checks, API docs, object downloads
from the local store, the jobs API and the storage probe job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def routers() -> list[APIRouter]:
    from kholieu.site import docs, health, jobs_api, objects, pages

    return [health.router, pages.router, docs.router, jobs_api.router, objects.router]


def register(registry: Registry) -> None:
    from kholieu.site import tasks

    registry.job("system.check_storage", tasks.check_storage)
    # A probe deletes its object; one a kill left behind is named by nothing.
    registry.stored_objects("site", "_probe/", lambda session, keys, now: ())
