"""CSV and XLSX question sheets: Vietnamese column names, keys as teachers write them, errors
with the row number, Excel's Vietnamese code page, and workbooks that are not safe zips."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import openpyxl
import pytest

from kholieu.bank.formats import FormatError
from kholieu.bank.formats.tabular import read
from kholieu.bank.schemas import QuestionIn

HEADER = ["Loại", "Câu hỏi", "A", "B", "C", "D", "Đáp án", "Lời giải", "Môn", "Lớp", "Mức độ",
          "Chủ đề", "Từ khoá"]  # fmt: skip
ROWS = [
    ["", "Giá trị của $\\sin 30^\\circ$ là", "$\\frac12$", "1", "0", "2", "A", "Bảng giá trị",
     "toan", "10", "Nhận biết", "Lượng giác", "sin, goc"],
    ["đúng sai", "Cho $f(x)=x^2$.", "f(1)=1", "f(-1)=-1", "f đồng biến trên R", "f(0)=0",
     "Đ,S,S,Đ", "", "toan", "10", "TH", "Hàm số", ""],
    ["trả lời ngắn", "Tính $1,2 + 0,3$", "", "", "", "", "1,5", "", "toan", "6", "", "", ""],
    ["nhiều đáp án", "Số chẵn", "2", "3", "4", "5", "A, C", "", "toan", "6", "", "", ""],
    ["tự luận", "Trình bày lời giải bài toán sau.", "", "", "", "", "", "", "toan", "8", "VD",
     "", ""],
    ["", "Câu thiếu đáp án", "a", "b", "", "", "E", "", "", "", "", "", ""],
    ["trắc nghiệm ghép", "x", "a", "b", "", "", "A", "", "", "", "", "", ""],
]  # fmt: skip


def sheet(tmp_path, rows, name="cau-hoi.xlsx"):
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def records(path):
    return list(read(path, images=lambda *_: pytest.fail("no images")))


def test_vietnamese_layout_in_xlsx(tmp_path):
    found = records(sheet(tmp_path, ROWS))
    assert [r.line for r in found] == [2, 3, 4, 5, 6, 7, 8]
    single, group, short, multi, essay = (QuestionIn.model_validate(r.data) for r in found[:5])
    assert single.answer == 0 and single.level == "nhan_biet" and single.grade == 10
    assert single.tags == ["sin", "goc"] and single.topic == "Lượng giác"
    assert group.type.value == "true_false_group" and group.answer == [True, False, False, True]
    assert short.answer == "1,5" and short.fits_2025
    assert multi.answer == [0, 2] and essay.type.value == "essay" and essay.level == "van_dung"
    assert found[5].error == "answer: 'E' is not one of the options A–B"
    assert found[6].error.startswith("type: 'trắc nghiệm ghép' is not a question type")


@pytest.mark.parametrize(
    ("key", "truths"),
    [("ĐSSĐ", [True, False, False, True]), ("T,F,F,T", [True, False, False, True]),
     ("a, d", [True, False, False, True]), ("đúng; sai; sai; đúng", [True, False, False, True])],
)  # fmt: skip
def test_true_false_keys_as_teachers_write_them(tmp_path, key, truths):
    row = ["dung sai", "Cho hàm số", "a", "b", "c", "d", key, "", "", "", "", "", ""]
    assert records(sheet(tmp_path, [row]))[0].data["answer"] == truths


def cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese in code page 1258: letters like ê, ơ, ư, đ whole, tone
    marks as combining characters after them."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in text:
        base, *marks = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
        out += (letter + "".join(m for m in marks if m in tones)).encode("cp1258")
    return out


def test_csv_saved_by_excel_in_the_vietnamese_code_page(tmp_path):
    text = "câu hỏi;A;B;đáp án\nThủ đô của Việt Nam là;Hà Nội;Huế;A\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(cp1258(text))
    assert path.read_bytes() != text.encode("utf-8")
    (found,) = records(path)
    assert found.data["stem"] == "Thủ đô của Việt Nam là" and found.data["answer"] == 0
    assert found.data["options"] == ["Hà Nội", "Huế"]


def test_a_sheet_without_a_header_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "no-header.csv"
    path.write_text("1+1=?,2,3,A\n", encoding="utf-8")
    with pytest.raises(FormatError, match="the first row must name the columns"):
        records(path)


def test_a_zip_bomb_posing_as_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 2**20))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FormatError, match="refused as a possible zip bomb"):
        records(path)
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FormatError, match="not a zip archive"):
        records(path)
