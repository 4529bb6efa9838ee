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


def test_unicode_text_saved_by_excel_utf16_with_tabs(tmp_path):
    """Excel's "Unicode Text (*.txt)" renamed .csv: UTF-16 LE with a BOM, tabs, CRLF — read
    like the other text formats, not reported as wrong columns."""
    text = "câu hỏi\tA\tB\tđáp án\r\nThủ đô của Việt Nam là\tHà Nội\tHuế\tA\r\n"
    path = tmp_path / "unicode.csv"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (found,) = records(path)
    assert found.error is None, found.error
    assert found.data["options"] == ["Hà Nội", "Huế"] and found.data["answer"] == 0


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


NAMED = ["Loại", "Câu hỏi", "A", "B", "Đáp án", "Môn", "Lớp", "Mức độ"]


@pytest.mark.parametrize(
    ("subject", "grade", "level", "kind", "expected"),
    [("Sinh học", "Lớp 10", "Nhận biết", "Trắc nghiệm", ("sinh-hoc", 10, "nhan_biet")),
     ("sinh hoc", "10", "nhan biet", "trac nghiem", ("sinh-hoc", 10, "nhan_biet")),
     ("SINH HỌC", "lop 10", "NB", "single_choice", ("sinh-hoc", 10, "nhan_biet")),
     ("sinh-hoc", "Khối 10", "TH", "", ("sinh-hoc", 10, "thong_hieu")),
     ("Toán", "10", "Thông hiểu", "TN", ("toan", 10, "thong_hieu")),
     ("Vật lý", "12", "VD", "Trắc nghiệm nhiều phương án lựa chọn", ("vat-li", 12, "van_dung")),
     ("Hoá học", "11", "Vận dụng cao", "MCQ", ("hoa-hoc", 11, "van_dung_cao")),
     ("GDCD", "9", "VDC", "trắc nghiệm", ("gdcd", 9, "van_dung_cao"))],
)  # fmt: skip
def test_subjects_grades_levels_and_types_by_their_vietnamese_names(
    tmp_path, subject, grade, level, kind, expected
):
    book = openpyxl.Workbook()
    book.active.append(NAMED)
    book.active.append([kind, "Câu hỏi?", "có", "không", "A", subject, grade, level])
    path = tmp_path / "ten.xlsx"
    book.save(path)
    (found,) = records(path)
    question = QuestionIn.model_validate(found.data)
    assert (question.subject, question.grade, question.level) == expected
    assert question.type.value == "single_choice"


@pytest.mark.parametrize(
    ("name", "code"),
    [("Đúng/Sai", "true_false_group"), ("đúng sai", "true_false_group"), ("ĐS", "true_false_group"),
     ("Trả lời ngắn", "short_answer"), ("TRA LOI NGAN", "short_answer"), ("Tự luận", "essay"),
     ("Nhiều đáp án", "multiple_response"), ("multiple_response", "multiple_response")],
)  # fmt: skip
def test_question_types_by_their_names(tmp_path, name, code):
    answers = {"true_false_group": "Đ,S,S,Đ", "short_answer": "1,5", "essay": "",
               "multiple_response": "A, C"}  # fmt: skip
    row = [name, "Câu hỏi?", "a", "b", "c", "d", answers[code], "", "Sinh học", "Lớp 11", "", "",
           ""]  # fmt: skip
    (found,) = records(sheet(tmp_path, [row]))
    assert found.error is None and found.data["type"] == code
    assert QuestionIn.model_validate(found.data).subject == "sinh-hoc"


def test_unknown_names_are_refused_on_their_row_with_what_is_accepted(tmp_path):
    rows = [
        ["", "Câu?", "a", "b", "", "", "A", "", "Sinh hocc", "10", "", "", ""],
        ["", "Câu?", "a", "b", "", "", "A", "", "toan", "Lớp 13", "", "", ""],
        ["", "Câu?", "a", "b", "", "", "A", "", "toan", "10", "khó", "", ""],
    ]
    subject, grade, level = records(sheet(tmp_path, rows))
    assert subject.line == 2 and subject.error.startswith("subject: 'Sinh hocc' is not a known")
    assert "Sinh học" in subject.error and "sinh-hoc" in subject.error
    assert grade.line == 3 and grade.error == "grade: 'Lớp 13' is not a grade 1–12 (10, Lớp 10)"
    assert level.line == 4 and level.error.startswith("level: 'khó' is not a level")


def test_a_choice_row_without_options_says_so(tmp_path):
    rows = [
        ["", "Câu không có phương án", "", "", "", "", "A", "", "", "", "", "", ""],
        ["Đúng/Sai", "Nhận định", "", "", "", "", "Đ,S,S,Đ", "", "", "", "", "", ""],
    ]
    choice, group = records(sheet(tmp_path, rows))
    assert choice.error.startswith("options: no options")
    assert group.error.startswith("statements: no statements")


def test_a_csv_cell_over_the_csv_limit_is_a_located_error(tmp_path):
    path = tmp_path / "dai.csv"
    long = "x" * 131_073
    path.write_text(f'câu hỏi,A,B,đáp án\nCâu 1,a,b,A\n"{long}",a,b,A\n', encoding="utf-8")
    with pytest.raises(FormatError) as refused:
        records(path)
    assert str(refused.value) == (
        "dai.csv: line 3: a cell is longer than 131,072 characters, the most a CSV cell may hold"
    )


def _rewritten(source, target, name, change):
    """The workbook at ``source`` with one zip member's bytes changed, as a damaged copy."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, change(data) if info.filename == name else data)
    return target


def test_an_xlsx_whose_sheet_xml_is_broken_is_a_located_error(tmp_path):
    good = sheet(tmp_path, [ROWS[0]] * 3)
    unclosed = b'<row r="9"><c></sheetData>'
    cut = _rewritten(good, tmp_path / "hong.xlsx", "xl/worksheets/sheet1.xml",
                     lambda xml: xml.replace(b"</sheetData>", unclosed))  # fmt: skip
    with pytest.raises(FormatError, match=r"^hong\.xlsx: line 5: the sheet's XML is broken"):
        records(cut)
    book = _rewritten(good, tmp_path / "so.xlsx", "xl/workbook.xml", lambda xml: xml[:40])
    with pytest.raises(FormatError, match=r"^so\.xlsx: the workbook's XML is broken"):
        records(book)
