"""Large question files are read as they stream past, never held whole (issue 15, item 3):
the Word body is freed block by block, Moodle XML question by question, and a file that
turns out damaged part-way is reported whole with nothing of it imported. Memory and time on
35,000 questions are measured by bench/import.py; these tests pin the behaviour that bounds it.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from kholieu.bank.formats import docx_package, moodle_xml
from kholieu.bank.formats.docx_read import read as read_docx
from kholieu.bank.formats.tabular import OFFICE_LIMITS
from tests.support.docx import add

MOODLE_QUESTION = (
    '<question type="truefalse"><name><text>Câu {n}</text></name>'
    '<questiontext format="html"><text>Khẳng định số {n} đúng?</text></questiontext>'
    '<answer fraction="100"><text>true</text></answer>'
    '<answer fraction="0"><text>false</text></answer></question>\n'
)


def word_bank(path, count: int, *, keyless: tuple[int, ...] = (), table: str = ""):
    """``count`` questions as a teacher types them, the key underlined, except ``keyless``
    ones, whose keys ``table`` gives in a BẢNG ĐÁP ÁN at the end."""
    d = Document()
    for n in range(1, count + 1):
        add(d, (f"Câu {n}:", {"bold": True}), f" Kết quả của phép tính {n} + {n} là")
        right = {"underline": n not in keyless}
        add(d, ("A.", right), f" {2 * n}\t", "B. 0\t", "C. 1\t", "D. -1")
    if table:
        add(d, ("BẢNG ĐÁP ÁN", {"bold": True}))
        add(d, table)
    d.save(path)
    return path


def no_images(data: bytes, name: str) -> str:
    raise AssertionError("no images here")


def test_the_word_body_in_memory_does_not_grow_with_the_document(tmp_path):
    """The parser reads ahead by one chunk of XML, so what is held is what one chunk holds,
    the same for 200 questions as for 1,600."""
    held = {}
    for count in (200, 1_600):
        path = word_bank(tmp_path / f"ngan-hang-{count}.docx", count)
        with docx_package.open_package(path, OFFICE_LIMITS) as package:
            sizes = [len(block.getparent()) for block in package.blocks()]
        assert len(sizes) == 2 * count
        held[count] = max(sizes)
    assert held[1_600] < 400 and held[1_600] <= held[200] + 50, held


def test_word_questions_come_out_while_the_document_is_still_being_read(tmp_path):
    records = list(read_docx(word_bank(tmp_path / "ngan-hang.docx", 1_600), no_images))
    assert [r.error for r in records] == [None] * 1_600
    assert records[0].share < 0.1 and records[-1].share == 1.0
    assert [r.data["answer"] for r in records[:3]] == [0, 0, 0]


def test_a_key_from_the_answer_table_keeps_the_document_order(tmp_path):
    path = word_bank(tmp_path / "de.docx", 5, keyless=(2, 4), table="2-A 4-A")
    records = list(read_docx(path, no_images))
    assert [r.where for r in records] == [f"Câu {n}" for n in range(1, 6)]
    assert [r.error for r in records] == [None] * 5
    assert [r.data["answer"] for r in records] == [0] * 5
    missing = list(read_docx(word_bank(tmp_path / "thieu.docx", 3, keyless=(2,)), no_images))
    assert [r.error for r in missing] == [None] * 3
    assert [r.data["answer"] for r in missing] == [0, None, 0]  # the importer keeps it a draft


def damaged(path, cut_at: float):
    """The same package with its document XML cut short (the zip itself stays valid)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    body = parts["word/document.xml"]
    parts["word/document.xml"] = body[: int(len(body) * cut_at)]
    out = path.with_name("hong-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out


def test_a_file_damaged_part_way_is_reported_whole_and_nothing_of_it_imported(services, tmp_path):
    good = word_bank(tmp_path / "ngan-hang.docx", 200)
    report = services.importer.run([damaged(good, 0.7)])
    assert report.imported == 0
    assert len(report.rejected) == 1
    assert report.rejected[0]["file"] == "hong-ngan-hang.docx"
    assert "damaged" in report.rejected[0]["error"]
    xml = tmp_path / "moodle.xml"
    text = "<quiz>\n" + "".join(MOODLE_QUESTION.format(n=n) for n in range(200)) + "</quiz>\n"
    xml.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    report = services.importer.run([xml])
    assert report.imported == 0 and "not well-formed" in report.rejected[0]["error"]
    assert services.importer.run([good]).imported == 200  # the whole file, once fixed


def test_moodle_xml_streams_and_keeps_each_questions_line(tmp_path):
    path = tmp_path / "moodle.xml"
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    # a comment that puts the second <question> tag across the 1 MiB chunk boundary
    first = MOODLE_QUESTION.format(n=0)
    pad = 2**20 - len(head.encode()) - len(first.encode()) - len("<!---->\n") - 4
    body = head + first + "<!--" + "x" * pad + "-->\n"
    body += "".join(MOODLE_QUESTION.format(n=n) for n in range(1, 2000)) + "</quiz>\n"
    path.write_text(body, encoding="utf-8")
    second = body.encode().index(b"<question ", len(head) + 1)
    assert second < 2**20 < second + len("<question")
    records = list(moodle_xml.read(path, no_images))
    assert len(records) == 2000 and all(r.error is None for r in records)
    assert [r.line for r in records[:3]] == [3, 5, 6]
    assert records[-1].line == 2003  # question n on line n + 4
    assert records[0].share < 0.8 and records[-1].share == 1.0


@pytest.mark.parametrize("suffix", [".gift", ".txt"])
def test_a_text_file_over_its_limit_is_refused_with_the_limit_named(
    client, make_user, bearer, suffix
):
    from kholieu.bank.formats import MAX_WHOLE_TEXT_BYTES

    headers = bearer(make_user("teacher"))
    big = io.BytesIO(b"// " + b"x" * MAX_WHOLE_TEXT_BYTES + b"\n")
    response = client.post(
        "/api/v1/questions/imports?lang=vi", headers=headers, files={"file": (f"de{suffix}", big)}
    )
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "16 MiB" in message and suffix in message and "giới hạn" in message
