"""Questions as rows of a CSV or XLSX sheet, one question a row, columns named in the first row.

The bank's own layout (README "Question files"): ``type``, ``stem``, options ``A``…``J``,
``answer``, ``explanation`` and the metadata columns, with Vietnamese names accepted too
(``câu hỏi``, ``đáp án``, ``lời giải``, ``môn``, ``lớp``, ``chủ đề``, ``mức độ``…). A cell is
plain text unless it holds a tag that rich text allows (``<b>``, ``<br>``, ``<table>``…). Two other
layouts teachers bring are recognised by their headers: the Moodle CSV plugin
(``questionname,questiontext,A,B,C,D,Answer 1,Answer 2``) and Kahoot's sheet
(``Question,Answer1…4,Time,Correct``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kholieu.bank import outcome_tags, richtext
from kholieu.bank.formats import FormatError, ImageSink, Parsed, decoding, left_out, name_of
from kholieu.bank.schemas import lacks_key
from kholieu.curriculum import fold, grade_number, level_code, question_type_code, subject_code
from kholieu.files import spreadsheets
from kholieu.files.zipsafe import PackageLimits, PackageRejected, open_checked
from kholieu.i18n import Invalid

OFFICE_LIMITS = PackageLimits(max_total_bytes=256 * 2**20, max_entries=5_000, max_ratio=100)
LETTERS = "ABCDEFGHIJ"
COLUMNS = {
    "type": ("type", "loai", "dang", "loai cau hoi", "dang cau hoi"),
    "stem": ("stem", "question", "questiontext", "cau hoi", "noi dung", "de bai"),
    "answer": ("answer", "key", "correct", "dap an", "dap an dung"),
    "explanation": ("explanation", "loi giai", "huong dan giai", "giai thich"),
    "subject": ("subject", "mon", "mon hoc"),
    "grade": ("grade", "lop", "khoi"),
    "topic": ("topic", "chapter", "chu de", "chuong", "bai"),
    "level": ("level", "muc do", "muc do nhan thuc"),
    "tags": ("tags", "tu khoa", "the"),
    # Learning outcomes by code: "YCCĐ", "Yêu cầu cần đạt" (the tags may name them too).
    "yccd_codes": ("yccd", "yccd_codes", "ma yccd", "yeu cau can dat", "outcomes"),
    "status": ("status", "trang thai"),
    "external_id": ("external_id", "id", "ma", "ma cau hoi"),
    "source": ("source", "nguon"),
    "license": ("license", "licence", "giay phep"),
    "author": ("author", "tac gia"),
    "title": ("title", "questionname", "ten", "tieu de"),
}
TRUE_WORDS = {"d", "dung", "t", "true", "1", "x", "y"}
FALSE_WORDS = {"s", "sai", "f", "false", "0", ""}


_ALIASES = {fold(alias): field for field, names in COLUMNS.items() for alias in names}


# -- reading -------------------------------------------------------------------------------------
def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    yield from parse_rows(rows, path.name)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    # The decoding every text format shares: UTF-8 (BOM or not), UTF-16 with a BOM (Excel's
    # "Unicode Text"), Windows-1258 as Excel on a Vietnamese Windows saves "CSV".
    text = decoding.decode(path.read_bytes(), decoding.detect(path))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # Past a cell over the limit the reader cannot tell where the next row starts: the
            # file is refused whole, naming the row it stopped at.
            raise FormatError(
                "{name}: dòng {line_num}: {csv_problem}",
                name=path.name,
                line_num=reader.line_num,
                csv_problem=_csv_problem(exc),
            ) from None
        yield reader.line_num, [spreadsheets.from_csv(cell) for cell in row]


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return f"a cell is longer than {limit:,} characters, the most a CSV cell may hold"
    return f"not readable as CSV ({exc})"


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    with open(path, "rb") as fh:
        try:
            archive, _ = open_checked(fh, OFFICE_LIMITS)
        except PackageRejected as exc:
            raise FormatError("{name}: {message_}", name=path.name, message_=exc.message) from None
        archive.close()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormatError(
            "{name}: không đọc được bảng tính XLSX ({exc})", name=path.name, exc=exc
        ) from None
    except SyntaxError as exc:  # xml.etree's ParseError and lxml's XMLSyntaxError alike
        raise FormatError(
            "{name}: XML của bảng tính bị hỏng ({exc})", name=path.name, exc=exc
        ) from None
    number = 0
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if v is None else _cell(v) for v in row]
    except SyntaxError as exc:  # the sheet is read as it streams: rows before it were read
        raise FormatError(
            "{name}: dòng {value}: XML của trang tính bị hỏng ({exc})",
            name=path.name,
            value=number + 1,
            exc=exc,
        ) from None
    finally:
        book.close()


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_rows(rows: Iterable[tuple[int, list[str]]], name: str) -> Iterator[Parsed]:
    rows = iter(rows)
    first = next(((n, h) for n, h in rows if any(cell.strip() for cell in h)), None)
    if first is None:
        return
    number, header = first
    layout = _layout(header)
    if layout is None:
        raise FormatError(
            "{name}: dòng {number}: dòng đầu phải ghi tên các cột (câu hỏi, A, B, C, D, đáp án, "
            "…); xem README",
            name=name,
            number=number,
        )
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = {key: row[i].strip() for key, i in layout.items() if i < len(row)}
        try:
            yield Parsed(name, number, data=_record(cells))
        except ValueError as exc:
            yield Parsed(name, number, error=str(exc))


def _layout(header: list[str]) -> dict[str, int] | None:
    """Column key → index; keys are field names, option letters, or the foreign layouts'."""
    folded = [fold(h) for h in header]
    layout: dict[str, int] = {}
    for i, (raw, key) in enumerate(zip(header, folded, strict=True)):
        if raw.strip().upper() in LETTERS and len(raw.strip()) == 1:
            layout[raw.strip().upper()] = i
        elif found := re.fullmatch(r"answer ?([1-6])", key):  # Kahoot / Moodle CSV
            layout[f"answer{found.group(1)}"] = i
        elif key in ("time", "answernumbering", "defaultmark") or key in (
            "correctfeedback",
            "partiallycorrectfeedback",
            "incorrectfeedback",
        ):
            continue
        elif key in _ALIASES:
            layout.setdefault(_ALIASES[key], i)
    if "stem" not in layout:
        return None
    return layout


def _options(cells: dict[str, str]) -> list[str]:
    letters = [cells.get(letter, "") for letter in LETTERS]
    while letters and not letters[-1]:
        letters.pop()
    return letters


def _record(cells: dict[str, str]) -> dict[str, Any]:
    if "answer1" in cells and "A" not in cells:  # Kahoot: Answer1…4 and Correct (1-based)
        return _kahoot(cells)
    data: dict[str, Any] = {}
    simple = ("explanation", "topic", "status", "external_id", "source", "author", "title")
    for key in simple:
        if cells.get(key):
            data[key] = cells[key]
    for key, code_of in (("subject", subject_code), ("grade", grade_number),
                         ("level", level_code)):  # fmt: skip
        if cells.get(key):
            data[key] = _named(key, cells[key], code_of)
    if cells.get("tags"):
        data["tags"] = [t.strip() for t in re.split(r"[,;]", cells["tags"]) if t.strip()]
    if cells.get("yccd_codes"):
        data["yccd_codes"] = outcome_tags.cell_codes(cells["yccd_codes"])
    kind = _named("type", cells.get("type", ""), question_type_code) or "single_choice"
    data["type"] = kind
    data["stem"] = _text(cells["stem"])
    if "explanation" in data:
        data["explanation"] = _text(data["explanation"])
    options = _options(cells)
    key = cells.get("answer", "")
    if "answer1" in cells:  # the Moodle CSV plugin: Answer 1 and Answer 2 are letters
        key = ",".join(v for k, v in sorted(cells.items()) if k.startswith("answer") and v)
        if "," in key:
            kind = data["type"] = "multiple_response"
    if kind in ("single_choice", "multiple_response"):
        if not options:
            raise Invalid(
                "Phương án: không có phương án; câu hỏi loại {kind} cần các phương án ở các cột "
                "A, B, …",
                kind=kind,
            )
        data["options"] = [_text(o) for o in options]
        indexes = _letters(key, len(options)) if key.strip() else None  # None: waits for a key
        single = kind == "single_choice" and indexes is not None and len(indexes) == 1
        data["answer"] = indexes[0] if single else indexes
    elif kind == "true_false_group":
        if not options:
            raise Invalid("Các ý: không có ý nào; hãy ghi chúng ở các cột A–D")
        data["statements"] = [_text(o) for o in options]
        data["answer"] = _truths(key) if key.strip() else None
    elif kind == "short_answer":
        data["answer"] = key or None
    return data


def _named(column: str, value: str, code_of: Callable[[str], Any]) -> Any:
    """A code or a Vietnamese name (curriculum's lookups), refused with the column's name."""
    try:
        return code_of(value)
    except ValueError as exc:
        raise Invalid("{column}: {exc}", column=column, exc=exc) from None


def _letters(key: str, count: int) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", key.strip().upper()) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
        parts = list(parts[0])  # "AC"
    if not parts:
        raise Invalid("Đáp án: để trống; hãy ghi chữ cái của phương án đúng (A, B, …)")
    indexes = []
    for part in parts:
        if len(part) != 1 or part not in LETTERS[:count]:
            raise Invalid(
                "Đáp án: “{part}” không phải một trong các phương án A–{value}",
                part=part,
                value=LETTERS[count - 1],
            )
        indexes.append(LETTERS.index(part))
    return indexes


def _truths(key: str) -> list[bool]:
    """ "Đ,S,Đ,Đ", "ĐSĐĐ", "TFTT", "a,c,d" (the true statements) → four booleans."""
    folded = fold(key)
    parts = [p for p in re.split(r"[\s,;]+", folded) if p]
    if len(parts) == 1 and len(parts[0]) == 4 and set(parts[0]) <= set("dstf"):
        parts = list(parts[0])
    if parts and all(p in "abcd" and len(p) == 1 for p in parts):
        return ["abcd"[i] in parts for i in range(4)]
    truths = []
    for part in parts:
        if part in TRUE_WORDS:
            truths.append(True)
        elif part in FALSE_WORDS:
            truths.append(False)
        else:
            raise Invalid("Đáp án: “{part}” không phải Đ (đúng) hay S (sai)", part=part)
    return truths


def _kahoot(cells: dict[str, str]) -> dict[str, Any]:
    options = [cells.get(f"answer{i}", "") for i in range(1, 7)]
    while options and not options[-1]:
        options.pop()
    correct = [p.strip() for p in cells.get("answer", "").split(",") if p.strip()]
    if not correct or not all(p.isdigit() and 1 <= int(p) <= len(options) for p in correct):
        raise Invalid(
            "Đáp án đúng: “{get}” không phải số thứ tự đáp án 1–{len}",
            get=cells.get("answer"),
            len=len(options),
        )
    indexes = [int(p) - 1 for p in correct]
    data: dict[str, Any] = {"stem": _text(cells["stem"]), "options": [_text(o) for o in options]}
    if len(indexes) == 1:
        data.update(type="single_choice", answer=indexes[0])
    else:
        data.update(type="multiple_response", answer=indexes)
    return data


_HTML = re.compile(r"</?(?:" + "|".join(sorted(richtext.TAGS)) + r")(?:\s[^<>]*)?/?>", re.I)


def _text(value: str) -> str:
    """Cells hold plain text, or HTML when they hold one of the tags rich text allows."""
    return value if _HTML.search(value) else richtext.plain(value)


# -- writing -------------------------------------------------------------------------------------
HEADER = [
    "type", "stem", *LETTERS[:6], "answer", "explanation", "subject", "grade", "topic", "level",
    "tags", "status", "external_id", "source", "license", "author", "title", "yccd",
]  # fmt: skip


def row_of(q: dict[str, Any]) -> list[Any]:
    items = q.get("options") or q.get("statements") or []
    if len(items) > 6:
        items = items[:6]
    cells = [_cell_text(x) for x in items] + [""] * (6 - len(items))
    if lacks_key(q["type"], q.get("answer")):
        key = ""  # an empty key cell: read again, the row is a draft waiting for its key
    elif q["type"] == "single_choice":
        key = LETTERS[q["answer"]]
    elif q["type"] == "multiple_response":
        key = ",".join(LETTERS[i] for i in q["answer"])
    elif q["type"] == "true_false_group":
        key = ",".join("Đ" if v else "S" for v in q["answer"])
    else:
        key = q.get("answer") or ""
    meta = [q.get(k) or "" for k in ("subject", "grade", "topic", "level")]
    tail = [
        q.get(k) or "" for k in ("status", "external_id", "source", "license", "author", "title")
    ]
    return [q["type"], _cell_text(q["stem"]), *cells, key, _cell_text(q.get("explanation", "")),
            *meta, ", ".join(q.get("tags") or []), *tail,
            ", ".join(q.get("yccd_codes") or [])]  # fmt: skip


def _cell_text(html: str) -> str:
    """Plain text where the HTML is only text and line breaks; the HTML itself otherwise."""
    plain = richtext.to_text(html)
    return plain if richtext.plain(plain) == html else html


def _unrepresentable(q: dict[str, Any]) -> str | None:
    if len(q.get("options") or []) > 6:
        return "more than 6 options"
    if q.get("weights") or q.get("option_feedback") or q.get("accept") or q.get("tolerance"):
        return "weights, feedback or alternative answers have no column"
    return None


def _rows(questions: Iterable[dict[str, Any]], skipped: list[str]) -> Iterator[list[Any]]:
    yield HEADER
    for q in questions:
        if reason := _unrepresentable(q):
            skipped.append(f"{name_of(q)}: {reason}")
            continue
        try:
            row = row_of(q)
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # a body not as stored
            skipped.append(left_out(q, exc))
            continue
        yield row


def write_xlsx(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Câu hỏi")
    skipped: list[str] = []
    for row in _rows(questions, skipped):
        spreadsheets.append_xlsx(sheet, row)
    book.save(out)
    return skipped


def write_csv(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    skipped: list[str] = []
    spreadsheets.write_csv(text, _rows(questions, skipped))
    text.flush()
    text.detach()
    return skipped
