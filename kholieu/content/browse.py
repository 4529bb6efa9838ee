"""The browse page: published items by subject → grade → textbook series → chapter, with the
number of items under each choice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.accounts.authz import AnyoneDep
from kholieu.content.models import ContentFile, ContentItem, Status
from kholieu.content.origin import thumbnail_url
from kholieu.curriculum import SERIES, SUBJECTS
from kholieu.web.deps import SessionDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)
LEVELS = ("subject", "grade", "textbook_series", "chapter")


@router.get("/hoc-lieu")
def browse(
    request: Request,
    user: AnyoneDep,
    session: SessionDep,
    subject: str | None = None,
    grade: int | None = None,
    textbook_series: str | None = None,
    chapter: str | None = None,
) -> Response:
    chosen = {"subject": subject, "grade": grade, "textbook_series": textbook_series,
              "chapter": chapter}  # fmt: skip
    query = select(ContentItem).where(ContentItem.status == Status.published)
    for name, value in chosen.items():
        column = getattr(ContentItem, name)
        if value == "":  # "none": no series, no chapter
            query = query.where(column.is_(None) | (column == ""))
        elif value is not None:
            query = query.where(column == value)
    level = next((name for name in LEVELS if chosen[name] is None), None)
    options: list[dict[str, Any]] = []
    if level is not None:
        column = getattr(ContentItem, level)
        rows = session.execute(query.with_only_columns(column, func.count()).group_by(column))
        options = sorted(
            ({"value": value, "label": _label(level, value), "count": n} for value, n in rows),
            key=lambda o: (o["value"] is None, str(o["value"]).zfill(3)),
        )
    items = session.scalars(query.order_by(ContentItem.title).limit(100)).all()
    thumbnails = thumbnails_for(request, session, [item.id for item in items])
    crumbs = [
        {"name": name, "label": _label(name, chosen[name])}
        for name in LEVELS if chosen[name] is not None
    ]  # fmt: skip
    return render(request, "browse.html", {
        "level": level, "options": options, "items": items, "chosen": chosen, "crumbs": crumbs,
        "thumbnails": thumbnails,
    })  # fmt: skip


def thumbnails_for(request: Request, session: Session, item_ids: list[int]) -> dict[int, str]:
    """Signed thumbnail URLs (content origin) for the items that have one."""
    settings = request.app.state.services.settings
    rows = session.execute(
        select(ContentFile.item_id, ContentFile.sha256).where(
            ContentFile.item_id.in_(item_ids), ContentFile.thumbnail.is_(True)
        )
    )
    return {item_id: thumbnail_url(settings, sha256) for item_id, sha256 in rows}


def _label(level: str, value: Any) -> str:
    if level == "subject":
        return SUBJECTS.get(value, value)
    if level == "grade":
        return f"{value}"
    if level == "textbook_series":
        return SERIES.get(value, value) if value else ""
    return value or ""
