"""The question bank: questions and their versions, rich text, duplicates, the twelve
import/export formats, import jobs, and the bank's API and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from kholieu.capabilities import Registry


def routers() -> list[APIRouter]:
    from kholieu.bank import api, pages, review_api, review_pages

    # the review routes first: "/review-queue" is not a question id
    return [review_pages.router, pages.router, review_api.router, api.router]


def register(registry: Registry) -> None:
    from kholieu.bank import import_jobs, policy, service, sweep

    registry.search_index(
        service.INDEX, service.load_documents, service.document_ids, policy.search_scope
    )
    import_jobs.register(registry)
    sweep.register(registry)
