"""Search: the SearchBackend contract and its two engines, the outbox that feeds them, and
searching as a user (scopes, typo fallback, suggestions) through the API, pages and CLI."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.search import api, pages

    return [api.router, pages.router]
