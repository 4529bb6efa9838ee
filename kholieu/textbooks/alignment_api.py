"""What aligns to a bài, and a lesson's matches in other series, as JSON (alignment.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from kholieu.accounts.deps import AnyoneDep
from kholieu.content.deps import ContentDep
from kholieu.textbooks import alignment
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["textbooks"])


@router.get("/textbooks/sections/{section_id}/materials")
def section_materials(section_id: int, user: AnyoneDep, session: SessionDep) -> dict[str, Any]:
    """ "Học liệu cho bài này": ``linked`` by editors, then ``aligned`` through the bài's
    outcomes from every series; questions only for teachers and editors."""
    found = alignment.section_materials(session, user, section_id)
    return {"linked": [asdict(m) for m in found.linked],
            "aligned": [asdict(m) for m in found.aligned]}  # fmt: skip


@router.get("/content/{item_id}/other-series")
def other_series(
    item_id: int, user: AnyoneDep, content: ContentDep, session: SessionDep
) -> dict[str, Any]:
    """The bài of other series, and their lessons, sharing the item's outcomes."""
    item = content.get(session, user, item_id)
    found = alignment.other_series(session, user, item)
    return {
        "codes": found.codes,
        "sections": [{**asdict(ref), "url": ref.url} for ref in found.sections],
        "items": [asdict(m) for m in found.items],
    }
