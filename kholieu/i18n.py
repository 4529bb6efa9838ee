"""Vietnamese first, English second, for pages and messages alike.

Templates and messages are written in Vietnamese; English comes from
``locales/en/LC_MESSAGES/messages.po``, compiled in memory with Babel (no build step, no .mo
file to forget). A message the services raise is a ``Message``: a Vietnamese template with
``{name}`` placeholders and its parameters, rendered in the locale of the request (or job) that
reads it, so one error reads right on a Vietnamese page, an English page and in the API.

Low level on purpose (errors, schemas and the web layer use it; it imports nothing of the app).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES = ("vi", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locales"

current_locale: ContextVar[str] = ContextVar("current_locale", default="vi")


@cache
def catalogues() -> dict[str, NullTranslations]:
    """Every locale's catalogue, read once per process (Vietnamese is the source: no file)."""
    found: dict[str, NullTranslations] = {"vi": NullTranslations()}
    for locale in LOCALES[1:]:
        with open(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalogue = read_po(fh, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        found[locale] = Translations(buffer)
    return found


def gettext(text: str, locale: str | None = None) -> str:
    return catalogues()[locale or current_locale.get()].gettext(text)


def N_(text: str) -> str:
    """Marks a template for extraction where it is not raised at once (tables of labels)."""
    return text


class Term(str):
    """A parameter that is itself a word to translate (a level's label, a role's name)."""


class LocalNumber(float):
    """A decimal written as the reader writes it (8,75 in Vietnamese), with or without a
    format spec in the template (``{left:.0f}``)."""

    locale = "vi"

    def __format__(self, spec: str) -> str:
        if not spec:
            return format_decimal(float(self), format="#,##0.##", locale=self.locale)
        written = format(float(self), spec)
        return written.replace(".", ",") if self.locale == "vi" else written


def _shown(value: Any, locale: str) -> Any:
    if isinstance(value, Term):
        return gettext(str(value), locale)
    if isinstance(value, float):
        number = LocalNumber(value)
        number.locale = locale
        return number
    if isinstance(value, Message):
        return value.render(locale)
    return value


class Message:
    """A Vietnamese template and its parameters: what a user is told, in any locale."""

    __slots__ = ("params", "template")

    def __init__(self, template: str, params: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.params = dict(params or {})

    def render(self, locale: str | None = None) -> str:
        locale = locale or current_locale.get()
        translated = gettext(self.template, locale)
        if not self.params:  # a text without placeholders (perhaps already rendered)
            return translated.replace("{{", "{").replace("}}", "}")
        shown = {name: _shown(value, locale) for name, value in self.params.items()}
        for text in (translated, self.template):  # a translation that lost a placeholder
            try:
                return text.format(**shown)
            except (KeyError, IndexError, ValueError):
                continue
        return self.template

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.params!r})"


class Invalid(ValueError):
    """A validator's refusal (pydantic keeps the exception in the error's ``ctx``), worded
    through the catalogue like every other message."""

    def __init__(self, template: str, **params: Any) -> None:
        self.text = Message(template, params)
        super().__init__(self.text.render("vi"))

    def __str__(self) -> str:
        return self.text.render()
