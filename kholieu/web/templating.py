"""Jinja2 environment shared by every page: i18n, CSRF token, current user, static URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from kholieu.web import csrf
from kholieu.web.assets import Assets
from kholieu.web.i18n import Translator, current_locale

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def comma(value: float | None) -> str:
    """8.5 → "8,5": a mark as Vietnamese score sheets write it (two decimals at most)."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def local_time(zone: ZoneInfo):
    """The ``localtime`` filter: a stored (UTC) time as the clock in ``zone`` reads it,
    ``02/12/2026 14:05`` by default; a naive time (SQLite) is UTC."""

    def localtime(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
        if value is None:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(zone).strftime(fmt)

    return localtime


def make_templates(
    translator: Translator, assets: Assets, timezone: str = "Asia/Ho_Chi_Minh"
) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(translator.gettext, translator.ngettext, newstyle=True)
    env.filters["comma"] = comma
    env.globals["static"] = assets.url  # every link to a static file: {{ static("js/app.js") }}
    env.filters["localtime"] = local_time(ZoneInfo(timezone))
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    full = {
        "user": getattr(request.state, "user", None),
        "locale": current_locale.get(),
        "csrf_token": csrf.token(request),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    csrf.set_cookie(request, response)
    return response
