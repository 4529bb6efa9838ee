"""What goes with printed papers: the answer keys (CSV, XLSX, PDF), the answer sheet in the 2025
layout (số báo danh and mã đề bubble grids, each PHẦN from Câu 1), and scoring a class from
scanned answers (CSV: student or sbd, mã đề, one column a question).
Everything is computed from ``assembly.json`` (written beside the papers), so a class can be
scored on any machine, without the database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from fpdf import FPDF
from openpyxl import Workbook

from kholieu.files import spreadsheets
from kholieu.quiz import grading
from kholieu.quiz.assembly import Version, key_text, option_letter
from kholieu.quiz.blueprint import Blueprint
from kholieu.quiz.printing import numbering
from kholieu.quiz.printing.papers import _font_files

PARTS = numbering.PARTS


def record(
    blueprint: Blueprint, versions: list[Version], bodies: dict[int, dict], seed: int
) -> dict:
    """``assembly.json``: the blueprint, the seed and each version's items with their keys."""
    return {
        "blueprint": blueprint.model_dump(mode="json"), "seed": seed,
        "versions": [
            {"code": v.code, "items": [
                {"id": i.question_id, "version": i.version, "type": i.type, "points": i.points,
                 "order": list(i.order) if i.order else None, "key": i.key,
                 "options": len(bodies[i.question_id].get("options") or []),
                 **({"tolerance": bodies[i.question_id].get("tolerance"),
                     "accept": bodies[i.question_id].get("accept")}
                    if i.type == "short_answer" else {})}
                for i in v.items]}
            for v in versions
        ],
    }  # fmt: skip


def _numbered(version: Version):
    """``(part, number, item)`` in paper order, numbered as the paper numbers them."""
    items = version.items
    for (part, number), item in zip(numbering.numbers(i.type for i in items), items, strict=True):
        yield part, number, item


def keys_csv(versions: list[Version]) -> str:
    """A row a question of each version: ``ma_de, cau, phan`` as the paper prints them (Câu 1 of
    PHẦN III is ``cau`` 1, ``phan`` III)."""
    out = io.StringIO()
    rows = [[version.code, number, part, key_text(item), item.points]
            for version in versions for part, number, item in _numbered(version)]  # fmt: skip
    spreadsheets.write_csv(out, [["ma_de", "cau", "phan", "dap_an", "diem"], *rows])
    return out.getvalue()


def keys_xlsx(versions: list[Version]) -> bytes:
    """One sheet: a row a question, a column a mã đề, as schools print keys."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Đáp án"
    sheet.append(["Câu", "Phần", *[f"Mã {v.code}" for v in versions]])
    for at, (part, number, _item) in enumerate(_numbered(versions[0])):
        spreadsheets.append_xlsx(sheet, [number, part, *[key_text(v.items[at]) for v in versions]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf() -> FPDF:
    pdf = FPDF(format="A4", unit="pt")
    regular, bold = _font_files()
    pdf.add_font("Serif", "", str(regular))
    pdf.add_font("Serif", "B", str(bold))
    pdf.set_margins(40, 40, 40)
    return pdf


def keys_pdf(blueprint: Blueprint, versions: list[Version]) -> bytes:
    pdf = _pdf()
    for version in versions:
        pdf.add_page()
        pdf.set_font("Serif", "B", 13)
        pdf.cell(
            0,
            20,
            f"ĐÁP ÁN – {blueprint.title} – Mã đề {version.code}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Serif", "", 11)
        with pdf.table(col_widths=(40, 40, 200, 60), text_align="CENTER") as table:
            table.row(["Câu", "Phần", "Đáp án", "Điểm"])
            for part, number, item in _numbered(version):
                table.row([str(number), part, key_text(item), f"{item.points:g}"])
    return bytes(pdf.output())


R = 5.0  # a bubble's radius, pt
PAGE_W, PAGE_H, MARGIN = 595.28, 841.89, 40.0  # A4, pt
ID_DIGITS = {"sbd": 6, "ma_de": 3}  # số báo danh and mã đề, one column of 0–9 a digit
SHORT_MARKS = ["−", ","] + [str(d) for d in range(10)]


@dataclass(frozen=True)
class Bubble:
    """One bubble of the answer sheet, where it is drawn (pt from the page's top left), so a
    reader of scanned sheets can find it: ``field`` is ``sbd``, ``ma_de`` or the question as
    the paper numbers it (``I.3``, ``II.1.b``, ``III.2``); ``column`` is the digit's place in
    ``sbd``, ``ma_de`` and short answers."""

    page: int
    field: str
    mark: str
    x: float
    y: float
    column: int = 0


@dataclass
class _Sheet:
    """The sheet's bubbles and what is printed around them, laid out before drawing."""

    bubbles: list[Bubble] = field(default_factory=list)
    texts: list[tuple[int, float, float, str, int, bool]] = field(default_factory=list)
    boxes: list[tuple[int, float, float, float, float]] = field(default_factory=list)
    page: int = 0

    def text(self, x: float, y: float, value: str, size: int = 9, bold: bool = False) -> None:
        self.texts.append((self.page, x, y, value, size, bold))

    def box(self, x: float, y: float, w: float, h: float) -> None:
        self.boxes.append((self.page, x, y, w, h))

    def bubble(self, name: str, mark: str, x: float, y: float, column: int = 0) -> None:
        self.bubbles.append(Bubble(self.page, name, mark, x, y, column))

    def room(self, top: float, height: float) -> float:
        """``top`` if ``height`` fits below it on this page, else the next page's top."""
        if top + height <= PAGE_H - MARGIN:
            return top
        self.page += 1
        return MARGIN + 10


def _counts(blueprint: Blueprint) -> dict[str, int]:
    counts = {"I": 0, "II": 0, "III": 0}
    for section in blueprint.sections:
        part = PARTS[section.type.value]
        if part in counts:
            counts[part] += section.count
    return counts


def _id_grid(sheet: _Sheet, name: str, title: str, x: float, top: float) -> None:
    """A write-in box a digit, with its column of bubbles 0–9 below, as on the 2025 sheet."""
    digits = ID_DIGITS[name]
    sheet.text(x - 8, top + 7, title, 8, True)
    for c in range(digits):
        cx = x + c * 14
        sheet.box(cx - R - 1, top + 12, 2 * R + 2, 13)
        for d in range(10):
            y = top + 36 + d * 12.5
            sheet.bubble(name, str(d), cx, y, c)
    for d in range(10):
        sheet.text(x - 14, top + 36 + d * 12.5 + 3, str(d), 7)


def sheet_layout(blueprint: Blueprint) -> _Sheet:
    """Where everything of the answer sheet goes: the candidate's lines and the số báo danh
    (6 digits) and mã đề (3 digits) grids at the top, then PHẦN I (A–D a question, ten to a
    column), PHẦN II (Đúng/Sai for a–d, four questions to a row), PHẦN III (−, the comma and
    0–9 in four columns a question, six to a row), each numbered from Câu 1 as the paper is."""
    sheet = _Sheet()
    left = MARGIN
    sheet.text(PAGE_W / 2 - 110, MARGIN + 12, "PHIẾU TRẢ LỜI TRẮC NGHIỆM", 13, True)
    top = MARGIN + 30
    for k, line in enumerate([
        f"Kì thi: {blueprint.title}"[:70],
        "Họ và tên thí sinh: …………………………………………",
        "Ngày sinh: ……………… Lớp: ………………",
        "Điểm thi: ……………… Phòng thi: ………",
        "Chữ ký cán bộ coi thi 1: ………… 2: …………",
        "Thí sinh tô kín các ô số báo danh và mã đề.",
    ]):  # fmt: skip
        sheet.text(left, top + 10 + k * 18, line, 9, k == 0)
    _id_grid(sheet, "sbd", "SỐ BÁO DANH", 365, top)
    _id_grid(sheet, "ma_de", "MÃ ĐỀ", 490, top)
    y = top + 36 + 10 * 12.5 + 10
    counts = _counts(blueprint)
    if counts["I"]:
        rows = min(10, counts["I"])
        y = sheet.room(y, 22 + rows * 14)
        sheet.text(left, y + 10, "PHẦN I", 11, True)
        first = y + 28
        for n in range(counts["I"]):
            block, at = divmod(n, 40)  # four columns of ten, then the next band
            col, row = divmod(at, 10)
            if at == 0 and block:
                first = sheet.room(first + 10 * 14 + 8, 10 * 14)
            x, by = left + col * 130, first + row * 14
            sheet.text(x, by + 3, f"{n + 1:>2}")
            for k in range(4):
                sheet.bubble(numbering.label("I", n + 1), option_letter(k), x + 25 + k * 22, by)
                sheet.text(x + 23 + k * 22, by + 3, option_letter(k), 6)
        y = first + rows * 14
    if counts["II"]:
        y = sheet.room(y + 6, 100)
        sheet.text(left, y + 10, "PHẦN II", 11, True)
        band = y + 28
        for n in range(counts["II"]):
            col = n % 4
            if n and col == 0:
                band = sheet.room(band + 80, 80)
            x = left + col * 130
            sheet.text(x, band + 3, f"Câu {n + 1}   Đúng  Sai")
            for s_ in range(4):
                by = band + 16 + s_ * 14
                sheet.text(x, by + 3, f"{'abcd'[s_]})")
                name = f"{numbering.label('II', n + 1)}.{'abcd'[s_]}"
                sheet.bubble(name, "Đ", x + 45, by)
                sheet.bubble(name, "S", x + 72, by)
        y = band + 76
    if counts["III"]:
        height = 30 + len(SHORT_MARKS) * 13
        y = sheet.room(y + 6, 20 + height)
        sheet.text(left, y + 10, "PHẦN III", 11, True)
        band = y + 26
        for n in range(counts["III"]):
            col = n % 6
            if n and col == 0:
                band = sheet.room(band + height + 6, height)
            x = left + 14 + col * 85
            sheet.text(x, band + 3, f"Câu {n + 1}")
            for c in range(4):
                sheet.box(x + c * 14 - R, band + 8, 2 * R + 2, 12)
                for row, mark in enumerate(SHORT_MARKS):
                    by = band + 30 + row * 13
                    if c == 0:
                        sheet.text(x - 14, by + 3, mark, 8)
                    sheet.bubble(numbering.label("III", n + 1), mark, x + c * 14, by, c)
    return sheet


def answer_sheet_pdf(blueprint: Blueprint) -> bytes:
    """The answer sheet of ``sheet_layout``, drawn."""
    sheet = sheet_layout(blueprint)
    pdf = _pdf()
    pdf.set_auto_page_break(False)
    pdf.set_line_width(0.6)
    for page in range(sheet.page + 1):
        pdf.add_page()
        for at, x, y, value, size, bold in sheet.texts:
            if at == page:
                pdf.set_font("Serif", "B" if bold else "", size)
                pdf.text(x, y, value)
        for at, x, y, w, h in sheet.boxes:
            if at == page:
                pdf.rect(x, y, w, h)
        for bubble in sheet.bubbles:
            if bubble.page == page:
                pdf.circle(bubble.x, bubble.y, R)
    return bytes(pdf.output())


# -- scanned answers -----------------------------------------------------------------------------


@dataclass
class ClassReport:
    scores: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"scored": len(self.scores), "scores": self.scores, "rejected": self.rejected}


def _answer(item: dict[str, Any], text: str) -> Any:
    """A scanned cell as an answer in the order printed: B; A,C; ĐSĐĐ (S/F false, −/space
    blank); -1,5."""
    text = text.strip()
    if not text:
        return None
    match item["type"]:
        case "single_choice" | "multiple_response":
            letters = "ABCDEFGH"[: item["options"]]
            marks = [c for c in text.upper() if c not in ", "]
            if (
                not marks
                or any(c not in letters for c in marks)
                or (item["type"] == "single_choice" and len(marks) != 1)
            ):
                raise ValueError(f"{text!r} is not an option letter ({', '.join(letters)})")
            chosen = sorted(letters.index(c) for c in marks)
            return chosen[0] if item["type"] == "single_choice" else chosen
        case "true_false_group":
            marks = text.upper().replace(" ", "-")
            if len(marks) != 4 or any(c not in "ĐDTSF-" for c in marks):
                raise ValueError(f"{text!r}: four marks Đ/S (or - for blank) expected")
            return [None if c == "-" else c in "ĐDT" for c in marks]
    return text


def score_class(assembly: dict[str, Any], csv_text: str) -> ClassReport:
    """Score every row of ``student,ma_de,1,2,…`` against its version's key; a bad row is
    reported with its line number and reason, and the others are scored.

    A question's column is its place in the paper (``1`` … ``22``) or its number on the
    answer sheet (``I.1`` … ``I.12``, ``II.1``, ``III.1``: each PHẦN from Câu 1). An ``sbd``
    column (số báo danh, six digits, as bubbled) is kept with the score, and names the student
    when ``student`` is empty."""
    versions = {v["code"]: v for v in assembly["versions"]}
    partial = bool(assembly["blueprint"].get("partial_multiple"))
    report = ClassReport()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    for line, row in enumerate(reader, start=2):
        try:
            code = (row.get("ma_de") or "").strip()
            if code not in versions:
                raise ValueError(f"ma_de {code!r} is not one of {', '.join(versions)}")
            sbd = (row.get("sbd") or "").strip()
            if sbd and not (len(sbd) == ID_DIGITS["sbd"] and sbd.isascii() and sbd.isdigit()):
                raise ValueError(f"số báo danh {sbd!r} không phải {ID_DIGITS['sbd']} chữ số")
            items = versions[code]["items"]
            labels = [numbering.label(*n) for n in numbering.numbers(i["type"] for i in items)]
            score, max_score, answers = 0.0, 0.0, {}
            for number, (item, label) in enumerate(zip(items, labels, strict=True), start=1):
                cell = row.get(str(number))
                named = number if cell is not None else label
                if cell is None:
                    cell = row.get(label)
                try:
                    given = _answer(item, cell or "")
                except ValueError as exc:
                    raise ValueError(f"câu {named}: {exc}") from None
                answers[str(item["id"])] = given
                body = {"answer": item["key"], "tolerance": item.get("tolerance"),
                        "accept": item.get("accept")}  # fmt: skip
                score += (
                    grading.mark(item["type"], body, given, partial=partial).share * item["points"]
                )
                max_score += item["points"]
        except ValueError as exc:
            report.rejected.append({"line": line, "error": str(exc)})
            continue
        report.scores.append({
            "line": line, "student": (row.get("student") or "").strip() or sbd, "sbd": sbd,
            "ma_de": code, "score": grading.round_score(score, 4), "max_score": max_score,
            "score_10": grading.on_ten(score, max_score), "answers": answers,
        })  # fmt: skip
    return report
