"""The catalogue's file formats, CSV and JSON, read into checked rows and written back.

One row per outcome: ``code, subject, grade, strand, text`` and optional ``position`` and
``retired``. What Vietnamese schools' spreadsheets send is accepted: UTF-8 with or without a
byte-order mark, ``,`` or ``;`` between fields (Excel in Vietnam writes ``;``), headers in
English or Vietnamese, with or without diacritics ("Mã", "Môn", "Lớp", "Mạch nội dung", "Yêu cầu
cần đạt"), subjects as codes or names ("toan", "Toán", "Vật lý"), grades as ``10`` or ``Lớp 10``.
Every problem is reported with its line (a JSON record's number) and field; the caller stores
nothing when there is one. What ``write`` writes, ``read`` reads back to the same rows, so an
export imported again and exported again is the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kholieu.curriculum import fold, grade_number, subject_code
from kholieu.errors import ValidationFailed
from kholieu.i18n import N_, Invalid, Message, Term
from kholieu.outcomes.codes import normalise_code

MAX_BYTES = 5 * 2**20
MAX_ROWS = 20_000
MAX_TEXT = 2_000
MAX_STRAND = 200
MAX_POSITION = 1_000_000
MAX_PROBLEMS = 200  # reported; the count says how many there were in all
FORMATS = ("csv", "json")
FIELDS = ("code", "subject", "grade", "strand", "text", "position", "retired")
REQUIRED = FIELDS[:5]

# Header words (folded) → the field they name.
HEADERS = {
    **{name: name for name in FIELDS},
    "ma": "code", "ma yccd": "code", "ma yeu cau can dat": "code",
    "mon": "subject", "mon hoc": "subject", "lop": "grade", "khoi": "grade", "khoi lop": "grade",
    "mach": "strand", "mach noi dung": "strand", "chu de": "strand", "noi dung": "strand",
    "yeu cau can dat": "text", "yccd": "text", "noi dung yeu cau": "text",
    "thu tu": "position", "stt": "position", "vi tri": "position",
    "ngung": "retired", "ngung dung": "retired", "da ngung": "retired", "ngung su dung": "retired",
}  # fmt: skip
TRUE = {"true", "1", "x", "yes", "co", "ngung", "da ngung"}
FALSE = {"false", "0", "no", "khong", ""}
AT_LINE = N_("Dòng {line}, cột {field}: {reason}")
AT_RECORD = N_("Mục {line}, trường {field}: {reason}")
LINE_WORD, RECORD_WORD = N_("dòng"), N_("mục")


@dataclass(frozen=True)
class Row:
    """One checked outcome as a file gives it; ``position``/``retired`` None: not given."""

    line: int
    code: str
    subject: str
    grade: int
    strand: str
    text: str
    position: int | None = None
    retired: bool | None = None


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    reason: Message


def problem_list(problems: list[Problem], *, json_records: bool) -> list[dict[str, Any]]:
    """The problems as the API and the page show them, worded in the reader's language."""
    where = AT_RECORD if json_records else AT_LINE
    return [
        {"line": p.line, "field": p.field,
         "message": Message(where, {"line": p.line, "field": p.field, "reason": p.reason}).render()}
        for p in problems[:MAX_PROBLEMS]
    ]  # fmt: skip


def refuse(problems: list[Problem], *, json_records: bool) -> ValidationFailed:
    """The one error an import with bad rows raises: every problem, and nothing stored."""
    return ValidationFailed(
        "Tệp có {count} lỗi; không yêu cầu cần đạt nào được lưu",
        count=len(problems),
        details={"errors": problem_list(problems, json_records=json_records),
                 "count": len(problems)},
    )  # fmt: skip


def _file_problem(reason: str, **params: Any) -> ValidationFailed:
    return refuse([Problem(1, "file", Message(reason, params))], json_records=False)


def detect(data: bytes, filename: str = "") -> str:
    """``json`` or ``csv``: by the name's extension, else by the first character."""
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".csv", ".txt")):
        return "csv"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if start in (b"[", b"{") else "csv"


def read(data: bytes, filename: str = "") -> list[Row]:
    """The file's rows, checked; raises ValidationFailed listing every bad row and field."""
    if len(data) > MAX_BYTES:
        raise _file_problem(N_("tệp lớn hơn {size} MB"), size=MAX_BYTES // 2**20)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_problem(
            N_("tệp không phải UTF-8 (byte lạ ở dòng {at}); hãy lưu lại dưới dạng CSV UTF-8"),
            at=line,
        ) from None
    if "\x00" in text:
        raise _file_problem(N_("tệp chứa kí tự NUL: không phải tệp văn bản"))
    if detect(data, filename) == "json":
        return _checked(_json_records(text), json_records=True)
    return _checked(_csv_records(text), json_records=False)


def _csv_records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise _file_problem(N_("tệp trống: cần dòng tiêu đề {fields}"), fields=", ".join(REQUIRED))
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str | None] | None = None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = _header(row, line)
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise refuse([Problem(line, "file", Message(
                "dòng có {n} ô, nhiều hơn {m} cột của dòng tiêu đề", {"n": len(row),
                                                                   "m": len(header)}))],
                         json_records=False)  # fmt: skip
        yield line, {name: cell for name, cell in zip(header, row, strict=False) if name}


def _header(row: list[str], line: int) -> list[str | None]:
    names: list[str | None] = []
    problems = []
    for cell in row:
        name = HEADERS.get(fold(cell))
        if cell.strip() and name is None:
            reason = Message("không có cột này (các cột: {fields})", {"fields": ", ".join(FIELDS)})
            problems.append(Problem(line, cell.strip()[:40], reason))
        names.append(name)
    for field in REQUIRED:
        if field not in names:
            problems.append(Problem(line, field, Message("thiếu cột này ở dòng tiêu đề")))
    if problems:
        raise refuse(problems, json_records=False)
    return names


def _json_records(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _file_problem(N_("JSON không đọc được ở dòng {at}: {why}"), at=exc.lineno,
                            why=exc.msg) from None  # fmt: skip
    if isinstance(value, dict):
        value = value.get("outcomes")
    if not isinstance(value, list):
        raise _file_problem(
            N_(
                'JSON phải là một danh sách đối tượng, hoặc một đối tượng có khoá "outcomes" là '
                "danh sách"
            )
        )
    for number, record in enumerate(value, start=1):
        if not isinstance(record, dict):
            yield number, {"": record}
        else:
            yield number, record


def _checked(records: Iterable[tuple[int, dict[str, Any]]], *, json_records: bool) -> list[Row]:
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for count, (line, record) in enumerate(records, start=1):
        if count > MAX_ROWS:
            problems.append(Problem(line, "file", Message(
                "tệp có hơn {max} dòng; hãy chia thành nhiều tệp", {"max": MAX_ROWS})))  # fmt: skip
            break
        row, found = _row(line, record, json_records=json_records)
        if row is not None:
            if row.code in seen:
                found.append(
                    Problem(
                        line,
                        "code",
                        Message(
                            "mã {code} trùng với {where} {other}",
                            {
                                "code": row.code,
                                "where": _where(json_records),
                                "other": seen[row.code],
                            },
                        ),
                    )
                )
            else:  # fmt: skip
                seen[row.code] = line
                rows.append(row)
        problems += found
    if problems:
        raise refuse(problems, json_records=json_records)
    if not rows:
        raise _file_problem(N_("tệp không có dòng yêu cầu cần đạt nào"))
    return rows


def _where(json_records: bool) -> Term:
    return Term(RECORD_WORD if json_records else LINE_WORD)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return " ".join(value.split())
    raise Invalid("phải là chữ")


def _row(line: int, record: dict[str, Any], *, json_records: bool) -> tuple[Row | None, list]:
    problems: list[Problem] = []
    if "" in record and len(record) == 1 and json_records:
        return None, [Problem(line, "record", Message("mỗi mục phải là một đối tượng JSON"))]
    if json_records:
        for key in record:
            if key not in FIELDS:
                problems.append(
                    Problem(
                        line,
                        str(key)[:40],
                        Message(
                            "không có trường này (các trường: {fields})",
                            {"fields": ", ".join(FIELDS)},
                        ),
                    )
                )
    values: dict[str, Any] = {}  # fmt: skip

    def check(field: str, convert) -> None:
        try:
            values[field] = convert(record.get(field))
        except Invalid as exc:
            problems.append(Problem(line, field, exc.text))

    check("code", _code)
    check("subject", _subject)
    check("grade", _grade)
    check("strand", lambda v: _required(v, MAX_STRAND))
    check("text", lambda v: _required(v, MAX_TEXT))
    check("position", _position)
    check("retired", _retired)
    if problems:
        return None, problems
    return Row(line, **values), []


def _code(value: Any) -> str:
    text = _text(value)
    if not text:
        raise Invalid("không được để trống")
    return normalise_code(text)


def _subject(value: Any) -> str:
    text = _text(value)
    if not text:
        raise Invalid("không được để trống")
    return subject_code(text) or ""


def _grade(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid("“{value}” không phải lớp 1–12 (10, Lớp 10)", value=str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, int) else _text(value)
    if text == "":
        raise Invalid("không được để trống")
    number = grade_number(text)
    assert number is not None
    return number


def _required(value: Any, limit: int) -> str:
    text = _text(value)
    if not text:
        raise Invalid("không được để trống")
    if len(text) > limit:
        raise Invalid("dài {n} kí tự, quá giới hạn {limit}", n=len(text), limit=limit)
    return text


def _position(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise Invalid("“{value}” không phải số thứ tự (0–{max})", value=str(value),
                      max=MAX_POSITION)  # fmt: skip
    try:
        number = int(value) if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_POSITION:
        raise Invalid("“{value}” không phải số thứ tự (0–{max})", value=str(value)[:40],
                      max=MAX_POSITION)  # fmt: skip
    return number


def _retired(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    key = fold(str(value))
    if key in TRUE:
        return True
    if key in FALSE:
        return None if key == "" else False
    raise Invalid("“{value}” không phải true hoặc false", value=str(value)[:40])


# -- writing -------------------------------------------------------------------------------------
def records(outcomes: Iterable[Any]) -> list[dict[str, Any]]:
    """Outcome rows (or anything with their attributes) as the formats' records."""
    return [{"code": o.code, "subject": o.subject, "grade": o.grade, "strand": o.strand,
             "text": o.text, "position": o.position, "retired": bool(o.retired)}
            for o in outcomes]  # fmt: skip


def write(fmt: str, outcomes: Iterable[Any]) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so that Excel reads the diacritics; commas; CRLF) or
    JSON (a list of objects, one a line)."""
    rows = records(outcomes)
    if fmt == "json":
        lines = [json.dumps(row, ensure_ascii=False) for row in rows]
        return ("[\n" + ",\n".join(lines) + "\n]\n").encode()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([*(row[f] for f in FIELDS[:6]), "true" if row["retired"] else "false"])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode()
