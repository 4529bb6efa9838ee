"""What a printed paper's header says that the blueprint does not: the school, the exam's name
and its date, as a teacher types them on the print form (``/bai-kiem-tra/{id}``) or passes
them to ``kholieu quiz assemble``. Checked here, without loading the PDF and Word writers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from kholieu.errors import ValidationFailed
from kholieu.i18n import N_, Term

SCHOOL_MAX = 120  # characters: "TRƯỜNG THPT CHUYÊN …" fits twice over on the header's line
EXAM_MAX = 150
BLANK_SCHOOL = "TRƯỜNG ………………………"
LABELS = {"school": N_("Tên trường"), "exam": N_("Tên kì thi"), "date": N_("Ngày thi")}


@dataclass(frozen=True)
class Header:
    school: str = BLANK_SCHOOL
    exam: str = ""
    date: dt.date | None = None

    @property
    def date_text(self) -> str:
        """The date as Vietnamese papers print it: ``14/03/2026``."""
        return self.date.strftime("%d/%m/%Y") if self.date else ""


def _line(field: str, value: str, limit: int) -> str:
    text = " ".join((value or "").split())
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in text):
        raise ValidationFailed(
            "{value}: có ký tự điều khiển, không in được.",
            value=Term(LABELS[field]),
            details={"field": field},
        )
    if len(text) > limit:
        raise ValidationFailed(
            "{value}: dài {len} ký tự, tối đa {limit} ký tự.",
            value=Term(LABELS[field]),
            len=len(text),
            limit=limit,
            details={"field": field, "max": limit},
        )
    return unicodedata.normalize("NFC", text)


def _date(value: str) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text) if "-" in text else \
            dt.datetime.strptime(text, "%d/%m/%Y").date()  # fmt: skip
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise ValidationFailed(
            "Ngày thi: “{value}” không phải một ngày (viết như 2026-03-14 hoặc 14/03/2026).",
            value=text[:40],
            details={"field": "date"},
        )
    return day


def parse(school: str = "", exam: str = "", date: str = "", *, untitled: str = "") -> Header:
    """A header from the form's fields (each may be empty: the school's line is then left to
    be filled in by hand, the exam is ``untitled`` (the quiz's title, as long as it is), the
    date is left out)."""
    school_text = _line("school", school, SCHOOL_MAX)
    exam_text = _line("exam", exam, EXAM_MAX) or " ".join(untitled.split())
    return Header(school_text or BLANK_SCHOOL, exam_text, _date(date))
