"""What the content search reads inside files: the visible text of lab and SCORM pages, the text
of Word, PowerPoint and PDF documents; found through the real search service (tantivy), each by
a word that is only in the file."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pptx import Presentation
from pptx.util import Inches

from kholieu.content.documents import MAX_TEXT
from kholieu.content.models import ContentFile
from kholieu.content.packages.checks import inspect_package
from kholieu.content.packages.text import TextLimits, html_text, package_text
from kholieu.demo.files import quadratic_pdf
from tests.conftest import make_settings
from tests.support.content import attach, new_item
from tests.support.jobs import run_until

SCORM_2004_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="on-tap-ham-so" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Ôn tập hàm số</title>
      <item identifier="i1" identifierref="r1"><title>Bài 1</title></item>
      <item identifier="i2" identifierref="r2"><title>Bài 2</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="html/bai-1.html">
      <file href="html/bai-1.html"/><file href="js/scorm.js"/><file href="css/bai.css"/>
    </resource>
    <resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="html/bai-2.html">
      <file href="html/bai-2.html"/><file href="html/phu-luc/bang.htm"/>
    </resource>
  </resources>
</manifest>"""


def page(title: str, body: str) -> str:
    """An HTML page as authoring tools write one: head with styles and scripts, then the body."""
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f'<title>{title}</title><link rel="stylesheet" href="../css/bai.css">'
        '<script src="../js/scorm.js"></script></head>\n'
        f"<body>\n  {body}\n</body></html>\n"
    )


def zip_of(entries: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def scorm_package() -> bytes:
    """SCORM 2004, three pages in two resources; each page's words are its own."""
    return zip_of({
        "imsmanifest.xml": SCORM_2004_MANIFEST,
        "html/bai-1.html": page("Bài 1", "<h1>Đồng biến</h1><p>Hàm số đồng biến trên khoảng</p>"),
        "html/bai-2.html": page("Bài 2", "<h2>Cực trị</h2><p>Điểm cực đại của đồ thị</p>"),
        "html/phu-luc/bang.htm": page(
            "Phụ lục", "<table><tr><td>Tiệm</td><td>cận</td></tr><tr><td>ngang</td></tr></table>"
            "<p>Đường tiệm cận xiên của đồ thị hàm phân thức</p>"
        ),
        "js/scorm.js": "var API = window.API_1484_11; // Đường tiệm cận đứng",
        "css/bai.css": "body { font-family: 'Times New Roman', serif }",
    })  # fmt: skip


def lab_package(body: str, extra: dict[str, str] | None = None) -> bytes:
    """An HTML5 lab in one top folder, with a script and a style sheet beside its page."""
    return zip_of({
        "mach-dien/index.html": (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Mạch điện</title>'
            '<link rel="stylesheet" href="lab.css"></head>'
            f'<body>{body}<canvas id="c"></canvas><script src="lab.js"></script></body></html>'
        ),
        "mach-dien/lab.js": "const R = 10; // điện trở",
        "mach-dien/lab.css": "canvas { width: 100% }",
        **(extra or {}),
    })  # fmt: skip


@pytest.fixture
def settings(tmp_path, database_url):  # the real search service, on the embedded engine
    return make_settings(tmp_path, database_url=database_url,
                         search_url=f"tantivy://{tmp_path}/index")  # fmt: skip


def found(client, words: str) -> list[str]:
    """The ids a visitor's search for ``words`` finds."""
    response = client.get("/api/v1/search", params={"q": words})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["hits"]]


def published(services, kind: str, body: bytes, name: str) -> tuple[int, ContentFile]:
    """An item with ``body`` as its file, processed by its background job, then published and
    sent to the search engine."""
    item_id = new_item(services, kind=kind)
    file = attach(services, item_id, body, name)
    assert file.job_id, "the file's processing was queued"
    run_until(services, file.job_id)
    with services.sessions.begin() as session:
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")
    services.outbox.drain()
    with services.sessions() as session:
        return item_id, session.get(ContentFile, file.id)


def word_document() -> bytes:
    """A Word document as python-docx writes one: a heading, a word split over runs (as Word
    does around a formatting change), a table; and, as Word writes them, a tracked deletion
    and a field's code, which are not text."""
    document = Document()
    document.add_heading("Chuyên đề hình học", level=1)
    paragraph = document.add_paragraph("Cho tam giác ")
    paragraph.add_run("vuô").bold = True
    paragraph.add_run("ng cân tại A.")
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="GV" w:date="2025-01-01T00:00:00Z">'
        "<w:r><w:delText> Đường cao đã xóa</w:delText></w:r></w:del>"
    ))  # fmt: skip
    field = document.add_paragraph()._p
    field.append(
        parse_xml(f"<w:r {nsdecls('w')}><w:instrText> PAGEREF bisector </w:instrText></w:r>")
    )
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Định lí"
    table.cell(1, 1).text = "Đường trung tuyến ứng với cạnh huyền"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def slide_deck() -> bytes:
    """A PowerPoint deck as python-pptx writes one: title and bullet slides, a table, speaker
    notes."""
    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Cảm ứng điện từ"
    first.placeholders[1].text_frame.text = "Từ thông biến thiên"
    first.placeholders[1].text_frame.add_paragraph().text = "sinh ra suất điện động"
    first.notes_slide.notes_text_frame.text = "Nhắc học sinh quy tắc bàn tay phải"
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Bảng số liệu"
    shape = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1.5))
    shape.table.cell(0, 0).text = "Dòng điện Phu-cô"
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# -- each kind, found by a word only its file holds ------------------------------------------


def test_a_lab_page_s_visible_text_is_found(services, client):
    body = "<h1>Định luật Ôm</h1><p>Cường độ dòng điện qua &quot;vôn&nbsp;kế&quot;</p>"
    assert found(client, "vôn kế") == []
    item_id, file = published(services, "lab", lab_package(body), "mach-dien.zip")
    assert 'Cường độ dòng điện qua "vôn kế"' in file.text
    assert found(client, "vôn kế") == [str(item_id)]
    assert found(client, "von ke") == [str(item_id)]  # folded like any text


def test_every_page_of_a_scorm_package_is_found(services, client):
    item_id, file = published(services, "lecture", scorm_package(), "ham-so.zip")
    assert file.text.startswith("Bài 1 Đồng biến Hàm số đồng biến trên khoảng")  # launch first
    for words in ("đồng biến", "điểm cực đại", "tiệm cận xiên"):  # the last in a sub-folder
        assert found(client, words) == [str(item_id)], words
    assert "Tiệm cận ngang" in file.text  # table cells are separate words
    assert "tiệm cận đứng" not in file.text.lower()  # said only in the script


def test_a_word_document_s_text_and_tables_are_found(services, client):
    item_id, file = published(services, "document", word_document(), "hinh-hoc.docx")
    assert "Cho tam giác vuông cân tại A." in file.text  # the runs join up
    assert found(client, "vuông cân") == [str(item_id)]
    assert found(client, "đường trung tuyến") == [str(item_id)]  # in a table cell
    assert "Đường cao" not in file.text and "PAGEREF" not in file.text
    assert found(client, "đường cao") == []
    assert file.thumbnail is False


def test_a_slide_deck_s_slides_tables_and_notes_are_found(services, client):
    item_id, file = published(services, "lecture", slide_deck(), "cam-ung.pptx")
    lines = file.text.splitlines()
    assert lines[:3] == ["Cảm ứng điện từ", "Từ thông biến thiên", "sinh ra suất điện động"]
    assert found(client, "suất điện động") == [str(item_id)]
    assert found(client, "bàn tay phải") == [str(item_id)]  # the speaker notes
    assert found(client, "Phu-cô") == [str(item_id)]  # a table on the second slide


def test_a_pdf_s_text_is_found_as_before(services, client):
    item_id, file = published(services, "document", quadratic_pdf(), "phieu.pdf")
    assert "Phương trình bậc hai" in file.text
    assert found(client, "phuong trinh bac hai") == [str(item_id)]


# -- what is not text, and the caps ----------------------------------------------------------


def test_scripts_styles_templates_and_attributes_are_not_indexed(services, client):
    body = (
        '<p title="điện dung">Tụ điện phẳng</p>'
        '<script>const nhan = "hằng số điện môi";</script>'
        '<style>.ghi::after { content: "cảm kháng" }</style>'
        "<template><p>dung kháng</p></template>"
    )
    extra = {"mach-dien/lab.js": "// trở kháng toàn mạch"}
    item_id, file = published(services, "lab", lab_package(body, extra), "tu-dien.zip")
    assert file.text == "Mạch điện Tụ điện phẳng"
    assert found(client, "tụ điện phẳng") == [str(item_id)]
    for words in ("điện dung", "điện môi", "cảm kháng", "dung kháng", "trở kháng"):
        assert found(client, words) == [], words


def test_a_package_keeps_at_most_max_text_characters(services, client):
    filler = " ".join(f"tu{n}" for n in range(150_000))  # ~1 MB a page, under the zip ratio
    pages = {f"bai/trang-{n}.html": f"<p>{filler}</p>" for n in range(1, 4)}
    pages["bai/index.html"] = "<h1>Khúc xạ ánh sáng</h1>"
    pages["bai/z-cuoi.html"] = "<p>Lăng kính phản xạ toàn phần</p>"  # read after the cap
    item_id, file = published(services, "lab", zip_of(pages), "khuc-xa.zip")
    assert len(file.text) == MAX_TEXT == 2_000_000
    assert found(client, "khúc xạ") == [str(item_id)]
    assert found(client, "lăng kính") == []


def test_pages_and_bytes_read_are_capped():
    pages = {"index.html": "<p>mở đầu</p>", **{f"p{n}.html": f"<p>trang {n}</p>" for n in range(9)}}
    source = io.BytesIO(zip_of(pages))
    info = inspect_package(source)
    assert package_text(source, info) == "mở đầu\n" + "\n".join(f"trang {n}" for n in range(9))
    assert package_text(source, info, TextLimits(max_pages=3)) == "mở đầu\ntrang 0\ntrang 1"
    cut = package_text(source, info, TextLimits(max_page_bytes=10))  # "<p>mở đ" of each page
    assert cut == "mở đ\n" + "\n".join(f"trang {n}" for n in range(9))
    total = len(b"<p>m\xe1\xbb\x9f \xc4\x91\xe1\xba\xa7u</p>") + len(b"<p>trang 0</p>")
    assert package_text(source, info, TextLimits(max_bytes=total)) == "mở đầu\ntrang 0"
    assert package_text(source, info, TextLimits(max_chars=10)) == "mở đầu\ntra"


def test_html_text_decodes_entities_and_encodings_and_collapses_whitespace():
    assert html_text(b"<p>Ph<b>&acirc;</b>n&#32;s&#7889;</p>\n\n<p>m\xe1\xbb\x99t</p>") == (
        "Phân số một"
    )
    cp1258 = '<meta charset="windows-1258"><p>Phân sô\u0301</p>'.encode("cp1258")
    assert html_text(cp1258) == "Phân số"  # tone marks composed
    assert html_text(b"<p>a<br>b</p><noscript>bat JavaScript</noscript><script>x") == "a b"
    assert html_text(b"<p>n\x00ull&#0;</p>") == "null\ufffd"  # PostgreSQL stores no NUL


def test_a_second_item_with_the_same_package_gets_its_text_too(services, client):
    first, _ = published(services, "lab", lab_package("<p>Điện trở suất</p>"), "a.zip")
    second, file = published(services, "lab", lab_package("<p>Điện trở suất</p>"), "b.zip")
    assert file.text == "Mạch điện Điện trở suất"  # unpacked already: only the text was read
    assert sorted(found(client, "điện trở suất")) == sorted([str(first), str(second)])


# -- damaged documents -----------------------------------------------------------------------


def truncated(data: bytes) -> bytes:
    """Cut where a failed download cuts: the start (and so its type) intact, the directory gone."""
    return data[: len(data) * 2 // 3]


def broken_part(data: bytes, part: str) -> bytes:
    """The zip intact, one XML part no longer XML."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_of({
        info.filename: b"<w:document><w:body><w:p>" if info.filename == part
        else source.read(info.filename)
        for info in source.infolist()
    })  # fmt: skip


@pytest.mark.parametrize(
    "name, body",
    [
        ("hong.docx", lambda: truncated(word_document())),
        ("hong.pptx", lambda: truncated(slide_deck())),
        ("hong-xml.docx", lambda: broken_part(word_document(), "word/document.xml")),
        ("hong-xml.pptx", lambda: broken_part(slide_deck(), "ppt/slides/slide2.xml")),
    ],
)
def test_a_damaged_office_document_uploads_without_text(services, client, caplog, name, body):
    caplog.set_level(logging.WARNING, logger="kholieu.content.office")
    item_id, file = published(services, "document", body(), name)
    assert file.mime.startswith("application/vnd.openxmlformats-officedocument.")
    assert file.text is None
    assert f"could not read the text of {file.sha256}" in caplog.text
    with services.sessions() as session:
        assert services.content.get(session, None, item_id).status == "published"
