"""Word files in the Vietnamese teachers' layout, built as Word writes them: every way of giving
a key, options on one row, sections, equations (a MathType object without its data is
reported), Word's own numbering, images and an answer table; every rejection names the question
and why."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml import parse_xml
from PIL import Image

from kholieu.bank.formats import FormatError
from kholieu.bank.formats.docx_read import read
from kholieu.bank.schemas import QuestionIn
from tests.support.docx import add

MATH_NS = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
HALF = (  # ½ as Word writes it: a fraction without <m:fPr>
    f"<m:oMath {MATH_NS}><m:f><m:num><m:r><m:t>1</m:t></m:r></m:num>"
    "<m:den><m:r><m:t>2</m:t></m:r></m:den></m:f><m:r><m:t>+</m:t></m:r>"
    "<m:sSup><m:e><m:r><m:t>x</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup>"
    "</m:oMath>"
)
MATHTYPE = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"><w:object>'
    '<o:OLEObject Type="Embed" ProgID="Equation.DSMT4" ShapeID="_x0000_i1025"/>'
    "</w:object></w:r>"
)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def teacher_document(tmp_path):
    d = Document()
    add(d, ("SỞ GD&ĐT HÀ NỘI — ĐỀ KIỂM TRA GIỮA KÌ I", {"bold": True}))
    add(d, ("PHẦN I. Câu trắc nghiệm nhiều phương án lựa chọn", {"bold": True}))
    add(d, ("Câu 1 (NB):", {"bold": True}), " Thủ đô của Việt Nam là")
    add(d, ("A.", {"underline": True}), " Hà Nội")
    add(d, "B. Huế")
    add(d, "C. Đà Nẵng")
    add(d, "D. Cần Thơ")
    add(d, ("Câu 2.", {"bold": True}), " Số nguyên tố nhỏ nhất là")
    add(d, ("A.", {"bold": True}), " 2\t", ("B.", {"bold": True, "red": True}), " 3\t",
        ("C.", {"bold": True}), " 1\t", ("D.", {"bold": True}), " 0")  # fmt: skip
    three = add(d, ("Câu 3:", {"bold": True}), " Giá trị của ")
    three._p.append(parse_xml(HALF))
    add(d, ("A.", {"red": True}), " đúng")
    add(d, "B. sai")
    four = add(d, ("Câu 4:", {"bold": True}), " Nghiệm của phương trình ")
    four._p.append(parse_xml(MATHTYPE))
    add(d, ("A.", {"underline": True}), " 1")
    add(d, "B. 2")
    add(d, ("Câu 5:", {"bold": True}), " Chọn từ có phần gạch chân phát âm khác:")
    add(d, "A. h", ("ea", {"underline": True}), "d")
    add(d, ("B.", {"red": True}), " m", ("ea", {"underline": True}), "t")
    add(d, "C. br", ("ea", {"underline": True}), "d")
    add(d, "D. sw", ("ea", {"underline": True}), "t")
    add(d, ("Câu 6:", {"bold": True}), " Hình dưới đây là")
    d.add_picture(io.BytesIO(png()))
    add(d, ("A.", {"red": True}), " hình vuông")
    add(d, "B. hình tròn")
    add(d, ("Câu 8:", {"bold": True}), " Điểm kiểm tra của một nhóm học sinh:")
    table = d.add_table(rows=2, cols=3)
    for i, (top, bottom) in enumerate([("Điểm", "Số học sinh"), ("7", "5"), ("8", "3")]):
        table.cell(0, i).text, table.cell(1, i).text = top, bottom
    add(d, "Số trung bình cộng là")
    add(d, ("A.", {"underline": True}), " 7,375\t", "B. 7,5")
    add(d, ("Câu 7:", {"bold": True}), " Câu không có đáp án")
    add(d, "A. x")
    add(d, "B. y")
    add(d, ("PHẦN II. Câu trắc nghiệm đúng sai", {"bold": True}))
    add(d, ("Câu 1:", {"bold": True}), " Cho hàm số $y = x^2$.")
    add(d, ("a)", {"underline": True}), " Hàm số chẵn.")
    add(d, "b) Hàm số đồng biến trên R.")
    add(d, ("c)", {"underline": True}), " Đồ thị đi qua gốc toạ độ.")
    add(d, "d) Hàm số có hai cực trị.")
    add(d, ("PHẦN III. Câu trắc nghiệm trả lời ngắn", {"bold": True}))
    add(d, ("Câu 1:", {"bold": True}), " Giải phương trình $2x + 3 = 0$.")
    add(d, "<Key=-1,5>")
    add(d, ("Lời giải:", {"bold": True}), " Ta có $2x = -3$")
    add(d, "nên $x = -1,5$.")
    add(d, ("Câu 2:", {"bold": True}), " Tính $3 \\cdot 4$.")
    add(d, ("PHẦN IV. Tự luận", {"bold": True}))
    d.add_paragraph("Trình bày cảm nhận về bài thơ Sóng.", style="List Number")
    add(d, ("BẢNG ĐÁP ÁN", {"bold": True}))
    add(d, "PHẦN I")
    add(d, "7-B")
    add(d, "PHẦN III")
    add(d, "2-12")
    path = tmp_path / "de-kiem-tra.docx"
    d.save(path)
    return path


@pytest.fixture
def found(tmp_path):
    stored = []

    def sink(data, name):
        stored.append((name, data))
        return f"/cau-hoi/anh/{len(stored):064d}"

    records = {r.where: r for r in read(teacher_document(tmp_path), sink)}
    return records, stored


def question(records, where):
    record = records[where]
    assert record.error is None, record.error
    return QuestionIn.model_validate(record.data)


def test_keys_marked_by_underline_red_or_bold_on_one_row(found):
    records, _ = found
    assert list(records) == [
        *(f"PHẦN I Câu {n}" for n in (1, 2, 3, 4, 5, 6, 8, 7)), "PHẦN II Câu 1", "PHẦN III Câu 1",
        "PHẦN III Câu 2", "PHẦN IV Câu 1",
    ]  # fmt: skip
    q1 = question(records, "PHẦN I Câu 1")
    assert q1.answer == 0 and q1.options[0] == "Hà Nội" and q1.level == "nhan_biet"
    assert q1.stem == "Thủ đô của Việt Nam là"
    q2 = question(records, "PHẦN I Câu 2")  # all letters bold: the red one is the key
    assert q2.options == ["2", "3", "1", "0"] and q2.answer == 1


def test_word_equations_become_latex_and_mathtype_is_reported(found):
    records, _ = found
    q3 = question(records, "PHẦN I Câu 3")
    assert q3.stem == "Giá trị của $\\frac{1}{2}+x^{2}$"
    # An object without its data or picture (real ones: tests/bank/test_docx_mathtype.py).
    assert records["PHẦN I Câu 4"].error.startswith(
        "PHẦN I Câu 4: equation could not be read: không thấy dữ liệu công thức"
    )
    assert records["PHẦN I Câu 4"].line == 13  # the paragraph where "Câu 4" starts


def test_underlined_parts_stay_and_the_red_letter_is_the_key(found):
    q5 = question(found[0], "PHẦN I Câu 5")
    assert q5.answer == 1
    assert q5.options == ["h<u>ea</u>d", "m<u>ea</u>t", "br<u>ea</u>d", "sw<u>ea</u>t"]


def test_images_are_stored(found):
    records, stored = found
    q6 = question(records, "PHẦN I Câu 6")
    assert q6.stem.startswith("Hình dưới đây là") and '<img src="/cau-hoi/anh/' in q6.stem
    assert stored and stored[0][1].startswith(b"\x89PNG")


def test_a_table_in_a_question_stays_a_table(found):
    q8 = question(found[0], "PHẦN I Câu 8")
    assert q8.stem == (
        "Điểm kiểm tra của một nhóm học sinh:<br><table><tbody>"
        "<tr><td>Điểm</td><td>7</td><td>8</td></tr>"
        "<tr><td>Số học sinh</td><td>5</td><td>3</td></tr>"
        "</tbody></table><br>Số trung bình cộng là"
    )
    assert q8.options == ["7,375", "7,5"] and q8.answer == 0


def test_answer_table_supplies_missing_keys(found):
    records, _ = found
    q7 = question(records, "PHẦN I Câu 7")
    assert q7.answer == 1


def test_true_false_group_short_answer_explanation_and_essay(found):
    records = found[0]
    group = [r for w, r in records.items() if r.data and r.data["type"] == "true_false_group"]
    assert len(group) == 1
    statements = QuestionIn.model_validate(group[0].data)
    assert statements.answer == [True, False, True, False]
    assert statements.statements[0] == "Hàm số chẵn."
    shorts = [QuestionIn.model_validate(r.data) for r in records.values()
              if r.data and r.data["type"] == "short_answer"]  # fmt: skip
    assert [s.answer for s in shorts] == ["-1,5", "12"]
    assert shorts[0].explanation == "Ta có $2x = -3$<br>nên $x = -1,5$."
    assert "<Key" not in shorts[0].stem
    essays = [r for r in records.values() if r.data and r.data["type"] == "essay"]
    assert len(essays) == 1 and "Sóng" in essays[0].data["stem"]


def test_a_not_a_word_file_is_refused(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(FormatError, match="not a zip archive"):
        list(read(path, lambda *a: ""))
    empty = Document()
    empty.add_paragraph("Chỉ có tiêu đề")
    empty.save(tmp_path / "empty.docx")
    with pytest.raises(FormatError, match="no question found"):
        list(read(tmp_path / "empty.docx", lambda *a: ""))
