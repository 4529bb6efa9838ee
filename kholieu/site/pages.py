"""The home page and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.accounts.pages import safe_next
from kholieu.content import catalogue
from kholieu.web.deps import SessionDep, SettingsDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def home(request: Request, user: AnyoneDep, settings: SettingsDep, session: SessionDep) -> Response:
    newest = catalogue.newest(session)
    thumbnails = catalogue.thumbnails(settings, session, [item.id for item in newest])
    return render(request, "home.html", {"newest": newest, "thumbnails": thumbnails})


@router.get("/lang/{locale}")
def switch_language(request: Request, locale: str, user: AnyoneDep, next: str = "/") -> Response:
    """Follow-up requests carry ?lang=, which the middleware stores in a cookie."""
    target = safe_next(next)
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}lang={locale}", status_code=303)
