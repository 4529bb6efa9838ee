"""Every layout Vietnamese exam papers use, built as Word writes them (python-docx: runs with
their looks, soft line breaks as ``w:br``, tabs as ``w:tab``, tables of cells): each question
comes in as a choice question with its key, or is reported — never an essay holding its
options in its stem."""

from __future__ import annotations

from docx import Document

from kholieu.bank.schemas import QuestionIn
from tests.support.docx import add, records

BOLD, UNDERLINE, RED = {"bold": True}, {"underline": True}, {"red": True}


def choice(found, where: str) -> QuestionIn:
    record = found[where]
    assert record.error is None, record.error
    question = QuestionIn.model_validate(record.data)
    assert question.type.value in ("single_choice", "multiple_response"), question.type
    return question


def soft_broken(document, number: int, stem: str, options: list[str], *, one_row: bool = True):
    """ "Câu N: stem ↵ A. … ⇥ B. … ⇥ C. … ⇥ D. …" as one paragraph (Shift+Enter, Tab), the
    option letters bold: how four of seven real national-exam papers are written."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"Câu {number}:").bold = True
    paragraph.add_run(f" {stem}")
    paragraph.add_run().add_break()
    for index, text in enumerate(options):
        if index and (one_row or index != 2):
            paragraph.add_run("\t")
        elif index == 2:
            paragraph.add_run().add_break()
        paragraph.add_run(f"{chr(65 + index)}.").bold = True
        paragraph.add_run(f" {text}")
    return paragraph


def test_soft_line_breaks_and_tabs_with_an_answer_string_at_the_end(tmp_path):
    d = Document()
    add(d, ("KỲ THI TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG NĂM 2021", BOLD))
    soft_broken(
        d, 1, "Số phức liên hợp của z = 3 − 2i là", ["3 + 2i", "−3 + 2i", "−3 − 2i", "2 + 3i"]
    )
    soft_broken(d, 2, "Thể tích khối lập phương cạnh 2 bằng", ["6", "8", "4", "2"], one_row=False)
    soft_broken(d, 3, "Nghiệm của phương trình 2^x = 8 là", ["x = 2", "x = 4", "x = 3", "x = 1"])
    add(d, "------ HẾT ------")
    add(d, "1:A|2:B|3:C")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in (1, 2, 3)] == [0, 1, 2]
    first = choice(found, "Câu 1")
    assert first.options == ["3 + 2i", "−3 + 2i", "−3 − 2i", "2 + 3i"]
    assert "Số phức liên hợp" in first.stem and "A." not in first.stem


def test_answer_strings_written_every_way(tmp_path):
    for string in ("1D 2A 3C", "1.D, 2.A, 3.C", "1-D; 2-A; 3-C"):
        d = Document()
        for n in (1, 2, 3):
            add(d, (f"Câu {n}.", BOLD), " Chọn một")
            add(d, "A. một\tB. hai\tC. ba\tD. bốn")
        add(d, string)
        found = records(tmp_path, d)
        assert [choice(found, f"Câu {n}").answer for n in (1, 2, 3)] == [3, 0, 2], string


def test_a_key_table_without_a_heading_in_two_parts(tmp_path):
    d = Document()
    for n in range(1, 7):
        add(d, (f"Câu {n}:", BOLD), f" Câu hỏi số {n}")
        add(d, "A. a\tB. b\tC. c\tD. d")
    table = d.add_table(rows=4, cols=4)
    rows = [["Câu", "1", "2", "3"], ["Đáp án", "B", "D", "A"], ["Câu", "4", "5", "6"],
            ["Đáp án", "C", "C", "B"]]  # fmt: skip
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in range(1, 7)] == [1, 3, 0, 2, 2, 1]


def test_a_data_table_of_numbers_in_a_stem_is_not_a_key_table(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Bảng số liệu:")
    table = d.add_table(rows=2, cols=3)
    for c, (top, bottom) in enumerate([("1", "4"), ("2", "5"), ("3", "6")]):
        table.cell(0, c).text, table.cell(1, c).text = top, bottom
    add(d, ("A.", UNDERLINE), " 21\tB. 12\tC. 9\tD. 6")
    question = choice(records(tmp_path, d), "Câu 1")
    assert question.answer == 0 and "<table>" in question.stem


def test_labels_with_parenthesis_colon_or_no_space(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Chọn đúng")
    add(d, "A) một")
    add(d, ("B)", RED), " hai")
    add(d, "C) ba")
    add(d, ("Câu 2:", BOLD), " Chọn đúng")
    add(d, "A: một\tB: hai\t", ("C:", UNDERLINE), " ba\tD: bốn")
    add(d, ("Câu 3:", BOLD), " Từ nào là tiếng Việt?")
    add(d, ("A.", UNDERLINE), "Hehê\tB.Hello\tC.Bonjour\tD.Hola")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in (1, 2, 3)] == [1, 2, 0]
    assert choice(found, "Câu 3").options == ["Hehê", "Hello", "Bonjour", "Hola"]


def test_options_in_a_two_by_two_and_a_one_by_four_table(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Kim loại nào dẫn điện tốt nhất?")
    grid = d.add_table(rows=2, cols=2)
    for (r, c), text in zip([(0, 0), (0, 1), (1, 0), (1, 1)],
                            ["A. Sắt", "B. Bạc", "C. Nhôm", "D. Đồng"], strict=True):  # fmt: skip
        cell = grid.cell(r, c).paragraphs[0]
        letter, rest = text.split(" ", 1)
        run = cell.add_run(letter)
        run.underline = text.startswith("B")
        cell.add_run(" " + rest)
    add(d, ("Câu 2:", BOLD), " Đơn vị của lực là")
    row = d.add_table(rows=1, cols=4)
    for c, text in enumerate(["A. J", "B. W", "C. N", "D. Pa"]):
        row.cell(0, c).text = text
    add(d, "Đáp án: C")
    found = records(tmp_path, d)
    first, second = choice(found, "Câu 1"), choice(found, "Câu 2")
    assert first.options == ["Sắt", "Bạc", "Nhôm", "Đồng"] and first.answer == 1
    assert second.options == ["J", "W", "N", "Pa"] and second.answer == 2
    assert "<table>" not in first.stem


def test_keys_by_star_tag_said_line_and_explanation(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Chọn đúng")
    add(d, "A. một\tB. hai\t*C. ba\tD. bốn")
    add(d, ("Câu 2:", BOLD), " Chọn đúng <Key=D>")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, ("Câu 3:", BOLD), " Chọn đúng")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, "Đáp án: B")
    add(d, ("Câu 4:", BOLD), " Chọn đúng")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, ("Lời giải:", BOLD), " Đáp án B sai vì 1 + 1 = 2; 1 + 0 = 1, chọn a.")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in (1, 2, 3, 4)] == [2, 3, 1, 0]
    assert choice(found, "Câu 1").options[2] == "ba"
    assert "chọn a" in choice(found, "Câu 4").explanation
    assert "Đáp án" not in choice(found, "Câu 3").options[3]


def test_options_written_on_the_stem_line_are_found(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Thủ đô của Việt Nam là A. Hà Nội B. Huế C. Đà Nẵng D. Cần Thơ")
    add(d, "1A 2B 3C")
    question = choice(records(tmp_path, d), "Câu 1")
    assert question.stem.endswith("Thủ đô của Việt Nam là") and "A." not in question.stem
    assert question.options == ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ"] and question.answer == 0


def test_a_choice_question_is_never_stored_as_an_essay(tmp_path):
    """Labels that cannot be split into options (here out of order, B before A): the question
    is reported with its line and why, not imported as an essay."""
    d = Document()
    add(d, ("Câu 1:", BOLD), " Chọn đúng:")
    add(d, "Xét B. hai rồi A. một, C. ba và D. bốn")
    add(d, ("Câu 2:", BOLD), " Trình bày cảm nhận của em về bài thơ Sóng.")
    found = records(tmp_path, d)
    assert found["Câu 1"].error is not None
    assert "A, B, C, D" in found["Câu 1"].error and found["Câu 1"].line == 1
    assert found["Câu 2"].data["type"] == "essay"
