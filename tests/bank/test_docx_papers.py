"""Real national-exam papers (THPT Toán, Vật lí, Hóa học) as Word writes them: options that are
only formulas or pictures, keys marked on the letter, keys in tables and strings after the
paper, footers and headings after the last question. Each question must come in with its
type, every option's text and its key."""

from __future__ import annotations

from docx import Document

from kholieu.bank.schemas import QuestionIn
from tests.support.docx import (
    RED,
    add,
    add_fraction,
    add_mathtype,
    add_numbered,
    add_picture,
    mathtype_objects,
    question_list,
    records,
    tiny_wmf,
)

BOLD, RED_LOOK = {"bold": True}, {"red": True}


def choice(found, where: str) -> QuestionIn:
    record = found[where]
    assert record.error is None, record.error
    question = QuestionIn.model_validate(record.data)
    assert question.type.value in ("single_choice", "multiple_response"), question.type
    return question


def formula_options(document, put, *, marked: int | None = None, mark: str = "underline"):
    """ "A. [formula] ⇥ B. [formula] ⇥ C. … ⇥ D. …" in one paragraph, the letters bold and the
    key's letter underlined or red: the usual Toán layout. ``put(paragraph, index)`` writes
    option ``index``'s content."""
    paragraph = document.add_paragraph()
    for index in range(4):
        if index:
            paragraph.add_run("\t")
        run = paragraph.add_run(f"{'ABCD'[index]}. ")
        run.bold = True
        if index == marked and mark == "underline":
            run.underline = True
        elif index == marked:
            run.font.color.rgb = RED
        put(paragraph, index)
    return paragraph


def test_a_key_marked_on_the_letter_of_formula_or_picture_options(tmp_path):
    blobs = mathtype_objects(4)
    d = Document()
    add(d, ("Câu 1:", BOLD), " Phương án là MathType, chữ cái đáp án gạch chân")
    formula_options(d, lambda p, i: add_mathtype(p, blobs[i], tiny_wmf()), marked=2)
    add(d, ("Câu 2:", BOLD), " Phương án là MathType, chữ cái đáp án màu đỏ")
    formula_options(d, lambda p, i: add_mathtype(p, blobs[i], tiny_wmf()), marked=0, mark="red")
    add(d, ("Câu 3:", BOLD), " Phương án là phương trình Word")
    formula_options(d, lambda p, i: add_fraction(p, "1", str(i + 2)), marked=1)
    add(d, ("Câu 4:", BOLD), " Đồ thị nào?")
    formula_options(d, lambda p, i: add_picture(p, 40 * i), marked=3)
    add(d, ("Câu 5:", BOLD), " Hai phương án MathType, hai phương án chữ")

    def mixed(paragraph, index):
        if index < 2:
            add_mathtype(paragraph, blobs[index], tiny_wmf())
        else:
            paragraph.add_run(str(index))

    formula_options(d, mixed, marked=3)
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in range(1, 6)] == [2, 0, 1, 3, 3]
    assert choice(found, "Câu 3").options[1] == r"$\frac{1}{3}$"
    assert all(o.startswith("<img") for o in choice(found, "Câu 4").options)


def test_formula_options_without_marks_take_the_answer_string(tmp_path):
    blobs = mathtype_objects(2)
    d = Document()
    add(d, ("Câu 1:", BOLD), " Hai phương án MathType, hai phương án chữ; khoá ở chuỗi")

    def mixed(paragraph, index):
        if index < 2:
            add_mathtype(paragraph, blobs[index], tiny_wmf())
        else:
            paragraph.add_run(str(index))

    formula_options(d, mixed)
    add(d, ("Câu 2:", BOLD), " Câu chữ")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, ("Câu 3:", BOLD), " Câu chữ")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, "1:D|2:A|3:B")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in (1, 2, 3)] == [3, 0, 1]


def chemistry_paper(document, keys: str = "CAAAB"):
    """The 2021 Hóa paper's shape: a header table, Câu 41–45 with bold letters on one row,
    then "HẾT" and the proctoring footer."""
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "BỘ GIÁO DỤC VÀ ĐÀO TẠO"
    header.cell(0, 1).text = "KỲ THI TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG NĂM 2021"
    header.cell(1, 0).text = "ĐỀ THI CHÍNH THỨC"
    header.cell(1, 1).text = "Môn thi thành phần: HÓA HỌC"
    add(document, "Cho biết nguyên tử khối: H = 1; C = 12; O = 16; Na = 23.")
    for index in range(len(keys)):
        add(document, (f"Câu {41 + index}:", BOLD), f" Câu hỏi số {41 + index}")
        parts = [(f"{'ABCD'[k]}.", BOLD) for k in range(4)]
        add(document, parts[0], " một\t", parts[1], " hai\t", parts[2], " ba\t", parts[3], " bốn")
    add(document, "------ HẾT ------")
    add(document, "Thí sinh không được sử dụng tài liệu. Cán bộ coi thi không giải thích gì thêm.")


def key_row_table(document, keys: str, first: int = 41):
    table = document.add_table(rows=2, cols=len(keys) + 1)
    for column, (number, key) in enumerate([("Câu", "Đáp án")] + [
        (str(first + i), k) for i, k in enumerate(keys)
    ]):  # fmt: skip
        table.cell(0, column).text, table.cell(1, column).text = number, key
    return table


def test_footers_and_key_headings_after_the_last_question_are_no_option(tmp_path):
    for heading in (
        "BẢNG ĐÁP ÁN ĐỀ 201",
        "ĐÁP ÁN VÀ HƯỚNG DẪN GIẢI CHI TIẾT",
        "Đáp án - Mã đề 201",
    ):
        d = Document()
        chemistry_paper(d)
        add(d, (heading, BOLD))
        key_row_table(d, "CAAAB")
        found = records(tmp_path, d)
        assert set(found) == {f"Câu {n}" for n in range(41, 46)}, heading
        last = choice(found, "Câu 45")
        assert last.options == ["một", "hai", "ba", "bốn"], heading
        assert [choice(found, f"Câu {n}").answer for n in range(41, 46)] == [2, 0, 0, 0, 1]


def test_worked_solutions_after_the_paper_neither_repeat_nor_rekey_it(tmp_path):
    d = Document()
    chemistry_paper(d)
    add(d, ("HƯỚNG DẪN GIẢI CHI TIẾT", BOLD))
    key_row_table(d, "CAAAB")
    add(d, ("Câu 41:", BOLD), " Kim loại kiềm là K. Chọn C.")
    add(d, ("Câu 42:", BOLD), " Khối lượng 42: 2,24 gam, tức 43-B. Chọn B.")
    found = records(tmp_path, d)
    assert set(found) == {f"Câu {n}" for n in range(41, 46)}
    assert [choice(found, f"Câu {n}").answer for n in range(41, 46)] == [2, 0, 0, 0, 1]


def test_a_stem_line_about_the_key_and_a_bare_explanation_heading(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Cho hàm số y = x² − 1.")
    add(d, "Đáp án nào sau đây đúng?")
    add(d, "A. một\tB. hai\t", ("C.", {"underline": True}), " ba\tD. bốn")
    add(d, ("Lời giải", BOLD))
    add(d, "Vì y(0) = −1 nên chọn C.")
    add(d, ("Câu 2:", BOLD), " Chọn đúng")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, ("Hướng dẫn giải", BOLD))
    add(d, "Chọn D.")
    found = records(tmp_path, d)
    first = choice(found, "Câu 1")
    assert "Đáp án nào sau đây đúng?" in first.stem and first.answer == 2
    assert first.options[3] == "bốn" and "y(0)" in first.explanation
    second = choice(found, "Câu 2")
    assert second.answer == 3 and second.options[3] == "bốn"


def five_questions(document):
    for index in range(5):
        add(document, (f"Câu {41 + index}:", BOLD), f" Câu hỏi {41 + index}")
        add(document, "A. 1\tB. 2\tC. 3\tD. 4")


def keyed(found) -> list[int | None]:
    assert set(found) == {f"Câu {n}" for n in range(41, 46)}, list(found)
    answers = [choice(found, f"Câu {n}").answer for n in range(41, 46)]
    assert all(choice(found, f"Câu {n}").options == ["1", "2", "3", "4"] for n in range(41, 46))
    return answers


def test_key_tables_and_strings_written_every_way(tmp_path):
    def vertical(d, heading: bool, labelled: bool, prefix: str = ""):
        if heading:
            add(d, ("BẢNG ĐÁP ÁN", BOLD))
        table = d.add_table(rows=5 + labelled, cols=2)
        if labelled:
            table.cell(0, 0).text, table.cell(0, 1).text = "Câu", "Đáp án"
        for i, key in enumerate("CAAAB"):
            table.cell(i + labelled, 0).text = f"{prefix}{41 + i}"
            table.cell(i + labelled, 1).text = key

    def cells(d):
        table = d.add_table(rows=1, cols=5)
        for c, key in enumerate("CAAAB"):
            table.cell(0, c).text = f"{41 + c}.{key}"

    def over(d, top: str, bottom: str):
        table = d.add_table(rows=2, cols=5)
        for c, key in enumerate("CAAAB"):
            table.cell(0, c).text = top.format(41 + c)
            table.cell(1, c).text = bottom.format(key)

    layouts = {
        "vertical with heading": lambda d: vertical(d, True, True),
        "vertical, no heading": lambda d: vertical(d, False, True),
        "rows Câu 41 | C": lambda d: vertical(d, False, False, "Câu "),
        "cells 41.C, no heading": cells,
        "short last line": lambda d: (add(d, "41.C 42.A 43.A"), add(d, "44.A 45.B")),
        "header Câu 41 over letters": lambda d: over(d, "Câu {}", "{}"),
        "letters with a dot": lambda d: over(d, "{}", "{}."),
        "said with dashes": lambda d: add(d, "Đáp án: 41C - 42A - 43A - 44A - 45B"),
    }
    for name, write in layouts.items():
        d = Document()
        five_questions(d)
        write(d)
        assert keyed(records(tmp_path, d)) == [2, 0, 0, 0, 1], name


def test_a_two_column_table_in_a_stem_stays_content(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Cho bảng:")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "1", "A"
    add(d, "A. một\tB. hai\t", ("C.", {"underline": True}), " ba\tD. bốn")
    question = choice(records(tmp_path, d), "Câu 1")
    assert "<table>" in question.stem and question.answer == 2


def test_a_table_of_numbers_at_the_end_of_the_document_is_kept(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Chọn đúng")
    add(d, "A. một\tB. hai\t", ("C.", {"underline": True}), " ba\tD. bốn")
    add(d, ("Câu 2:", BOLD), " Cho bảng số liệu:")
    table = d.add_table(rows=1, cols=3)
    for c in range(3):
        table.cell(0, c).text = str(c + 1)
    found = records(tmp_path, d)
    assert choice(found, "Câu 1").answer == 2
    assert "<table>" in found["Câu 2"].data["stem"]


def test_word_numbering_counts_from_the_lists_start(tmp_path):
    """ "Câu %1:" starting at 41 (w:start), and a list restarted at 41 (startOverride): the
    questions are Câu 41… as the paper shows them, so the key string finds them."""
    for starts in ({"start": 41}, {"restart": 41}):
        d = Document()
        listed = question_list(d, 90, **starts)
        for index in range(4):
            add_numbered(d, f"Chất số {index} là gì?", listed)
            add(d, "A. a\tB. b\tC. c\tD. d")
        add(d, "41:B|42:C|43:D|44:A")
        found = records(tmp_path, d)
        assert set(found) == {f"Câu {n}" for n in range(41, 45)}, starts
        assert [choice(found, f"Câu {n}").answer for n in range(41, 45)] == [1, 2, 3, 0]


def test_stray_formatting_yields_to_the_key_table(tmp_path):
    """Bold on three letters of four, white shading pasted from the web, a formula set in
    bold: none of them is the key when the paper's key string gives one; an underlined
    letter still is, and a bold key with no table still counts."""
    from docx.oxml import parse_xml

    d = Document()
    add(d, ("Câu 1:", BOLD), " Kim loại nào dẫn điện tốt nhất?")
    add(d, ("A.", BOLD), " Fe\t", ("B.", BOLD), " Cu\t", ("C.", BOLD), " Ag\t", "D. Al")
    add(d, ("Câu 2:", BOLD), " Kim loại nào nhẹ nhất?")
    paragraph = d.add_paragraph()
    for index, metal in enumerate(["Fe", "Cu", "Ag", "Al"]):
        if index:
            paragraph.add_run("\t")
        run = paragraph.add_run(f"{'ABCD'[index]}. {metal}")
        run.bold = True
        if index < 2:
            run._r.get_or_add_rPr().append(parse_xml(
                '<w:shd xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'w:val="clear" w:color="auto" w:fill="FFFFFF"/>'
            ))  # fmt: skip
    add(d, ("Câu 3:", BOLD), " Chất nào là bazơ?")
    add(d, "A. HCl\tB. NaCl\tC. ", ("H2SO4", BOLD), "\tD. NaOH")
    add(d, ("Câu 4:", BOLD), " Gạch chân là đáp án")
    add(d, "A. 1\tB. 2\t", ("C.", {"underline": True}), " 3\tD. 4")
    add(d, "1:B|2:C|3:D|4:C")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in range(1, 5)] == [1, 2, 3, 2]
    assert choice(found, "Câu 2").options == ["Fe", "Cu", "Ag", "Al"]
    assert choice(found, "Câu 3").options[2] == "<b>H2SO4</b>"

    d = Document()
    add(d, ("Câu 1:", BOLD), " Chỉ đáp án in đậm, không có bảng đáp án")
    add(d, "A. 1\t", ("B.", BOLD), " 2\tC. 3\tD. 4")
    add(d, ("Câu 2:", BOLD), " Hai phương án đỏ: nhiều đáp án")
    add(d, ("A.", RED_LOOK), " 1\tB. 2\t", ("C.", RED_LOOK), " 3\tD. 4")
    found = records(tmp_path, d)
    assert choice(found, "Câu 1").answer == 1 and choice(found, "Câu 2").answer == [0, 2]
