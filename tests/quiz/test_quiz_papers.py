"""Printed papers, keys, the answer sheet and scoring a class from scanned answers."""

from __future__ import annotations

import csv
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
                     "90 phút", "Mã đề thi 102", "PHẦN I", "PHẦN III", "Câu 1.", "Câu 22.",
                     "HẾT"):  # fmt: skip
        assert expected in text, expected
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(paper)).pages)
    assert images >= 22  # every question has a formula, drawn
    assert "$" not in text  # no LaTeX source left on the page

    word = docx.Document(str(tmp_path / "de-102.docx"))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Mã đề thi 102" in body and "Câu 22." in body and "PHẦN II" in body
    assert len(word.inline_shapes) >= 22

    rows = list(csv.DictReader(io.StringIO((tmp_path / "dap-an.csv").read_text())))
    assert len(rows) == 4 * 22
    first = [r for r in rows if r["ma_de"] == "101"]
    assert [r["dap_an"] for r in first] == [key_text(i) for i in versions[0].items]
    sheet = load_workbook(tmp_path / "dap-an.xlsx").active
    assert [c.value for c in sheet[1]] == ["Câu", "Phần", "Mã 101", "Mã 102", "Mã 103", "Mã 104"]
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
                         "--seed", "5", "--json", env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["versions"] == ["101", "102", "103"] and report["questions"] == 22
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
