"""The editors' item form (new and edit pages): what was typed, read into the record the
schemas check, and what is wrong with it per field, in Vietnamese."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kholieu.content.models import ContentItem

LISTS = ("tags", "authors", "yccd_codes")  # typed comma-separated
FIELDS = (
    "title",
    "summary",
    "body",
    "subject",
    "grade",
    "textbook_series",
    "chapter",
    "lesson",
    "yccd_codes",
    "tags",
    "language",
    "license",
    "authors",
    "source",
    "publisher",
    "edition",
)  # fmt: skip, what the edit form sends: every field PATCH accepts
EXTRA = ("publisher", "edition")  # a textbook's (ContentService.extra), not the item's
CATALOGUED = {
    "subject": "Môn học này không có trong danh mục.",
    "license": "Giấy phép này không có trong danh mục.",
    "textbook_series": "Bộ sách này không có trong danh mục.",
    "kind": "Loại học liệu không hợp lệ.",
}


def split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def record(values: dict[str, str], *, creating: bool) -> dict[str, Any]:
    """What the schemas read: lists split at commas; an empty field left out when creating
    (its default holds), kept when editing (an emptied title is refused, not ignored); no
    textbook series is ``None``."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in LISTS:
            out[name] = split(value)
        elif name == "textbook_series":
            if value or not creating:
                out[name] = value or None
        elif value != "" or not creating:
            out[name] = value
    return out


def current(item: ContentItem, extra: dict[str, Any] | None = None) -> dict[str, str]:
    """The edit form's values: the item as stored (``extra``: a textbook's publisher and
    edition)."""
    values = {name: getattr(item, name) for name in FIELDS if name not in EXTRA}
    values |= {name: value for name, value in (extra or {}).items() if name in EXTRA}
    for name in LISTS:
        values[name] = ", ".join(values[name])
    values["textbook_series"] = values["textbook_series"] or ""
    values["grade"] = str(values["grade"])
    return values


def _message(error: dict[str, Any]) -> str:
    kind, context, field = error["type"], error.get("ctx") or {}, str(error["loc"][0])
    if field in CATALOGUED and kind in ("value_error", "enum"):
        return CATALOGUED[field]
    if field == "grade" and kind in ("greater_than_equal", "less_than_equal", "int_parsing"):
        return "Lớp phải là một số từ 1 đến 12."
    if field == "language" and kind == "string_pattern_mismatch":
        return "Mã ngôn ngữ gồm hai chữ cái thường, ví dụ vi hoặc en."
    messages = {
        "missing": "Cần điền trường này.",
        "string_too_short": "Không được để trống.",
        "string_too_long": f"Dài quá {context.get('max_length')} ký tự.",
        "too_long": f"Nhiều nhất {context.get('max_length')} mục.",
        "int_parsing": "Phải là một số nguyên.",
        "extra_forbidden": "Biểu mẫu không có trường này.",
    }
    return messages.get(kind, "Giá trị không hợp lệ.")


def problems(exc: ValidationError) -> dict[str, str]:
    """Field → what is wrong with it (the first problem of each field); a list item's problem
    says which item (``Mục thứ 2: …``)."""
    found: dict[str, str] = {}
    for error in exc.errors():
        location = error["loc"]
        field = str(location[0]) if location else ""
        message = _message(error) if location else "Giá trị không hợp lệ."
        if len(location) > 1 and isinstance(location[1], int):
            message = f"Mục thứ {location[1] + 1}: {message[0].lower()}{message[1:]}"
        found.setdefault(field, message)
    return found
