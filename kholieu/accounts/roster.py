"""Class lists (danh sách lớp) as schools keep them, read into rows of students.

A real list is an Excel sheet or a CSV saved from one: title rows above the header ("SỞ GD&ĐT
…", "DANH SÁCH HỌC SINH LỚP 10A1", often a merged cell), an STT column, headers written in
several ways, with or without diacritics ("Họ và tên", "Họ tên", "HO TEN"), dates as Excel
date cells or typed "05/09/2010". Every problem is reported with its row and column and a
reason code the page words; one bad row and nothing is created.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kholieu.errors import ValidationFailed
from kholieu.search.analysis import fold

MAX_BYTES = 2 * 2**20
MAX_ROWS = 2_000
MAX_CELL = 200
HEADER_SEARCH = 15  # rows above the header a school's title may take

# Header words (folded, lower case) → the field they name.
HEADERS = {
    "ho va ten": "name", "ho ten": "name", "ho va ten hoc sinh": "name", "ten hoc sinh": "name",
    "full name": "name", "name": "name",
    "ngay sinh": "birth_date", "ngay thang nam sinh": "birth_date", "birth date": "birth_date",
    "ma hoc sinh": "student_number", "ma hs": "student_number", "ma so hoc sinh": "student_number",
    "so bao danh": "student_number", "sbd": "student_number", "ma dinh danh": "student_number",
    "student number": "student_number",
    "ten dang nhap": "username", "username": "username",
    "vai tro": "role", "role": "role",
}  # fmt: skip
ROLES = {"hoc sinh": "student", "student": "student", "giao vien": "teacher",
         "teacher": "teacher", "bien tap vien": "editor", "editor": "editor"}  # fmt: skip
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")


@dataclass
class Student:
    line: int
    name: str
    birth_date: date | None = None
    student_number: str = ""
    username: str = ""
    role: str = ""


@dataclass
class Problem:
    line: int
    column: str  # the header as written, or "" for the whole file
    reason: str  # no_header, no_name, bad_date, duplicate_number, duplicate_username, too_long,
    # bad_role, too_many, not_a_sheet
    value: str = ""


@dataclass
class Roster:
    students: list[Student] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _key(text: Any) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", fold(str(text or "")).casefold()).split())


def _cells(data: bytes, filename: str) -> list[list[Any]]:
    """The sheet's rows of cells: the first sheet of an XLSX, or a CSV (UTF-8, ; or ,)."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed("Tệp: lớn hơn {value} MiB", value=MAX_BYTES // 2**20,
                               details={"field": "file", "problem": "too_big"})  # fmt: skip
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook  # costly to import: only for a sheet

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # any broken workbook is the same refusal
            raise _not_a_sheet() from None
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_SEARCH + 1:
                break
        book.close()
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_sheet() from None
    if "\x00" in text:
        raise _not_a_sheet()
    first = text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH]
    delimiter = ";" if sum(x.count(";") for x in first) > sum(x.count(",") for x in first) else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _not_a_sheet() -> ValidationFailed:
    return ValidationFailed("Tệp: không phải danh sách lớp dạng Excel (.xlsx) hay CSV",
                            details={"field": "file", "problem": "not_a_sheet"})  # fmt: skip


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def read(data: bytes, filename: str = "") -> Roster:
    """The students of a class list, or its problems (row, column, reason)."""
    rows = _cells(data, filename)
    roster = Roster()
    header_at, columns = None, {}
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        found = {HEADERS[_key(c)]: (i, str(c).strip()) for i, c in enumerate(row)
                 if _key(c) in HEADERS}  # fmt: skip
        if "name" in found:
            header_at, columns = index, found
            break
    if header_at is None:
        roster.problems.append(Problem(0, "", "no_header"))
        return roster
    body = rows[header_at + 1 :]
    if sum(1 for r in body if any(str(c or "").strip() for c in r)) > MAX_ROWS:
        roster.problems.append(Problem(0, "", "too_many", str(MAX_ROWS)))
        return roster
    seen: dict[str, dict[str, int]] = {"student_number": {}, "username": {}}
    for offset, row in enumerate(body, start=header_at + 2):
        got = {name: row[at] if at < len(row) else None for name, (at, _) in columns.items()}
        if not any(str(v or "").strip() for v in got.values()):
            continue  # a blank row, or the sheet's end
        roster.students.append(_student(offset, got, columns, seen, roster.problems))
    return roster


def _student(
    line: int, got: dict[str, Any], columns: dict[str, tuple[int, str]],
    seen: dict[str, dict[str, int]], problems: list[Problem],
) -> Student:  # fmt: skip
    """One row as a student; what is wrong with it goes to ``problems``."""

    def problem(name: str, reason: str, value: str = "") -> None:
        problems.append(Problem(line, columns[name][1], reason, value))

    for name, value in got.items():
        if value is not None and len(str(value)) > MAX_CELL:
            problem(name, "too_long")
    student = Student(line, str(got.get("name") or "").strip()[:MAX_CELL])
    if not student.name:
        problem("name", "no_name")
    born = got.get("birth_date")
    if born not in (None, ""):
        try:
            student.birth_date = _date(born)
        except ValueError:
            problem("birth_date", "bad_date", str(born))
    number = str(got.get("student_number") or "").strip()
    if number.endswith(".0") and number[:-2].isdigit():
        number = number[:-2]  # a number cell: 10234.0
    student.student_number = number[:32]
    student.username = str(got.get("username") or "").strip().lower()[:63]
    for name, value in (("student_number", student.student_number),
                        ("username", student.username)):  # fmt: skip
        if value and value in seen[name]:
            problem(name, "duplicate_number" if name == "student_number" else
                    "duplicate_username", value)  # fmt: skip
        if value:
            seen[name][value] = line
    role = _key(got.get("role"))
    if role:
        if role not in ROLES:
            problem("role", "bad_role", role)
        student.role = ROLES.get(role, "")
    return student


def username_for(name: str, taken: set[str]) -> str:
    """A readable username from a Vietnamese name: given name, then the rest's initials
    ("Nguyễn Văn An" → "an.nv"), with a number when taken ("an.nv2")."""
    words = fold(name).casefold().split()
    words = [re.sub(r"[^a-z0-9]", "", w) for w in words] or ["hs"]
    words = [w for w in words if w] or ["hs"]
    base = words[-1] + ("." + "".join(w[0] for w in words[:-1]) if len(words) > 1 else "")
    base = base[:50]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate
