"""MathType equations inside Word papers, embedded as Word embeds them (an OLE object part with
its WMF preview, a ``w:object`` run): converted to LaTeX in stems and options alike; one that
cannot be read is shown as its preview picture and the question is imported with a warning;
one with neither is reported on its question."""

from __future__ import annotations

from docx import Document

from kholieu.bank.formats.docx_read import read
from kholieu.bank.formats.mathtype import from_ole
from kholieu.bank.schemas import QuestionIn
from tests.support.docx import add_mathtype, mathtype_objects, tiny_wmf


def read_paper(tmp_path, document):
    path = tmp_path / "de-toan.docx"
    document.save(path)
    stored = []

    def sink(data: bytes, name: str) -> str:
        stored.append((name, data))
        return f"/cau-hoi/anh/{len(stored):064d}"

    return {r.where: r for r in read(path, sink)}, stored


def test_mathtype_in_the_stem_and_options_becomes_latex(tmp_path):
    blobs = mathtype_objects(5)
    d = Document()
    paragraph = d.add_paragraph()
    paragraph.add_run("Câu 1:").bold = True
    paragraph.add_run(" Giá trị của ")
    add_mathtype(paragraph, blobs[0], tiny_wmf())
    paragraph.add_run(" là")
    for index, blob in enumerate(blobs[1:5]):
        if index in (0, 2):
            paragraph.add_run().add_break()
        else:
            paragraph.add_run("\t")
        paragraph.add_run(f"{'ABCD'[index]}. ").bold = True
        add_mathtype(paragraph, blob, tiny_wmf())
    d.add_paragraph("Đáp án: C")
    records, stored = read_paper(tmp_path, d)
    record = records["Câu 1"]
    assert record.error is None, record.error
    question = QuestionIn.model_validate(record.data)
    latex = [from_ole(blob).latex for blob in blobs]
    assert all(latex)
    assert f"${latex[0]}$" in question.stem.replace("&amp;", "&")
    assert [o.replace("&amp;", "&") for o in question.options] == [f"${t}$" for t in latex[1:]]
    assert question.answer == 2 and stored == []  # no preview was needed


def test_an_unreadable_equation_is_shown_as_its_picture_and_said_in_the_report(tmp_path):
    d = Document()
    paragraph = d.add_paragraph()
    paragraph.add_run("Câu 1:").bold = True
    paragraph.add_run(" Tính ")
    add_mathtype(paragraph, b"not an OLE file at all", tiny_wmf())
    d.add_paragraph("A. 1\tB. 2\tC. 3\tD. 4")
    d.add_paragraph("Đáp án: A")
    records, stored = read_paper(tmp_path, d)
    record = records["Câu 1"]
    assert record.error is None, record.error
    assert '<img src="/cau-hoi/anh/' in record.data["stem"]
    assert [name for name, _ in stored] == ["mathtype1.png"] and stored[0][1][:4] == b"\x89PNG"
    [warning] = record.extra["warnings"]
    assert warning.startswith("công thức giữ dạng ảnh, hãy gõ lại / an equation is kept as its")


def test_an_equation_with_neither_data_nor_a_picture_is_reported(tmp_path):
    d = Document()
    paragraph = d.add_paragraph()
    paragraph.add_run("Câu 1: Tính ")
    add_mathtype(paragraph, b"garbage", b"not a picture either")
    d.add_paragraph("A. 1\tB. 2")
    d.add_paragraph("Đáp án: A")
    records, _ = read_paper(tmp_path, d)
    assert records["Câu 1"].error.startswith("Câu 1: equation could not be read: ")


def test_the_importer_lists_the_warning_with_the_question(tmp_path, services):
    d = Document()
    paragraph = d.add_paragraph()
    paragraph.add_run("Câu 1: Tính ")
    add_mathtype(paragraph, b"damaged", tiny_wmf())
    d.add_paragraph("A. 1\tB. 2\tC. 3\tD. 4")
    d.add_paragraph("Chọn B")
    path = tmp_path / "de.docx"
    d.save(path)
    report = services.importer.run([path]).as_json()
    assert report["imported"] == 1 and report["rejected"] == []
    assert [w["where"] for w in report["warnings"]] == ["Câu 1"]
