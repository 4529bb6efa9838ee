"""What goes with printed papers: the answer keys (CSV, XLSX, PDF), the answer sheet in the 2025
layout, and scoring a class from scanned answers (CSV: student, mã đề, one column a question).
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


def _part(pdf: FPDF, title: str, size: int) -> float:
    """A part's heading; returns where its bubbles start."""
    pdf.set_font("Serif", "B", 11)
    pdf.cell(0, 18, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", size)
    return pdf.get_y()


def answer_sheet_pdf(blueprint: Blueprint) -> bytes:
    """The 2025 answer sheet's layout: PHẦN I one row of A–D a question, PHẦN II Đúng/Sai for
    a–d, PHẦN III four columns of −, the comma and 0–9 to write a short answer."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("Serif", "B", 13)
    pdf.cell(0, 18, "PHIẾU TRẢ LỜI TRẮC NGHIỆM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 10)
    pdf.cell(0, 16, f"{blueprint.title} · Mã đề: ……… · Họ và tên: …………………………… · Số báo danh: ………",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    counts = {"I": 0, "II": 0, "III": 0}
    for section in blueprint.sections:
        part = PARTS[section.type.value]
        if part in counts:
            counts[part] += section.count
    r = 5.0  # bubble radius, pt
    if counts["I"]:
        top = _part(pdf, "PHẦN I", 9)
        for n in range(counts["I"]):
            col, row = divmod(n, 10)
            x, y = 40 + col * 130, top + row * 14
            pdf.text(x, y + 3, f"{n + 1:>2}")
            for k in range(4):
                pdf.circle(x + 25 + k * 22, y, r)
                pdf.text(x + 23 + k * 22, y + 3, option_letter(k))
        pdf.set_y(top + min(10, counts["I"]) * 14 + 6)
    if counts["II"]:
        top = _part(pdf, "PHẦN II", 9)
        for n in range(counts["II"]):
            x = 40 + n * 130
            pdf.text(x, top + 3, f"Câu {n + 1}   Đúng  Sai")
            for s in range(4):
                y = top + 16 + s * 14
                pdf.text(x, y + 3, f"{'abcd'[s]})")
                pdf.circle(x + 45, y, r)
                pdf.circle(x + 72, y, r)
        pdf.set_y(top + 80)
    if counts["III"]:
        top = _part(pdf, "PHẦN III", 8)
        for n in range(counts["III"]):
            x = 40 + n * 85
            pdf.text(x, top + 3, f"Câu {n + 1}")
            for c in range(4):
                pdf.rect(x + c * 14 - r, top + 8, 2 * r + 2, 12)
                for row, mark in enumerate(["−", ","] + [str(d) for d in range(10)]):
                    y = top + 30 + row * 13
                    if c == 0:
                        pdf.text(x - 14, y + 3, mark)
                    pdf.circle(x + c * 14, y, r)
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
    reported with its line number and reason, and the others are scored."""
    versions = {v["code"]: v for v in assembly["versions"]}
    partial = bool(assembly["blueprint"].get("partial_multiple"))
    report = ClassReport()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    for line, row in enumerate(reader, start=2):
        try:
            code = (row.get("ma_de") or "").strip()
            if code not in versions:
                raise ValueError(f"ma_de {code!r} is not one of {', '.join(versions)}")
            items = versions[code]["items"]
            score, max_score, answers = 0.0, 0.0, {}
            for number, item in enumerate(items, start=1):
                try:
                    given = _answer(item, row.get(str(number)) or "")
                except ValueError as exc:
                    raise ValueError(f"câu {number}: {exc}") from None
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
            "line": line, "student": (row.get("student") or "").strip(), "ma_de": code,
            "score": grading.round_score(score, 4), "max_score": max_score,
            "score_10": grading.on_ten(score, max_score), "answers": answers,
        })  # fmt: skip
    return report
