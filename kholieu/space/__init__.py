"""Góc học tập: a signed-in learner's own page — what is assigned to them, their attempts
and reviews, the videos to continue and the lessons opened lately."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.space import pages

    return [pages.router]
