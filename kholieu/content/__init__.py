"""Content: lectures, videos, labs and documents; their workflow, uploads, files, packages
(SCORM and the content origin), browsing and the editor's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def routers() -> list[APIRouter]:
    from kholieu.content import api, browse, editor_pages, pages, upload_api

    return [api.router, pages.router, browse.router, editor_pages.router, upload_api.router]


def register(registry: Registry) -> None:
    from kholieu.content import policy, service, sweep, tasks

    registry.search_index(
        service.INDEX, service.load_documents, service.document_ids, policy.search_scope
    )
    tasks.register(registry)
    sweep.register(registry)
