"""Text no database here can store is refused where it enters: one check of every request.

PostgreSQL's text (and JSON) refuses the NUL character, and neither driver can encode a lone
surrogate (``"\\ud800"`` is valid JSON, but no UTF-8); SQLite would store the first and cut
strings at it. Reaching the database, either was a 500 (on PostgreSQL sometimes a dropped
connection). So they are refused before any route runs, with a 422 that names the field as
FastAPI's own validation does (``body.title``, ``query.q``, ``body.file.filename``), the same
on SQLite and PostgreSQL.

Why one request-level check rather than a validator on each model: text arrives through JSON
bodies, page forms (several pages read their forms themselves), query and path parameters
and the names of uploaded files, and a validator forgotten on one model lets it through.
The check reads what FastAPI has already parsed (the body is read once and cached on the
request), and leaves alone bodies that are not JSON or forms (an upload's raw parts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile

from kholieu.i18n import N_, Invalid, gettext

REFUSED = re.compile("[\x00\ud800-\udfff]")
MESSAGES = {
    "\x00": N_("không được chứa kí tự NUL (U+0000)"),
    "surrogate": N_("không được chứa kí tự thay thế lẻ (U+D800–U+DFFF)"),
}
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

Loc = tuple[str | int, ...]


def problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None."""
    found = REFUSED.search(value)
    if found is None:
        return None
    return MESSAGES["\x00"] if found.group() == "\x00" else MESSAGES["surrogate"]


def problems(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every string in ``value`` (JSON, dictionary keys included, or an uploaded file's name)
    that cannot be stored, with where it is."""
    if isinstance(value, str):
        if (why := problem(value)) is not None:
            yield loc, why
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (why := problem(key)) is not None:
                yield (*loc, _shown(key)), why
            else:
                yield from problems(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from problems(item, (*loc, index))
    elif isinstance(value, UploadFile):
        yield from problems(value.filename or "", (*loc, "filename"))


def _shown(key: str) -> str:
    """A refused dictionary key as it can be named in the answer: ``\\u0000``, not the NUL."""
    return REFUSED.sub(lambda found: f"\\u{ord(found.group()):04x}", key)


async def refuse_unstorable_text(request: Request) -> None:
    """App-wide dependency: a 422 (``RequestValidationError``) naming each field whose text
    cannot be stored."""
    found = [*problems(dict(request.path_params), ("path",))]
    for name, value in request.query_params.multi_items():
        found += problems({name: value}, ("query",))
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in FORMS:
        form = await request.form()  # parsed once: the route and the CSRF check reuse it
        for name, value in form.multi_items():
            found += problems({name: value}, ("body",))
    elif kind == "application/json" or kind.endswith("+json"):
        try:
            body = await request.json() if await request.body() else None
        except (json.JSONDecodeError, ValueError):
            body = None  # FastAPI reports a body it cannot read
        found += problems(body, ("body",))
    if found:
        raise RequestValidationError(
            [
                {
                    "type": "string_unstorable",
                    "loc": loc,
                    "msg": gettext(why, "en"),
                    "ctx": {"error": Invalid(why)},
                }
                for loc, why in found
            ]
        )
