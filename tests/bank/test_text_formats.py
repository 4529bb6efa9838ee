"""Text question files as teachers' tools write them: the format told by content (Moodle exports
GIFT as ``.txt``), the encoding detected (Notepad's "Unicode", Vietnamese Windows' cp1258 with
combining tone marks), Aiken and GIFT read as Moodle reads them, and bad lines reported where
they are, never as a traceback."""

from __future__ import annotations

import codecs
import json
import subprocess
import unicodedata
from pathlib import Path

import pytest

from kholieu.bank.formats import FormatError, choose, gift
from kholieu.jobs.runner import BackgroundWork
from tests.conftest import run_kholieu
from tests.support.jobs import wait_for

TONES = "\u0300\u0301\u0303\u0309\u0323"  # what Windows-1258 writes as combining marks

GIFT = (
    "// question: 1  name: Thủ đô\n"
    "::Thủ đô::[html]Thủ đô của Việt Nam là thành phố nào?{\n"
    "\t=Hà Nội\n"
    "\t~Huế\n"
    "\t~Đà Nẵng\n"
    "}\n"
    "\n"
    "// question: 2  name: Số pi\n"
    "::Số pi::[html]Giá trị gần đúng của số pi?{#\n"
    "\t=3.14:0.01\n"
    "}\n"
)
AIKEN = (
    "Thành phố nào đông dân nhất Việt Nam?\n"
    "A) Thành phố Hồ Chí Minh\n"
    "B) Hải Phòng\n"
    "C) Cần Thơ\n"
    "ANSWER: A\n"
    "\n"
    "Sông nào dài nhất Việt Nam?\n"
    "A.Sông Đồng Nai\n"
    "B.Sông Hồng\n"
    "ANSWER: A\n"
)


def notepad_unicode(text: str) -> bytes:
    """What Windows Notepad saves as "Unicode": UTF-16 LE with a BOM and CRLF line ends."""
    return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")


def windows_1258(text: str) -> bytes:
    """What Vietnamese Windows writes: letters precomposed as far as cp1258 has them (ă, ê,
    ơ…), each tone mark a combining character after its letter."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tones)
    return "".join(out).replace("\n", "\r\n").encode("cp1258")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def stems(report_ids, services) -> list[str]:
    from kholieu.bank.models import Question

    with services.sessions() as session:
        return [session.get(Question, i).body["stem"] for i in report_ids]


# -- encodings -----------------------------------------------------------------------------------
def test_notepad_unicode_gift_exported_as_txt(services, tmp_path):
    path = write(tmp_path, "de.txt", notepad_unicode(GIFT))
    report = services.importer.run([path])
    assert report.rejected == [] and report.imported == 2
    assert report.by_type == {"single_choice": 1, "short_answer": 1}
    assert report.formats == {"de.txt": {"format": "gift", "encoding": "utf-16-le"}}
    assert "Thủ đô của Việt Nam" in stems(report.ids, services)[0]


def test_big_endian_utf16_aiken(services, tmp_path):
    data = codecs.BOM_UTF16_BE + AIKEN.encode("utf-16-be")
    report = services.importer.run([write(tmp_path, "aiken.txt", data)])
    assert report.imported == 2, report.rejected
    assert report.formats["aiken.txt"] == {"format": "aiken", "encoding": "utf-16-be"}


def test_windows_1258_with_combining_tone_marks_becomes_nfc(services, tmp_path):
    data = windows_1258(AIKEN)
    assert "Vi\xea\xf2t".encode("latin-1") in data  # ê, then the dot below as a combining mark
    report = services.importer.run([write(tmp_path, "cau-hoi.txt", data)])
    assert report.imported == 2, report.rejected
    assert report.formats["cau-hoi.txt"] == {"format": "aiken", "encoding": "windows-1258"}
    stem = stems(report.ids, services)[0]
    assert "đông dân nhất Việt Nam" in stem and unicodedata.is_normalized("NFC", stem)


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-bom"),
        (notepad_unicode, "utf-16-le"),
        (windows_1258, "windows-1258"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "windows-1258"],
)
def test_every_text_format_reads_every_encoding(services, tmp_path, encode, encoding):
    jsonl = '{"type": "essay", "stem": "Phân tích bài thơ Việt Bắc."}\n'
    xml = (
        '<quiz>\n<question type="essay"><name><text>Việt Bắc</text></name>'
        '<questiontext format="html"><text>Cảm nhận về đoạn thơ Việt Bắc.</text>'
        "</questiontext></question>\n</quiz>\n"
    )
    files = {"a.gift": (GIFT, "gift"), "b.txt": (AIKEN, "aiken"), "c.jsonl": (jsonl, "jsonl"),
             "d.xml": (xml, "moodle_xml")}  # fmt: skip
    paths = [write(tmp_path, name, encode(text)) for name, (text, _) in files.items()]
    report = services.importer.run(paths)
    assert report.rejected == [] and report.imported == 6
    assert report.formats == {
        name: {"format": fmt, "encoding": encoding} for name, (_, fmt) in files.items()
    }
    assert all(unicodedata.is_normalized("NFC", s) for s in stems(report.ids, services))


def test_xml_that_names_its_encoding_is_left_to_the_parser(services, tmp_path):
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<quiz>\n<question type="essay"><name>'
        '<text>x</text></name><questiontext format="html"><text>Tiếng Việt</text>'
        "</questiontext></question>\n</quiz>\n"
    )
    path = write(tmp_path, "q.xml", codecs.BOM_UTF16_LE + xml.encode("utf-16-le"))
    report = services.importer.run([path])
    assert report.imported == 1, report.rejected
    assert report.formats["q.xml"]["encoding"] == "utf-16-le"


def test_encodings_it_cannot_read_are_named(services, tmp_path):
    no_bom = write(tmp_path, "a.gift", GIFT.encode("utf-16-le"))
    latin = write(tmp_path, "b.gift", "Où est Paris? {=en France ~ailleurs}".encode("latin-1"))
    binary = write(tmp_path, "c.jsonl", b'{"a": "\x81\x8d"}\n')
    report = services.importer.run([no_bom, latin, binary])
    errors = {r["file"]: r["error"] for r in report.rejected}
    assert "UTF-16 without a BOM" in errors["a.gift"]
    assert "not UTF-8, UTF-16 or Windows-1258 text" in errors["b.gift"]
    assert "not UTF-8, UTF-16 or Windows-1258 text" in errors["c.jsonl"]


# -- the format by content -----------------------------------------------------------------------
def test_moodle_gift_txt_fixture_name_is_gift(tmp_path):
    # Even with an Aiken-looking line in a stem, a *.gift.txt is GIFT.
    text = "Đọc đoạn sau\nANSWER: B là gì? {=có ~không}\n"
    assert choose(write(tmp_path, "questions.gift.txt", text)).format == "gift"
    assert choose(write(tmp_path, "questions.txt", GIFT)).format == "gift"
    assert choose(write(tmp_path, "questions2.txt", AIKEN)).format == "aiken"


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("de", GIFT, "gift"),
        ("de", AIKEN, "aiken"),
        ("de", '{"type": "essay", "stem": "x"}\n', "jsonl"),
        ("de", "<?xml version='1.0'?>\n<quiz></quiz>\n", "moodle_xml"),
        ("de.gift", AIKEN, "aiken"),
        ("de.jsonl", GIFT, "gift"),
        ("de.dat", GIFT, "gift"),
        ("de.xml", '{"type": "essay", "stem": "x"}\n', "jsonl"),
    ],
)
def test_wrong_or_missing_extensions_by_content(tmp_path, name, text, fmt):
    assert choose(write(tmp_path, name, text)).format == fmt


def test_content_in_doubt_keeps_the_extension_or_is_refused(tmp_path):
    assert choose(write(tmp_path, "x.gift", "just some text\n")).format == "gift"
    assert choose(write(tmp_path, "x.jsonl", "[" * 1000 + "\n")).format == "jsonl"
    with pytest.raises(FormatError, match="cannot tell the question file's format"):
        choose(write(tmp_path, "ghi-chu", "just some text\n"))


# -- Aiken as Moodle reads it --------------------------------------------------------------------
def test_aiken_blocks_with_and_without_options(services, tmp_path):
    text = (
        "Câu một?\nA)Đúng\nB)Sai\nANSWER: A\n\n"
        "A) Question not started\nANSWER: Question not started\n\n"
        "Câu không có lựa chọn nào?\nANSWER: A\n\n"
        "Câu hai?\nA. Một\nB. Hai\nANSWER: B\n\n"
        "Câu ba?\nA) Một\nC) Ba\nD) Bốn\nANSWER: A\n"
        "Câu bốn?\nA) Một\nB) Hai\nANSWER: Z\n"
        "Câu năm?\nA) Một\nB) Hai\nANSWER: B\n"
    )
    report = services.importer.run([write(tmp_path, "aiken.txt", text)])
    assert report.imported == 3
    assert stems(report.ids, services) == ["Câu một?", "Câu hai?", "Câu năm?"]
    assert [(r["line"], r["error"]) for r in report.rejected] == [
        (6, "option A comes before the question's text"),
        (9, "no options: a question needs options A), B), …"),
        (19, "option C where B was expected"),
        (25, "ANSWER: Z names no option (A–B)"),
    ]


def test_aiken_block_ended_by_a_blank_line_is_reported_alone(services, tmp_path):
    text = "Một câu hỏi chưa xong\n\nCâu đủ?\nA) Có\nB) Không\nANSWER: A\n"
    report = services.importer.run([write(tmp_path, "aiken.txt", text)])
    assert report.imported == 1 and stems(report.ids, services) == ["Câu đủ?"]
    assert report.rejected[0]["line"] == 1


# -- GIFT numerics and braces as Moodle parses them ----------------------------------------------
@pytest.mark.parametrize(
    ("block", "answer", "tolerance", "accept"),
    [
        ("{#3:2}", "3", 2.0, None),
        ("{#1..5}", "3", 2.0, None),
        ("{#3:2~#Completely wrong}", "3", 2.0, None),
        ("{#3:2#Good~#Completely wrong}", "3", 2.0,
         [{"value": "3", "tolerance": 2.0, "weight": 100.0, "feedback": "Good"}]),
        ("{#=1822:0 =%50%1822:2}", "1822", None,
         [{"value": "1822", "tolerance": 2.0, "weight": 50.0, "feedback": ""}]),
        ("{#\n=%100%9:0#Correct\n=%0%5:0#Incorrect\n~#Wrong}", "9", None,
         [{"value": "9", "tolerance": 0.0, "weight": 100.0, "feedback": "Correct"},
          {"value": "5", "tolerance": 0.0, "weight": 0.0, "feedback": "Incorrect"}]),
    ],
)  # fmt: skip
def test_gift_numerics(block, answer, tolerance, accept):
    [record] = gift.parse(f"Số nào? {block}\n", "t.gift")
    assert record.error is None
    data = record.data
    found = (data["type"], data["answer"], data.get("tolerance"))
    assert found == ("short_answer", answer, tolerance)
    assert data.get("accept") == accept


def test_unclosed_brace_is_an_error_on_its_line_and_the_next_question_is_read(run, tmp_path):
    text = "// đề 1\n::Q1:: Câu hỏi? {=A ~B ~C\n\n::Q2:: Câu hai? {=X ~Y}\n"
    result = run("questions", "import", str(write(tmp_path, "de.gift", text)), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["imported"] == 1
    assert report["rejected"] == [
        {"file": "de.gift", "line": 2, "error": "the answer block '{' is not closed"}
    ]


def test_a_blank_line_before_general_feedback_stays_inside_the_block():
    text = "Câu?{\n=A\n~B\n\n####Vì A đúng\n}\n\nCâu hai? {=C ~D}\n"
    records = list(gift.parse(text, "t.gift"))
    assert [r.error for r in records] == [None, None]
    assert records[0].data["explanation"] == "Vì A đúng"


# -- JSONL: located errors, never a traceback ----------------------------------------------------
def test_jsonl_bad_lines_are_located(services, tmp_path):
    lines = [
        "[" * 100_000,
        '{"type": "essay", "stem": ' + "[" * 50 + "]" * 50 + "}",
        '{"type": "essay", "stem": ' + "9" * 5000 + "}",
        "{not json",
        '{"type": "essay", "stem": "Câu hỏi tốt."}',
    ]
    report = services.importer.run([write(tmp_path, "de.jsonl", "\n".join(lines) + "\n")])
    assert report.imported == 1
    errors = [(r["line"], r["error"]) for r in report.rejected]
    assert errors[0] == (1, "nested too deeply (more than 32 levels)")
    assert errors[1] == (2, "nested too deeply (more than 32 levels)")
    assert errors[2][0] == 3 and errors[2][1].startswith("not valid JSON")
    assert errors[3][0] == 4 and errors[3][1].startswith("not valid JSON")


# -- the reports -----------------------------------------------------------------------------------
@pytest.fixture
def run(tmp_path, database_url, services):
    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
           "KHOLIEU_LOG_FORMAT": "json"}  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_kholieu(*args, env=env)

    return run


def test_cli_report_says_format_and_encoding(run, tmp_path):
    unicode = write(tmp_path, "de.txt", notepad_unicode(GIFT))
    vietnamese = write(tmp_path, "aiken.txt", windows_1258(AIKEN))
    result = run("questions", "import", str(unicode), str(vietnamese), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"imported", "duplicates", "rejected", "by_type"} <= set(report)
    assert report["imported"] == 4
    assert report["formats"] == {
        "de.txt": {"format": "gift", "encoding": "utf-16-le"},
        "aiken.txt": {"format": "aiken", "encoding": "windows-1258"},
    }
    text = run("questions", "import", str(unicode))
    assert "de.txt: gift, utf-16-le" in text.stderr


def test_web_import_report_says_format_and_encoding(client, make_user, bearer, services):
    teacher = bearer(make_user("teacher"))
    files = {"file": ("de.txt", notepad_unicode(GIFT), "text/plain")}
    started = client.post("/api/v1/questions/imports", files=files, headers=teacher)
    assert started.status_code == 202, started.text
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        wait_for(services, started.json()["job_id"], "succeeded")
    finally:
        work.stop()
    status = client.get(f"/api/v1/questions/imports/{started.json()['id']}", headers=teacher)
    report = status.json()["report"]
    assert report["imported"] == 2
    assert report["formats"] == {"de.txt": {"format": "gift", "encoding": "utf-16-le"}}
