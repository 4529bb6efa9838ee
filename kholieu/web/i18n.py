"""Vietnamese first, English second: templates are written in Vietnamese and wrapped in
``_()``; English comes from ``locales/en/LC_MESSAGES/messages.po``, compiled in memory at start-up
with Babel, so there is no build step and no .mo file to forget."""

from __future__ import annotations

import io
from contextvars import ContextVar
from gettext import NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("vi", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
COOKIE = "kholieu_lang"

current_locale: ContextVar[str] = ContextVar("current_locale", default="vi")


def load_catalogues() -> dict[str, NullTranslations]:
    catalogues: dict[str, NullTranslations] = {"vi": NullTranslations()}
    for locale in LOCALES[1:]:
        po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        with open(po, "rb") as fh:
            catalogue = read_po(fh, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        catalogues[locale] = Translations(buffer)
    return catalogues


class Translator:
    """gettext callables that follow the request's locale (set per request in a ContextVar)."""

    def __init__(self) -> None:
        self.catalogues = load_catalogues()

    def gettext(self, message: str) -> str:
        return self.catalogues[current_locale.get()].gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogues[current_locale.get()].ngettext(singular, plural, n)


def pick_locale(chosen: str | None, default: str) -> str:
    """The user's explicit choice, else the site default (Vietnamese).

    Accept-Language is deliberately ignored: many phones in Vietnam are set to English, and
    their owners still expect the Vietnamese site.
    """
    return chosen if chosen in LOCALES else default
