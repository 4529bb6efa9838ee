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
    add_picture,
    mathtype_objects,
    records,
    tiny_wmf,
)

BOLD = {"bold": True}


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
