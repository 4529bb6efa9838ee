"""Classes (lớp): a teacher's class with its join code, its students and co-teachers,
what is assigned to it, and its gradebook."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.classes import api, assignment_api, assignment_pages, pages

    return [api.router, assignment_api.router, pages.router, assignment_pages.router]
