"""Outcome codes written as tags: ``yccd:TOAN.10.HS.01`` (also ``YCCĐ:…``, any case).

Formats with tags but no field for learning outcomes (GIFT, Moodle XML, QTI keywords, the
spreadsheets' tag column) carry a question's outcome codes this way, so a file written by
another tool, or by a teacher, names outcomes without a format of its own; exporters write the
codes back the same way, so a round trip keeps them. The native format and the spreadsheets'
``yccd`` column name codes directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

PREFIX = "yccd:"
# "yccd:", "YCCĐ:", "yccđ :" — the đ with or without its stroke, in either case.
_TAGGED = re.compile(r"^\s*ycc[dđĐ]\s*:\s*(.*)$", re.IGNORECASE)
_PREFIXES = re.compile(r"ycc[dđĐ]\s*:", re.IGNORECASE)
MAX_CODES = 20


def code_of(tag: str) -> str | None:
    """The code a tag names (``yccd:toan.10.hs.01`` → ``toan.10.hs.01``, not yet
    normalised), or None for an ordinary tag."""
    found = _TAGGED.match(tag)
    return found.group(1).strip() if found else None


def split(tags: Iterable[Any]) -> tuple[list[Any], list[str]]:
    """``tags`` as (ordinary tags, outcome codes named by ``yccd:`` tags)."""
    plain: list[Any] = []
    codes: list[str] = []
    for tag in tags:
        code = code_of(tag) if isinstance(tag, str) else None
        if code is None:
            plain.append(tag)
        elif code:
            codes.append(code)
    return plain, codes


def as_tags(codes: Iterable[str]) -> list[str]:
    """Codes written as tags, for formats without an outcome field."""
    return [PREFIX + code for code in codes]


def tags_with_codes(question: dict[str, Any]) -> list[str]:
    """A native question's tags followed by its outcome codes as ``yccd:`` tags."""
    return [*(question.get("tags") or []), *as_tags(question.get("yccd_codes") or [])]


def cell_codes(text: str) -> list[str]:
    """A spreadsheet cell of codes: separated by commas, semicolons or spaces; a cell may
    write them as tags (``yccd:X``) too."""
    text = _PREFIXES.sub(" ", text)
    return [part for part in re.split(r"[,;\s]+", text) if part]
