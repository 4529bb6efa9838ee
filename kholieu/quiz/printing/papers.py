"""Printed exam papers, one per version (mã đề), as PDF and Word: the usual Vietnamese header
(school, exam, date, subject, time, mã đề, candidate's name and number), "Câu N." numbering
from 1 in each PHẦN, options laid out four, two or one to a line by their width, fonts with
Vietnamese glyphs (Liberation Serif, a Times New Roman match; DejaVu Serif otherwise).
Formulas are drawn on the PDF paper (``mathimage``) and are Word equations on the Word paper
(``omml``), which a teacher can edit."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt
from fpdf import FPDF

from kholieu.curriculum import SUBJECTS
from kholieu.quiz.assembly import Version, option_letter
from kholieu.quiz.blueprint import Blueprint
from kholieu.quiz.printing import numbering, omml
from kholieu.quiz.printing.header import Header
from kholieu.quiz.printing.mathimage import Segment, formula, segments

FONTS = [
    (Path("/usr/share/fonts/truetype/liberation2"), "LiberationSerif-Regular.ttf",
     "LiberationSerif-Bold.ttf"),
    (Path("/usr/share/fonts/truetype/dejavu"), "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
]  # fmt: skip
SIZE = 12  # points
MM = 72 / 25.4  # points per millimetre
ReadImage = Callable[[str], bytes]


@dataclass
class Printed:
    """A question as a version prints it: options in the version's order."""

    number: int
    type: str
    stem: str
    options: list[str]
    statements: list[str]


def printed(version: Version, bodies: dict[int, dict[str, Any]]) -> list[list[Printed]]:
    """The version's questions section by section, numbered as the 2025 format numbers them:
    from Câu 1 again in each PHẦN (``numbering``), as the keys and the answer sheet are."""
    out = []
    count = iter(numbering.numbers(item.type for item in version.items))
    for section in version.sections:
        rows = []
        for item in section:
            _part, number = next(count)
            body = bodies[item.question_id]
            options = body.get("options") or []
            order = item.order or range(len(options))
            shown = [options[i] for i in order]
            statements = list(body.get("statements") or [])
            rows.append(Printed(number, item.type, body.get("stem", ""), shown, statements))
        out.append(rows)
    return out


def _font_files() -> tuple[Path, Path]:
    for folder, regular, bold in FONTS:
        if (folder / regular).is_file():
            return folder / regular, folder / bold
    raise FileNotFoundError("no serif font with Vietnamese glyphs: apt install fonts-liberation2")


# -- PDF ---------------------------------------------------------------------------------------


class _Paper(FPDF):
    def __init__(self, code: str) -> None:
        super().__init__(format="A4", unit="pt")
        regular, bold = _font_files()
        self.add_font("Serif", "", str(regular))
        self.add_font("Serif", "B", str(bold))
        self.code = code
        self.set_margins(18 * MM, 15 * MM, 15 * MM)
        self.set_auto_page_break(True, 15 * MM)

    def footer(self) -> None:
        self.set_y(-12 * MM)
        self.set_font("Serif", "", 9)
        self.cell(0, 10, f"Trang {self.page_no()}/{{nb}} – Mã đề {self.code}", align="C")


class _Flow:
    """Text, formulas and images written along a line, wrapping like words."""

    def __init__(self, pdf: _Paper, read_image: ReadImage | None) -> None:
        self.pdf = pdf
        self.read_image = read_image

    def width(self, parts: list[Segment]) -> float:
        total = 0.0
        for part in parts:
            picture = formula(part.value, SIZE) if part.kind == "math" else None
            if part.kind == "text" or (part.kind == "math" and picture is None):
                total += self.pdf.get_string_width(
                    " ".join(part.value.split()) if part.kind == "text" else part.value
                )
            elif picture:
                total += picture.width_pt
            else:
                total += 1e6  # an image gets a line of its own
        return total

    def write(self, parts: list[Segment], line: float) -> None:
        pdf = self.pdf
        gap = False  # fpdf drops a trailing space; a formula after one needs it back
        for part in parts:
            if part.kind == "text":
                text = " ".join(part.value.split("\n"))
                pdf.write(line, text)
                gap = text.endswith(" ")
            elif part.kind == "math":
                picture = formula(part.value, SIZE)
                if picture is None:
                    pdf.write(line, f"${part.value}$")
                    continue
                if gap:
                    pdf.set_x(pdf.get_x() + pdf.get_string_width(" "))
                    gap = False
                if pdf.get_x() + picture.width_pt > pdf.w - pdf.r_margin:
                    pdf.ln(line)
                y = pdf.get_y() + (line - picture.height_pt) / 2
                pdf.image(io.BytesIO(picture.png), x=pdf.get_x(), y=y, w=picture.width_pt,
                          h=picture.height_pt)  # fmt: skip
                pdf.set_x(pdf.get_x() + picture.width_pt)
            elif self.read_image:
                pdf.ln(line)
                pdf.image(io.BytesIO(self.read_image(part.value)), w=60 * MM)

    def line_height(self, parts: list[Segment]) -> float:
        tallest = max((p.height_pt for s in parts if s.kind == "math"
                       if (p := formula(s.value, SIZE))), default=0)  # fmt: skip
        return max(SIZE * 1.45, tallest + 3)


def _pdf_header(pdf: _Paper, blueprint: Blueprint, header: Header, code: str) -> None:
    pdf.set_font("Serif", "B", 11)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    pdf.multi_cell(half, 14, f"{header.school}\n\nĐỀ CHÍNH THỨC", align="C")
    pdf.set_xy(pdf.l_margin + half, top)
    exam = header.exam or blueprint.title
    subject = SUBJECTS.get(blueprint.subject, blueprint.subject)
    when = f"\nNgày thi: {header.date_text}" if header.date else ""
    pdf.multi_cell(half, 14, f"{exam.upper()}\nMôn: {subject} – Lớp {blueprint.grade}\n"
                   f"Thời gian làm bài: {blueprint.duration_min} phút, không kể thời gian phát đề"
                   f"{when}", align="C")  # fmt: skip
    pdf.ln(6)
    pdf.set_font("Serif", "", SIZE)
    pdf.cell(
        0, 16, "Họ, tên thí sinh: ……………………………………… Số báo danh: ……………", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Serif", "B", SIZE)
    pdf.cell(0, 16, f"Mã đề thi {code}", border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def pdf_paper(blueprint: Blueprint, version: Version, bodies: dict[int, dict[str, Any]],
              header: Header, read_image: ReadImage | None = None) -> bytes:  # fmt: skip
    pdf = _Paper(version.code)
    pdf.add_page()
    _pdf_header(pdf, blueprint, header, version.code)
    flow = _Flow(pdf, read_image)
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    for section, rows in zip(blueprint.sections, printed(version, bodies), strict=True):
        pdf.set_font("Serif", "B", SIZE)
        pdf.multi_cell(0, 16, section.title, new_x="LMARGIN", new_y="NEXT")
        for q in rows:
            stem = segments(q.stem)
            line = flow.line_height(stem)
            pdf.set_font("Serif", "B", SIZE)
            pdf.write(line, f"Câu {q.number}. ")
            pdf.set_font("Serif", "", SIZE)
            flow.write(stem, line)
            pdf.ln(line)
            if q.options:
                _pdf_options(pdf, flow, q.options, usable)
            for i, statement in enumerate(q.statements):
                parts = [Segment("text", f"{'abcd'[i]}) "), *segments(statement)]
                h = flow.line_height(parts)
                pdf.set_x(pdf.l_margin + 8 * MM)
                flow.write(parts, h)
                pdf.ln(h)
            if q.type == "essay":
                pdf.ln(SIZE * 6)
    pdf.set_font("Serif", "B", SIZE)
    pdf.cell(0, 20, "------ HẾT ------", align="C")
    return bytes(pdf.output())


def _pdf_options(pdf: _Paper, flow: _Flow, options: list[str], usable: float) -> None:
    parts = [
        [Segment("text", f"{option_letter(i)}. "), *segments(o)] for i, o in enumerate(options)
    ]
    widest = max(flow.width(p) for p in parts)
    per_line = 4 if widest < usable / 4 - 6 else 2 if widest < usable / 2 - 6 else 1
    column = usable / per_line
    for start in range(0, len(parts), per_line):
        row = parts[start : start + per_line]
        h = max(flow.line_height(p) for p in row)
        y = pdf.get_y()
        for k, p in enumerate(row):
            pdf.set_xy(pdf.l_margin + 6 * MM + k * column, y)
            flow.write(p, h)
        pdf.ln(h)


# -- Word --------------------------------------------------------------------------------------


def _docx_runs(paragraph, parts: list[Segment], read_image: ReadImage | None,
               unconverted: list[str]) -> None:  # fmt: skip
    """Text as runs, formulas as Word equations (``omml``), so a teacher edits them in Word;
    a formula that cannot be one is drawn (and named in ``unconverted``), else left as LaTeX."""
    for part in parts:
        if part.kind == "text":
            paragraph.add_run(" ".join(part.value.split("\n")))
        elif part.kind == "math":
            try:
                paragraph._p.append(omml.from_latex(part.value))
                continue
            except omml.Unconvertible:
                unconverted.append(part.value)
            picture = formula(part.value, SIZE)
            if picture is None:
                paragraph.add_run(f"${part.value}$")
            else:
                paragraph.add_run().add_picture(
                    io.BytesIO(picture.png), height=Pt(picture.height_pt)
                )
        elif read_image:
            paragraph.add_run().add_break()
            paragraph.add_run().add_picture(io.BytesIO(read_image(part.value)), width=Cm(6))


def docx_paper(blueprint: Blueprint, version: Version, bodies: dict[int, dict[str, Any]],
               header: Header, read_image: ReadImage | None = None,
               unconverted: list[str] | None = None) -> bytes:  # fmt: skip
    """The Word paper; the LaTeX of each formula drawn as a picture, not written as a Word
    equation, is added to ``unconverted``."""
    unconverted = [] if unconverted is None else unconverted
    document = Document()
    section_props = document.sections[0]
    section_props.left_margin, section_props.right_margin = Cm(1.8), Cm(1.5)
    section_props.top_margin = section_props.bottom_margin = Cm(1.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(SIZE)
    style.paragraph_format.space_after = Pt(2)
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(f"{header.school}\n\nĐỀ CHÍNH THỨC").bold = True
    exam = header.exam or blueprint.title
    right.paragraphs[0].add_run(
        f"{exam.upper()}\nMôn: {SUBJECTS.get(blueprint.subject, blueprint.subject)} – Lớp "
        f"{blueprint.grade}\nThời gian làm bài: {blueprint.duration_min} phút"
        + (f"\nNgày thi: {header.date_text}" if header.date else "")
    ).bold = True
    for cell in (left, right):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Họ, tên thí sinh: ……………………………………… Số báo danh: ……………")
    code = document.add_paragraph()
    code.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    code.add_run(f"Mã đề thi {version.code}").bold = True
    usable = 21.0 - 1.8 - 1.5  # cm
    for section, rows in zip(blueprint.sections, printed(version, bodies), strict=True):
        document.add_paragraph().add_run(section.title).bold = True
        for q in rows:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"Câu {q.number}. ").bold = True
            _docx_runs(paragraph, segments(q.stem), read_image, unconverted)
            if q.options:
                _docx_options(document, q.options, usable, read_image, unconverted)
            for i, statement in enumerate(q.statements):
                line = document.add_paragraph()
                line.paragraph_format.left_indent = Cm(0.8)
                _docx_runs(line, [Segment("text", f"{'abcd'[i]}) "), *segments(statement)],
                           read_image, unconverted)  # fmt: skip
            if q.type == "essay":
                for _ in range(5):
                    document.add_paragraph()
    end = document.add_paragraph()
    end.alignment = WD_ALIGN_PARAGRAPH.CENTER
    end.add_run("------ HẾT ------").bold = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_options(document, options: list[str], usable_cm: float, read_image,
                  unconverted: list[str]) -> None:  # fmt: skip
    """Options on tab stops: four to a line when short, two when medium, else one each."""
    length = max(len(" ".join(s.value for s in segments(o))) for o in options)
    per_line = 4 if length <= 18 else 2 if length <= 40 else 1
    for start in range(0, len(options), per_line):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.6)
        for k in range(1, per_line):
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Cm(usable_cm / per_line * k), WD_TAB_ALIGNMENT.LEFT
            )
        for k, option in enumerate(options[start : start + per_line]):
            if k:
                paragraph.add_run("\t")
            bold = paragraph.add_run(f"{option_letter(start + k)}. ")
            bold.bold = True
            _docx_runs(paragraph, segments(option), read_image, unconverted)
