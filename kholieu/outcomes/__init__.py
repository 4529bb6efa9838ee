"""Learning outcomes (yêu cầu cần đạt, YCCĐ) of the 2018 curriculum as a catalogue: subject →
grade → strand → outcome, each with a stable code. Content items, textbook sections and
questions name outcomes by code; coverage and alignment are computed from those codes."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.outcomes import api, pages

    return [api.router, pages.router]
