"""Classes (lớp): a teacher's class with its join code, its students and co-teachers."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.classes import api, pages

    return [api.router, pages.router]
