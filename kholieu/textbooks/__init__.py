"""Textbooks: a PDF content item with its pages' text, its table of contents as a tree of
chương and bài with page ranges, and the learning material linked to each bài."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter

    from kholieu.capabilities import Registry


def routers() -> list[APIRouter]:
    from kholieu.textbooks import alignment_api, api, editor_pages, pages, shelf_pages

    return [api.router, editor_pages.router, pages.router, alignment_api.router, shelf_pages.router]


def register(registry: Registry) -> None:
    from kholieu.textbooks import policy, service, tasks

    registry.search_index(
        service.INDEX, service.load_page_documents, service.page_document_ids, policy.search_scope
    )
    tasks.register(registry)
