"""Printed papers, keys, the answer sheet and scoring a class from scanned answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kholieu.quiz import blueprint as bp
from kholieu.quiz.assembly import assemble, key_text
from kholieu.quiz.printing import answer_sheets, paper_set, papers
from kholieu.quiz.printing.mathimage import formula, segments
from tests.conftest import run_kholieu
from tests.support.bank import fill

FULL = {level: 10 for level in ("nhan_biet", "thong_hieu", "van_dung")}
M_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
OMATH = M_NS + "oMath"
# What school papers write, each a construct of its own in a Word equation.
FORMULAS = {
    r"\frac{x+1}{x-2}": "f", r"\sqrt{x^2+1}": "rad", r"\sqrt[3]{27}": "rad", r"2^{x}": "sSup",
    r"u_{n+1}": "sSub", r"\alpha + \beta = \pi": "r", r"\vec{u}": "acc",
    r"\overrightarrow{AB}": "groupChr", r"\int_{0}^{1} x^2\,dx": "nary",
    r"\sum_{k=1}^{n} k": "nary", r"\lim_{x \to 0} \frac{\sin x}{x}": "limLow",
    r"\left( \dfrac{1}{2} \right)^{n}": "d",
    r"\begin{cases} x + y = 3 \\ x - y = 1 \end{cases}": "eqArr",
    r"\log_{2} 8": "sSub", r"x_{1}^{2}": "sSubSup",
}  # fmt: skip


@pytest.fixture
def math_exam(services):
    plan = bp.exam_2025("toan")
    fill(services, "toan", 12, {s.type.value: FULL for s in plan.sections})
    return plan


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_set_of_papers_with_keys_and_the_answer_sheet(services, math_exam, tmp_path):
    with services.sessions() as session:
        versions = assemble(session, math_exam, seed=11, versions=4)
        bodies = paper_set.bodies_of(session, versions)
    header = papers.Header("TRƯỜNG THPT CHU VĂN AN", "Kiểm tra cuối kì I")
    files = paper_set.write(tmp_path, math_exam, versions, bodies, seed=11, header=header)
    names = sorted(f.name for f in files)
    papers_written = [f"de-{c}.{e}" for c in ("101", "102", "103", "104") for e in ("pdf", "docx")]
    extras = ["assembly.json", "dap-an.csv", "dap-an.pdf", "dap-an.xlsx", "phieu-tra-loi.pdf"]
    assert names == sorted(extras + papers_written)

    paper = (tmp_path / "de-102.pdf").read_bytes()
    text = pdf_text(paper)
    for expected in ("TRƯỜNG THPT CHU VĂN AN", "KIỂM TRA CUỐI KÌ I", "Môn: Toán – Lớp 12",
                     "90 phút", "Mã đề thi 102", "PHẦN I", "PHẦN III", "Câu 1.", "Câu 12.",
                     "HẾT"):  # fmt: skip
        assert expected in text, expected
    # The 2025 format numbers each PHẦN from Câu 1: 12 choices, 4 true/false, 6 short answers.
    assert "Câu 13." not in text
    before_three, part_three = text.split("PHẦN III")
    part_two = before_three.split("PHẦN II")[1]
    assert part_two.split("Câu ")[1].startswith("1.") and "Câu 4." in part_two
    assert "Câu 5." not in part_two
    assert part_three.split("Câu ")[1].startswith("1.") and "Câu 6." in part_three
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(paper)).pages)
    assert images >= 22  # every question has a formula, drawn
    assert "$" not in text  # no LaTeX source left on the page

    word = docx.Document(str(tmp_path / "de-102.docx"))
    assert len(word.element.body.findall(f".//{OMATH}")) >= 22  # formulas are Word equations
    assert len(word.inline_shapes) == 0
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Mã đề thi 102" in body and "PHẦN II" in body
    numbered = [p.text.split(".")[0] for p in word.paragraphs if p.text.startswith("Câu ")]
    assert numbered == [f"Câu {n}" for n in [*range(1, 13), *range(1, 5), *range(1, 7)]]

    rows = list(csv.DictReader(io.StringIO((tmp_path / "dap-an.csv").read_text())))
    assert len(rows) == 4 * 22
    first = [r for r in rows if r["ma_de"] == "101"]
    assert [r["dap_an"] for r in first] == [key_text(i) for i in versions[0].items]
    assert [(r["phan"], r["cau"]) for r in first] == [("I", str(n)) for n in range(1, 13)] + [
        ("II", str(n)) for n in range(1, 5)] + [("III", str(n)) for n in range(1, 7)]  # fmt: skip
    sheet = load_workbook(tmp_path / "dap-an.xlsx").active
    assert [c.value for c in sheet[1]] == ["Câu", "Phần", "Mã 101", "Mã 102", "Mã 103", "Mã 104"]
    assert [(r[1].value, r[0].value) for r in sheet.iter_rows(min_row=14, max_row=17)] == [
        ("II", 1), ("II", 2), ("II", 3), ("II", 4)]  # fmt: skip
    assert "ĐÁP ÁN" in pdf_text((tmp_path / "dap-an.pdf").read_bytes())
    sheet_text = pdf_text((tmp_path / "phieu-tra-loi.pdf").read_bytes())
    assert "PHẦN I" in sheet_text and "PHẦN II" in sheet_text and "PHẦN III" in sheet_text

    record = json.loads((tmp_path / "assembly.json").read_text())
    assert [v["code"] for v in record["versions"]] == ["101", "102", "103", "104"]


def test_a_formula_mathtext_cannot_draw_stays_as_its_source():
    assert formula(r"\frac{1}{2}") is not None
    assert formula(r"\begin{cases} x \end{cases}") is None
    parts = segments(r"Tính $\frac{1}{2}$ và \(x^2\)")
    assert [p.kind for p in parts] == ["text", "math", "text", "math"]


def _sheet_row(student: str, code: str, items: list[dict], wrong: bool = False) -> dict:
    row = {"student": student, "ma_de": code}
    for number, item in enumerate(items, start=1):
        key = item["key"]
        match item["type"]:
            case "single_choice":
                row[str(number)] = "ABCD"[(key + 1) % 4 if wrong else key]
            case "true_false_group":
                row[str(number)] = "".join("Đ" if v != wrong else "S" for v in key)
            case _:
                row[str(number)] = "999" if wrong else key
    return row


def test_scanned_answers_score_a_class_and_bad_rows_are_named(services, math_exam):
    with services.sessions() as session:
        versions = assemble(session, math_exam, seed=2, versions=2)
        record = answer_sheets.record(
            math_exam, versions, paper_set.bodies_of(session, versions), 2
        )
    items = {v["code"]: v["items"] for v in record["versions"]}
    rows = [_sheet_row("Nguyễn An", "101", items["101"]),
            _sheet_row("Trần Bình", "102", items["102"], wrong=True),
            {"student": "Lê Chi", "ma_de": "999"},
            {**_sheet_row("Phạm Dũng", "101", items["101"]), "1": "E"}]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, ["student", "ma_de", *[str(n) for n in range(1, 23)]])
    writer.writeheader()
    writer.writerows(rows)
    report = answer_sheets.score_class(record, out.getvalue())
    scores = {s["student"]: s for s in report.scores}
    assert scores["Nguyễn An"]["score_10"] == 10
    assert scores["Trần Bình"]["score_10"] == 0
    assert report.rejected == [
        {"line": 4, "error": "ma_de '999' is not one of 101, 102"},
        {"line": 5, "error": "câu 1: 'E' is not an option letter (A, B, C, D)"},
    ]


def test_the_command_line_prints_papers_and_scores_a_class(services, math_exam, settings, tmp_path):
    env = {
        "KHOLIEU_DATA_DIR": str(settings.data_dir),
        "KHOLIEU_DATABASE_URL": settings.database_url,
    }
    blueprint = tmp_path / "toan.json"
    blueprint.write_text(json.dumps(math_exam.model_dump(mode="json"), ensure_ascii=False))
    out = tmp_path / "de"
    result = run_kholieu("quiz", "assemble", str(blueprint), "--versions", "3", "--out", str(out),
                         "--seed", "5", "--school", "TRƯỜNG THPT PHAN CHÂU TRINH",
                         "--date", "20/12/2026", "--json", env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["versions"] == ["101", "102", "103"] and report["questions"] == 22
    assert report["formulas_drawn_in_word"] == 0
    text = pdf_text((out / "de-103.pdf").read_bytes())
    assert "TRƯỜNG THPT PHAN CHÂU TRINH" in text and "Ngày thi: 20/12/2026" in text
    bad = run_kholieu("quiz", "assemble", str(blueprint), "--out", str(tmp_path / "y"),
                      "--school", "T" * 200, env=env)  # fmt: skip
    assert bad.returncode == 1 and "Tên trường: dài 200 ký tự, tối đa 120 ký tự." in bad.stderr
    assert not (tmp_path / "y").exists()
    record = json.loads((out / "assembly.json").read_text())
    answers = tmp_path / "quet.csv"
    writer_rows = [_sheet_row("An", "103", record["versions"][2]["items"])]
    with answers.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["student", "ma_de", *[str(n) for n in range(1, 23)]])
        writer.writeheader()
        writer.writerows(writer_rows)
    scored = run_kholieu("quiz", "score", str(out), str(answers), "--json", env=env)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["scores"][0]["score_10"] == 10
    short = tmp_path / "short.json"
    short.write_text(json.dumps({**math_exam.model_dump(mode="json"), "grade": 11}))
    failed = run_kholieu("quiz", "assemble", str(short), "--out", str(tmp_path / "x"), env=env)
    assert failed.returncode == 1 and "ngân hàng có 0" in failed.stderr


def _formula_exam(services) -> bp.Blueprint:
    """A bank of questions whose stems, options and statements hold ``FORMULAS``, and a
    blueprint drawing all of them: 4 choices, 1 true/false group, 2 short answers."""
    from kholieu.bank.schemas import QuestionIn

    sources = list(FORMULAS)
    bodies = [
        {"type": "single_choice", "stem": f"Tính ${sources[0]}$ tại $x = 3$ và ${sources[1]}$.",
         "options": [f"${sources[2]}$", f"${sources[3]}$", "$4$", "$5$"], "answer": 0},
        {"type": "single_choice", "stem": f"Dãy số ${sources[4]} = u_n + 2$; góc ${sources[5]}$.",
         "options": ["$1$", "$2$", "$3$", "$4$"], "answer": 1},
        {"type": "single_choice", "stem": f"Cho ${sources[6]}$ và ${sources[7]}$. Chọn đúng.",
         "options": ["$6$", "$7$", "$8$", "$9$"], "answer": 2},
        {"type": "single_choice", "stem": f"Tính ${sources[8]}$.",
         "options": [r"$\dfrac{1}{3}$", r"$\dfrac{1}{2}$", "$1$", "$2$"], "answer": 0},
        {"type": "true_false_group", "stem": "Xét các khẳng định sau.",
         "statements": [f"${sources[9]} = \\frac{{n(n+1)}}{{2}}$", f"${sources[10]} = 1$",
                        f"${sources[11]}$ giảm", f"Hệ ${sources[12]}$ có nghiệm $(2; 1)$"],
         "answer": [True, True, True, False]},
        {"type": "short_answer", "stem": f"Tính ${sources[13]}$.", "answer": "3"},
        {"type": "short_answer", "stem": f"Cho ${sources[14]} = 4$, tìm $x_1 > 0$.",
         "answer": "2"},
    ]  # fmt: skip
    with services.sessions.begin() as session:
        for body in bodies:
            data = QuestionIn.model_validate({**body, "subject": "toan", "grade": 10,
                                              "level": "nhan_biet", "status": "ready",
                                              "exposure": "exam"})  # fmt: skip
            services.questions.create(session, None, data, audit_it=False)
    counts = {"nhan_biet": 1}
    return bp.parse({
        "title": "Kiểm tra công thức", "subject": "toan", "grade": 10, "duration_min": 45,
        "sections": [
            {"title": "PHẦN I. Trắc nghiệm", "type": "single_choice", "points_each": 0.25,
             "rows": [{"counts": {"nhan_biet": 4}}]},
            {"title": "PHẦN II. Đúng sai", "type": "true_false_group", "points_each": 1,
             "rows": [{"counts": counts}]},
            {"title": "PHẦN III. Trả lời ngắn", "type": "short_answer", "points_each": 0.5,
             "rows": [{"counts": {"nhan_biet": 2}}]},
        ],
    })  # fmt: skip


def test_the_word_paper_holds_every_formula_as_a_word_equation(services, tmp_path):
    """Done when (issue 20): the Word paper's formulas are OMML, read back with python-docx; no
    formula is a picture; each reads back (``bank.formats.omml``) as the LaTeX it came from."""
    import xml.etree.ElementTree as ET

    from lxml import etree

    from kholieu.bank.formats.omml import to_latex

    plan = _formula_exam(services)
    with services.sessions() as session:
        versions = assemble(session, plan, seed=3, versions=2)
        bodies = paper_set.bodies_of(session, versions)
    unconverted: list[str] = []
    header = papers.Header("TRƯỜNG THCS NGUYỄN DU", "Kiểm tra giữa kì", dt.date(2026, 3, 14))
    paper_set.write(tmp_path, plan, versions, bodies, seed=3, header=header,
                    unconverted=unconverted)  # fmt: skip
    assert unconverted == []
    word = docx.Document(str(tmp_path / "de-101.docx"))
    assert len(word.inline_shapes) == 0  # no formula drawn as a picture
    equations = word.element.body.findall(f".//{OMATH}")
    in_paper = [m for b in bodies.values()
                for s in (b["stem"], *(b.get("options") or []), *(b.get("statements") or []))
                for m in segments(s) if m.kind == "math"]  # fmt: skip
    assert len(equations) == len(in_paper) >= len(FORMULAS)
    read_back = [" ".join(to_latex(ET.fromstring(etree.tostring(m))).split()) for m in equations]
    for source, construct in FORMULAS.items():
        found = [m for m in equations if m.find(f".//{M_NS}{construct}") is not None]
        assert found, (source, construct)

    def read(latex: str) -> bool:
        return any(latex in r for r in read_back)

    for latex in (r"\sqrt[3]{27}", r"\vec{u}", r"\overrightarrow{AB}", r"\int_{0}^{1} x^{2} dx",
                  r"\lim_{x\to 0}\frac{\sin x}{x}", r"\begin{cases}x+y=3 \\ x-y=1\end{cases}",
                  r"\alpha +\beta =\pi", r"\frac{x+1}{x-2}", r"\sqrt{x^{2}+1}", r"u_{n+1}",
                  r"\sum_{k=1}^{n} k", r"\log_{2}8", r"x_{1}^{2}"):  # fmt: skip
        assert read(latex), latex
    # The equations sit in the question's paragraph, between its words, as Word puts them.
    first = next(p for p in word.paragraphs if p.text.startswith("Câu 1.") and "Tính" in p.text)
    assert first._p.find(OMATH) is not None
    # The PDF paper draws them, with PHẦN III from Câu 1.
    cells = "\n".join(c.text for t in word.tables for c in t.rows[0].cells)
    assert "TRƯỜNG THCS NGUYỄN DU" in cells and "Ngày thi: 14/03/2026" in cells
    text = pdf_text((tmp_path / "de-101.pdf").read_bytes())
    assert "PHẦN III" in text  # (mathtext draws no cases: that one stays LaTeX on the PDF)
    assert "TRƯỜNG THCS NGUYỄN DU" in text and "Ngày thi: 14/03/2026" in text
    assert text.split("PHẦN III")[1].split("Câu ")[1].startswith("1.")


def test_a_formula_word_cannot_hold_is_drawn_and_counted(services, tmp_path):
    """latex2mathml cannot read \\genfrac: that formula becomes the drawn picture of before,
    and the writer names it; the others stay equations."""
    plan = _formula_exam(services)
    with services.sessions() as session:
        versions = assemble(session, plan, seed=3, versions=1)
        bodies = paper_set.bodies_of(session, versions)
    first = versions[0].items[0].question_id
    bodies[first] = {**bodies[first], "stem": r"Rút gọn $\genfrac{}{}{0}{}{a}{b}$ và $x^2$."}
    unconverted: list[str] = []
    data = papers.docx_paper(plan, versions[0], bodies, papers.Header(), None, unconverted)
    assert unconverted == [r"\genfrac{}{}{0}{}{a}{b}"]
    word = docx.Document(io.BytesIO(data))
    assert len(word.inline_shapes) == 1
    paragraph = next(p for p in word.paragraphs if "Rút gọn" in p.text)
    assert len(paragraph._p.findall(OMATH)) == 1  # x^2


def _ink(image, x: float, y: float, scale: float) -> int:
    """The darkest pixel within a pixel of (x, y) pt."""
    px, py = round(x * scale), round(y * scale)
    return min(image.getpixel((i, j)) for i in range(px - 1, px + 2) for j in range(py - 1, py + 2))


def test_the_answer_sheet_has_bubble_grids_for_sbd_and_ma_de(tmp_path):
    """The 2025 sheet: six columns of 0–9 for số báo danh, three for mã đề, each under a box to
    write the digit in; every bubble of the layout is drawn where the layout says (read from
    the PDF rendered by poppler), and the questions are numbered from Câu 1 in each PHẦN."""
    import subprocess

    from PIL import Image

    plan = bp.exam_2025("toan")
    sheet = answer_sheets.sheet_layout(plan)
    grid = {(b.field, b.column, b.mark) for b in sheet.bubbles if b.field in ("sbd", "ma_de")}
    assert grid == {("sbd", c, str(d)) for c in range(6) for d in range(10)} | {
        ("ma_de", c, str(d)) for c in range(3) for d in range(10)}  # fmt: skip
    fields = {b.field for b in sheet.bubbles}
    assert {"I.1", "I.12", "II.1.a", "II.4.d", "III.1", "III.6"} <= fields
    assert "I.13" not in fields and "II.5.a" not in fields and "III.7" not in fields
    big = bp.parse({"title": "Lớn", "subject": "toan", "grade": 12, "duration_min": 90,
                    "sections": [{"title": t, "type": k, "points_each": 0.1,
                                  "rows": [{"counts": {"nhan_biet": n}}]}
                                 for t, k, n in (("PHẦN I", "single_choice", 50),
                                                 ("PHẦN II", "true_false_group", 6),
                                                 ("PHẦN III", "short_answer", 8))]})  # fmt: skip
    spread = answer_sheets.sheet_layout(big)  # more than a page holds: onto a second page
    assert spread.page == 1 and {"I.50", "II.6.d", "III.8"} <= {b.field for b in spread.bubbles}
    assert all(answer_sheets.MARGIN <= b.y <= answer_sheets.PAGE_H - answer_sheets.MARGIN
               for b in spread.bubbles)  # fmt: skip
    assert len({(b.page, b.x, b.y) for b in spread.bubbles}) == len(spread.bubbles)
    ma_de = [b for b in sheet.bubbles if b.field == "ma_de"]
    assert {round(b.x) for b in ma_de} != {round(b.x) for b in sheet.bubbles if b.field == "sbd"}
    assert len({(b.page, round(b.x), round(b.y)) for b in sheet.bubbles}) == len(sheet.bubbles)
    assert all(0 < b.x < answer_sheets.PAGE_W and 0 < b.y < answer_sheets.PAGE_H
               for b in sheet.bubbles)  # fmt: skip

    pdf = tmp_path / "phieu.pdf"
    pdf.write_bytes(answer_sheets.answer_sheet_pdf(plan))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert "SỐ BÁO DANH" in text and "MÃ ĐỀ" in text and "PHẦN III" in text
    assert "Câu 6" in text.split("PHẦN III")[1] and "Câu 5" not in text.split("PHẦN II")[1][:9]
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "phieu")], check=True)  # fmt: skip
    image = Image.open(tmp_path / "phieu.png").convert("L")
    scale = 144 / 72
    r = answer_sheets.R
    for b in sheet.bubbles:
        rings = [_ink(image, b.x + dx, b.y + dy, scale) for dx, dy in
                 ((r, 0), (-r, 0), (0, r), (0, -r))]  # fmt: skip
        assert max(rings) < 160, (b, rings)  # the ring is drawn all round
        if b.field in ("sbd", "ma_de"):
            assert _ink(image, b.x, b.y, scale) > 200, b  # and empty inside, to be filled
    # Between two bubbles of a column there is paper, not one long smudge.
    first, second = (b for b in sheet.bubbles if b.field == "sbd" and b.column == 0
                     and b.mark in "01")  # fmt: skip
    assert _ink(image, first.x, (first.y + second.y) / 2, scale) > 200


def test_scanned_answers_by_the_sheets_numbers_and_sbd(services, math_exam):
    """A scanner writes the sheet's own numbering (I.1 … III.6) and the bubbled số báo danh:
    scored like the paper-order columns; a bad số báo danh names the row."""
    with services.sessions() as session:
        versions = assemble(session, math_exam, seed=2, versions=2)
        record = answer_sheets.record(
            math_exam, versions, paper_set.bodies_of(session, versions), 2
        )
    items = record["versions"][1]["items"]
    labels = [f"{p}.{n}" for p, n in
              [("I", n) for n in range(1, 13)] + [("II", n) for n in range(1, 5)] +
              [("III", n) for n in range(1, 7)]]  # fmt: skip
    right = _sheet_row("", "102", items)
    by_label = {"student": "", "sbd": "012345", "ma_de": "102",
                **{label: right[str(n)] for n, label in enumerate(labels, start=1)}}  # fmt: skip
    wrong = {**by_label, "sbd": "012346", "III.1": "999"}
    bad = {**by_label, "sbd": "12a45"}
    out = io.StringIO()
    writer = csv.DictWriter(out, ["student", "sbd", "ma_de", *labels])
    writer.writeheader()
    writer.writerows([by_label, wrong, bad])
    report = answer_sheets.score_class(record, out.getvalue())
    scores = {s["sbd"]: s for s in report.scores}
    assert scores["012345"]["score_10"] == 10 and scores["012345"]["student"] == "012345"
    assert scores["012346"]["score_10"] == 10 - 0.5 * 10 / record_points(record)
    assert report.rejected == [
        {"line": 4, "error": "số báo danh '12a45' không phải 6 chữ số"}]  # fmt: skip


def record_points(record: dict) -> float:
    return sum(i["points"] for i in record["versions"][0]["items"])


def test_the_header_fields_are_checked_and_tidied():
    from kholieu.errors import ValidationFailed
    from kholieu.quiz.printing import header

    made = header.parse("  Trường THPT\n Chu Văn An ", "", "14/03/2026", untitled="Đề 1")
    assert made == header.Header("Trường THPT Chu Văn An", "Đề 1", dt.date(2026, 3, 14))
    assert made.date_text == "14/03/2026"
    assert header.parse() == header.Header(header.BLANK_SCHOOL, "", None)
    assert header.parse("T" * 120).school == "T" * 120
    for fields, message in (
        (("T" * 121,), "Tên trường: dài 121 ký tự, tối đa 120 ký tự."),
        (("", "K" * 151), "Tên kì thi: dài 151 ký tự, tối đa 150 ký tự."),
        (("", "", "1899-01-01"), "Ngày thi: “1899-01-01” không phải một ngày"),
        (("", "", "mai"), "Ngày thi: “mai” không phải một ngày"),
        (("Trường\u202e",), "Tên trường: có ký tự điều khiển, không in được."),
    ):
        with pytest.raises(ValidationFailed) as refused:
            header.parse(*fields)
        assert refused.value.text.render("vi").startswith(message), fields
