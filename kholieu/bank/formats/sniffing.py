"""Telling a question file's format by its content, for a ``.txt`` (GIFT or Aiken: Moodle
exports GIFT as ``.txt``) and for a wrong or missing extension. Only a clear answer counts:
anything in doubt returns None and the extension decides."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kholieu.bank.formats import FormatError

# An answer block (``{=…``, ``{~…``, ``{#…``, ``{T}``, ``{FALSE#…``, ``{}``), a ``::title::``
# or a ``$CATEGORY:`` line: what only GIFT writes.
_GIFT = re.compile(
    r"(?<!\\)\{\s*(?:[=~#]|(?:TRUE|FALSE|T|F)\s*[#}]|\})|^\s*::[^\n]*?::|^\$CATEGORY:",
    re.M | re.I,
)
_AIKEN = re.compile(r"^\s*ANSWER:\s*[A-Z]\s*$", re.M)
_QTI = re.compile(
    r"<(\w+:)?(assessmentItem|qti-assessment-item|assessmentTest|qti-assessment-test)\b"
)
_MOODLE = re.compile(r"<quiz\b")
_NAMED = {".gift.txt": "gift", ".aiken.txt": "aiken"}


def by_name(name: str) -> str | None:
    """``*.gift.txt`` (how Moodle's own fixtures are named) and ``*.aiken.txt``."""
    return next((fmt for end, fmt in _NAMED.items() if name.lower().endswith(end)), None)


def by_content(head: str) -> str | None:
    """The format the start of a file shows beyond doubt, or None."""
    body = head.lstrip("\ufeff \t\r\n")
    if body.startswith("<"):
        return xml_kind(body) if (_QTI.search(body) or _MOODLE.search(body)) else None
    first = body.split("\n", 1)[0].strip()
    if first.startswith("{") and _is_object(first):
        return "jsonl"
    gift, aiken = len(_GIFT.findall(body)), len(_AIKEN.findall(body))
    if gift and not aiken:
        return "gift"
    if aiken and not gift:
        return "aiken"
    return None


def gift_or_aiken(head: str) -> str:
    """A ``.txt`` holding signs of both (or neither): the one with more; Aiken on a tie, as
    before GIFT was told apart."""
    gift, aiken = len(_GIFT.findall(head)), len(_AIKEN.findall(head))
    return "gift" if gift > aiken else "aiken"


def xml_kind(head: str) -> str:
    return "qti" if _QTI.search(head) else "moodle_xml"


def _is_object(line: str) -> bool:
    if line.startswith('{"'):
        return True  # a long first line may be cut off in the head
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def encoding_name(path: Path) -> str | None:
    """The encoding the shared detection finds in a file (None when it finds none)."""
    from kholieu.bank.formats import decoding

    try:
        return decoding.detect(path).name
    except FormatError:
        return None
