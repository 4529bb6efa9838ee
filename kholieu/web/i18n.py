"""Pages in the request's language: the templates' gettext callables follow the locale the
middleware sets per request (the catalogues themselves are in ``kholieu.i18n``)."""

from __future__ import annotations

from starlette.requests import Request

from kholieu.i18n import LOCALES, catalogues, current_locale

__all__ = [
    "COOKIE",
    "LOCALES",
    "Translator",
    "api_client_language",
    "current_locale",
    "pick_locale",
]

COOKIE = "kholieu_lang"


class Translator:
    """gettext callables that follow the request's locale (set per request in a ContextVar)."""

    def __init__(self) -> None:
        self.catalogues = catalogues()

    def gettext(self, message: str) -> str:
        return self.catalogues[current_locale.get()].gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogues[current_locale.get()].ngettext(singular, plural, n)


def api_client_language(request: Request) -> str | None:
    """The language an API client (a bearer token: a script, another system, never a page's
    own script, which carries the session cookie) asks for in Accept-Language; pages and
    their scripts follow the site's language (``pick_locale``)."""
    if not request.headers.get("authorization", "").lower().startswith("bearer "):
        return None
    ranked = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            ranked.append((float(quality or 1), tag.split("-")[0].lower()))
        except ValueError:
            continue
    return next((tag for _, tag in sorted(ranked, reverse=True) if tag in LOCALES), None)


def pick_locale(chosen: str | None, default: str) -> str:
    """The user's explicit choice, else the site default (Vietnamese).

    Accept-Language is deliberately ignored: many phones in Vietnam are set to English, and
    their owners still expect the Vietnamese site.
    """
    return chosen if chosen in LOCALES else default
