"""Textbooks: a PDF content item with its pages' text, its table of contents as a tree of
chương and bài with page ranges, and the learning material linked to each bài."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.textbooks import pages

    return [pages.router]
