"""The home page and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from kholieu.accounts.authz import AnyoneDep
from kholieu.accounts.pages import safe_next
from kholieu.content.browse import thumbnails_for
from kholieu.content.models import ContentItem, Status
from kholieu.web.deps import SessionDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def home(request: Request, user: AnyoneDep, session: SessionDep) -> Response:
    newest = session.scalars(
        select(ContentItem)
        .where(ContentItem.status == Status.published)
        .order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
        .limit(6)
    ).all()
    thumbnails = thumbnails_for(request, session, [item.id for item in newest])
    return render(request, "home.html", {"newest": newest, "thumbnails": thumbnails})


@router.get("/lang/{locale}")
def switch_language(request: Request, locale: str, user: AnyoneDep, next: str = "/") -> Response:
    """Follow-up requests carry ?lang=, which the middleware stores in a cookie."""
    target = safe_next(next)
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}lang={locale}", status_code=303)
