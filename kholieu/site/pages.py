"""The home page and the language switch."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from kholieu.accounts.deps import AnyoneDep, anyone
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


@router.get("/favicon.ico", dependencies=[Depends(anyone)])
def favicon(settings: SettingsDep) -> Response:
    """Browsers ask for it at the root whatever the page links (base.html links it too)."""
    return FileResponse(
        settings.static_dir / "favicon.ico",
        media_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/lang/{locale}")
def switch_language(request: Request, locale: str, user: AnyoneDep, next: str = "/") -> Response:
    """Back to the same page, its query kept (a search, a filtered list), in the other
    language: the page's URL carries ?lang=, which the middleware stores in a cookie."""
    return RedirectResponse(with_language(safe_next(next), locale), status_code=303)


def with_language(target: str, locale: str) -> str:
    """``target`` with its ``lang`` parameter (if any) replaced by ``locale``."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    query.append(("lang", locale))
    return urlunsplit(parts._replace(query=urlencode(query)))
