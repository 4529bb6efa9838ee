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
    write,
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
    for name, keys in layouts.items():
        d = Document()
        five_questions(d)
        keys(d)
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


NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)


def xml(text: str):
    from docx.oxml import parse_xml

    return parse_xml(text.replace("{ns}", NAMESPACES))


def raw_paragraph(text: str, bold: str = "") -> str:
    prefix = f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{bold}</w:t></w:r>'
    return f'<w:p>{prefix if bold else ""}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_count_the_true_statements_keeps_them_in_the_stem(tmp_path):
    d = Document()
    add(d, ("Câu 72:", BOLD), " Cho các phát biểu sau:")
    statements = ["Glucozơ có phản ứng tráng bạc.", "Tinh bột thuộc loại polisaccarit.",
                  "Xenlulozơ tan tốt trong nước.", "Saccarozơ bị thủy phân trong axit.",
                  "Fructozơ là đồng phân của glucozơ."]  # fmt: skip
    for letter, text in zip("abcde", statements, strict=True):
        add(d, f"{letter}) {text}")
    add(d, "Số phát biểu đúng là")
    add(d, "A. 5.\tB. 2.\tC. 3.\tD. 4.")
    add(d, "70:A|71:B|72:D")
    question = choice(records(tmp_path, d), "Câu 72")
    assert question.answer == 3 and question.options == ["5.", "2.", "3.", "4."]
    lines = question.stem.split("<br>")
    assert lines[0] == "Cho các phát biểu sau:" and lines[-1] == "Số phát biểu đúng là"
    expected = [f"{letter}) {text}" for letter, text in zip("abcde", statements, strict=True)]
    assert lines[1:-1] == expected


def test_decomposed_unicode_from_unikey_is_read(tmp_path):
    import unicodedata

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    d = Document()
    add(d, ("Câu 1:", BOLD), " Chữ dựng sẵn")
    add(d, "A. một\tB. hai\tC. ba\tD. bốn")
    add(d, (nfd("Câu 2:"), BOLD), nfd(" Chữ tổ hợp"))
    add(d, nfd("A. một\tB. hai\tC. ba\tD. bốn"))
    add(d, "1:A|2:C|3:B")
    found = records(tmp_path, d)
    second = choice(found, "Câu 2")
    assert second.answer == 2 and second.stem == "Chữ tổ hợp" and second.options[3] == "bốn"
    assert choice(found, "Câu 1").options[3] == "bốn"


def test_questions_inside_content_controls_and_custom_xml(tmp_path):
    d = Document()
    body = d.element.body
    add(d, ("Câu 1:", BOLD), " Câu bình thường")
    add(d, "A. 1\tB. 2\t", ("C.", {"underline": True}), " 3\tD. 4")
    options = "A. 1   B. 2   C. 3   D. 4"
    body.insert(len(body) - 1, xml(
        '<w:sdt {ns}><w:sdtPr><w:alias w:val="Câu hỏi"/></w:sdtPr><w:sdtContent>'
        f'{raw_paragraph(" Trong điều khiển nội dung", "Câu 2:")}{raw_paragraph(options)}'
        "</w:sdtContent></w:sdt>"
    ))  # fmt: skip
    body.insert(len(body) - 1, xml(
        '<w:customXml {ns} w:element="question">'
        f'{raw_paragraph(" Trong custom XML", "Câu 3:")}{raw_paragraph(options)}</w:customXml>'
    ))  # fmt: skip
    add(d, ("Câu 4:", BOLD), " Câu sau")
    add(d, options)
    add(d, "1:C|2:D|3:A|4:B")
    found = records(tmp_path, d)
    assert set(found) == {f"Câu {n}" for n in range(1, 5)}
    assert [choice(found, f"Câu {n}").answer for n in range(1, 5)] == [2, 3, 0, 1]
    assert choice(found, "Câu 2").options == ["1", "2", "3", "4"]


def test_text_boxes_are_read_once_and_legacy_pictures_are_stored(tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    options = "A. 1\tB. 2\tC. 3\tD. 4"
    box = f"<w:txbxContent>{raw_paragraph(options)}</w:txbxContent>"
    d = Document()
    add(d, ("Câu 1:", BOLD), " Phương án trong hộp văn bản VML")
    d.add_paragraph()._p.append(xml(
        f'<w:r {{ns}}><w:pict><v:shape id="tb1"><v:textbox>{box}</v:textbox></v:shape></w:pict>'
        "</w:r>"
    ))  # fmt: skip
    add(d, ("Câu 2:", BOLD), " Phương án trong hộp văn bản Word 2010+")
    d.add_paragraph()._p.append(xml(
        '<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline>'
        '<wp:extent cx="5000000" cy="300000"/><wp:docPr id="5" name="Text Box 5"/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape id="tb2"><v:textbox>'
        f"{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    ))  # fmt: skip
    add(d, ("Câu 3:", BOLD), " Hình cũ từ tệp .doc:")
    png_source = Document()
    add_picture(png_source.add_paragraph(), 200)
    png = next(p.blob for p in png_source.part.package.iter_parts() if "media" in p.partname)
    picture = Part(PackURI("/word/media/legacy1.png"), "image/png", png, d.part.package)
    rid = d.part.relate_to(picture, RELATIONSHIP_TYPE.IMAGE)
    d.add_paragraph()._p.append(xml(
        f'<w:r {{ns}}><w:pict><v:shape id="pic1" type="#_x0000_t75"><v:imagedata r:id="{rid}" '
        'o:title=""/></v:shape></w:pict></w:r>'
    ))  # fmt: skip
    add(d, options)
    add(d, "1:A|2:B|3:C")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in (1, 2, 3)] == [0, 1, 2]
    assert all(choice(found, f"Câu {n}").options == ["1", "2", "3", "4"] for n in (1, 2, 3))
    assert "<img" in choice(found, "Câu 3").stem


def test_symbol_font_characters_become_the_characters_they_show(tmp_path):
    def sym(paragraph, code: str, font: str = "Symbol"):
        paragraph._p.append(xml(f'<w:r {{ns}}><w:sym w:font="{font}" w:char="{code}"/></w:r>'))

    d = Document()
    stem = d.add_paragraph()
    stem.add_run("Câu 1:").bold = True
    stem.add_run(" Điện trở R = 50 ")
    sym(stem, "F057")
    stem.add_run(", bước sóng ")
    sym(stem, "F06C")
    stem.add_run(" = 0,5 m")
    sym(stem, "F0FC", font="Wingdings")  # a private-use glyph: no character to keep
    sym(stem, "2211", font="Cambria Math")
    row = d.add_paragraph()
    for index, value in enumerate(["100", "50", "25", "200"]):
        if index:
            row.add_run("\t")
        row.add_run(f"{'ABCD'[index]}. {value}")
        sym(row, "F070")
        row.add_run(" rad/s.")
    add(d, "1:A|2:B|3:C")
    question = choice(records(tmp_path, d), "Câu 1")
    assert question.stem == "Điện trở R = 50 Ω, bước sóng λ = 0,5 m∑"
    assert question.options == ["100π rad/s.", "50π rad/s.", "25π rad/s.", "200π rad/s."]


def test_letters_inside_option_and_stem_text_are_no_labels(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Hình chiếu của điểm A lên mặt phẳng (P) là")
    add(d, "A. điểm B.\tB. điểm C.\tC. điểm D.\tD. điểm A.")
    add(d, ("Câu 2:", BOLD), " Chất X là A. Cho A tác dụng với B. Sản phẩm là C. Chất C là")
    add(d, "A. NaCl.\tB. KCl.\tC. HCl.\tD. NaOH.")
    add(d, ("Câu 3:", BOLD), " Vitamin nào tan trong nước?")
    add(d, "A. Vitamin C.\tB. Vitamin A.\tC. Vitamin D.\tD. Vitamin E.")
    add(d, ("Câu 4:", BOLD), " Vitamin nào tan trong dầu?")
    for text in ("A. Vitamin C.", "B. Vitamin B.", "C. Vitamin D.", "D. Vitamin E."):
        add(d, text)
    add(d, ("Câu 5:", BOLD), " Hai dòng, cách một dấu cách")
    add(d, "A. 1\tB. 2 C. 3\tD. 4")
    add(d, "1:C|2:D|3:A|4:C|5:B")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in range(1, 6)] == [2, 3, 0, 2, 1]
    assert choice(found, "Câu 1").options == ["điểm B.", "điểm C.", "điểm D.", "điểm A."]
    second = choice(found, "Câu 2")
    assert second.stem.endswith("Chất C là") and second.options[3] == "NaOH."
    vitamins = ["Vitamin C.", "Vitamin A.", "Vitamin D.", "Vitamin E."]
    assert choice(found, "Câu 3").options == vitamins
    assert choice(found, "Câu 4").options == [
        "Vitamin C.",
        "Vitamin B.",
        "Vitamin D.",
        "Vitamin E.",
    ]
    assert choice(found, "Câu 5").options == ["1", "2", "3", "4"]


def test_a_full_width_colon_and_a_topic_code_stay_out_of_the_stem(tmp_path):
    d = Document()
    add(d, ("Câu 1：", BOLD), " Dấu hai chấm toàn độ rộng")
    add(d, "A. 1\tB. 2\tC. 3\tD. 4")
    add(d, ("Câu 2 [2D1-1.1-1]:", BOLD), " Mã chủ đề")
    add(d, "A. 1\tB. 2\tC. 3\tD. 4")
    add(d, ("Câu 3 (TH):", BOLD), " Mức độ")
    add(d, "A. 1\tB. 2\tC. 3\tD. 4")
    add(d, "1:A|2:B|3:C")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").stem for n in (1, 2, 3)] == [
        "Dấu hai chấm toàn độ rộng", "Mã chủ đề", "Mức độ"
    ]  # fmt: skip
    assert choice(found, "Câu 3").level == "thong_hieu"


def test_the_papers_key_string_wins_over_a_stem_table_of_numbers_over_letters(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Cho bảng số liệu:")
    table = d.add_table(rows=2, cols=2)
    for column, (top, bottom) in enumerate([("1", "A"), ("2", "B")]):
        table.cell(0, column).text, table.cell(1, column).text = top, bottom
    add(d, "Chọn khẳng định đúng.")
    add(d, "A. a\tB. b\tC. c\tD. d")
    add(d, ("Câu 2:", BOLD), " Chọn đúng")
    add(d, "A. a\tB. b\tC. c\tD. d")
    add(d, "1:C|2:D|3:A")
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in (1, 2)] == [2, 3]


def letter_cells(table, row: int, options: list[tuple[str, str]], *, key=None, mark="underline"):
    """Options in a table row with each letter in a cell of its own, bold, before its text's
    cell ("A. | 3 | B. | 4"); the key's letter ``key`` underlined or red."""
    for column, (letter, text) in enumerate(options):
        look = {"bold": True, mark: letter == key}
        write(table.cell(row, 2 * column).paragraphs[0], (f"{letter}.", look))
        write(table.cell(row, 2 * column + 1).paragraphs[0], text)


def test_options_in_a_table_with_each_letter_in_a_cell_of_its_own(tmp_path):
    d = Document()
    add(d, ("Câu 1:", BOLD), " Bảng 1×8, khoá ở chuỗi đáp án")
    table = d.add_table(rows=1, cols=8)
    for column, text in enumerate(["A.", "3", "B.", "4", "C.", "5", "D.", "6"]):
        table.cell(0, column).text = text
    add(d, ("Câu 2:", BOLD), " Bảng 2×4, chữ cái in đậm, đáp án gạch chân")
    table = d.add_table(rows=2, cols=4)
    letter_cells(table, 0, [("A", "Sắt"), ("B", "Bạc")], key="D")
    letter_cells(table, 1, [("C", "Nhôm"), ("D", "Đồng")], key="D")
    add(d, ("Câu 3:", BOLD), " Bảng 1×8, chữ cái đáp án màu đỏ")
    table = d.add_table(rows=1, cols=8)
    letter_cells(table, 0, [("A", "J"), ("B", "W"), ("C", "N"), ("D", "Pa")], key="B", mark="red")
    add(d, ("Câu 4:", BOLD), " Bảng 4×2, phương án là hình, chữ cái đáp án gạch chân")
    table = d.add_table(rows=4, cols=2)
    for row in range(4):
        look = {"bold": True, "underline": row == 2}
        write(table.cell(row, 0).paragraphs[0], ("ABCD"[row] + ".", look))
        add_picture(table.cell(row, 1).paragraphs[0], 40 * row)
    add(d, "1:C|2:A|3:A|4:A")  # the marks win over the string where they single one out
    found = records(tmp_path, d)
    assert [choice(found, f"Câu {n}").answer for n in range(1, 5)] == [2, 3, 1, 2]
    assert choice(found, "Câu 1").options == ["3", "4", "5", "6"]
    assert choice(found, "Câu 2").options == ["Sắt", "Bạc", "Nhôm", "Đồng"]
    assert choice(found, "Câu 3").options == ["J", "W", "N", "Pa"]
    assert all(o.startswith("<img") for o in choice(found, "Câu 4").options)
    assert all("<table>" not in choice(found, f"Câu {n}").stem for n in range(1, 5))


def test_a_question_laid_out_in_a_table_keeps_its_keys_mark(tmp_path):
    d = Document()
    for number, level, key in ((1, "", "D"), (2, " (NB)", "B")):
        table = d.add_table(rows=1, cols=2)
        write(table.cell(0, 0).paragraphs[0], (f"Câu {number}{level}:", BOLD))
        cell = table.cell(0, 1)
        write(cell.paragraphs[0], "Câu hỏi trong bảng bố cục")
        if number == 1:  # the options on one line, tabbed, the key's letter underlined
            add(cell, "A. 1\tB. 2\tC. 3\t", ("D.", {"underline": True}), " 4")
        else:  # each option a paragraph of the cell, the key's letter red
            for letter, text in zip("ABCD", ["Sắt", "Bạc", "Nhôm", "Đồng"], strict=True):
                add(cell, (f"{letter}.", {"bold": True, "red": letter == key}), f" {text}")
    found = records(tmp_path, d)
    first, second = choice(found, "Câu 1"), choice(found, "Câu 2")
    assert first.stem == second.stem == "Câu hỏi trong bảng bố cục"
    assert first.options == ["1", "2", "3", "4"] and first.answer == 3
    assert second.options == ["Sắt", "Bạc", "Nhôm", "Đồng"] and second.answer == 1
    assert second.level == "nhan_biet"
