"""A textbook item's publisher and edition: from the editor's form, the content API and a
manifest import; a new PDF is read by its job."""

from __future__ import annotations

import json
import re

from kholieu.content.manifest import import_manifest
from kholieu.demo.textbook_pdf import make_textbook
from kholieu.textbooks.models import Textbook, TextbookPage
from tests.support.jobs import run_until
from tests.support.textbooks import read_job
from tests.support.web import csrf_from, sign_in


def test_the_editor_form_takes_publisher_and_edition(services, client, make_user):
    sign_in(client, make_user("editor"))
    form = client.get("/bien-tap/moi")
    assert 'name="publisher"' in form.text
    created = client.post("/bien-tap/moi", data={
        "csrf_token": csrf_from(form.text), "kind": "textbook", "title": "Toán 10, tập một",
        "subject": "toan", "grade": "10", "textbook_series": "canh-dieu",
        "publisher": "NXB Đại học Sư phạm", "edition": "2022", "license": "CC-BY-4.0",
    }, follow_redirects=False)  # fmt: skip
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    item_id = int(url.rsplit("/", 1)[1])
    page = client.get(url)
    assert re.search(r'name="publisher"[^>]*value="NXB Đại học Sư phạm"', page.text)
    edited = client.post(f"{url}/sua", data={"csrf_token": csrf_from(page.text),
                                             "title": "Toán 10, tập một", "subject": "toan",
                                             "grade": "10", "edition": "Tái bản 2024"},
                         follow_redirects=False)  # fmt: skip
    assert edited.status_code == 303
    with services.sessions() as session:
        book = session.get(Textbook, item_id)
        assert (book.publisher, book.edition) == ("NXB Đại học Sư phạm", "Tái bản 2024")


def test_other_kinds_have_no_publisher_field(services, client, make_user):
    from tests.support.content import new_item

    item_id = new_item(services, kind="document")
    sign_in(client, make_user("editor"))
    assert 'name="publisher"' not in client.get(f"/bien-tap/{item_id}").text


def test_a_manifest_line_imports_a_textbook_with_its_pdf(services, tmp_path):
    (tmp_path / "toan10.pdf").write_bytes(make_textbook(12, [("Bài 1. Mệnh đề", 2)]))
    line = {"kind": "textbook", "title": "Toán 10", "subject": "toan", "grade": 10,
            "textbook_series": "ket-noi-tri-thuc", "publisher": "NXB Giáo dục Việt Nam",
            "edition": "2023", "file": "toan10.pdf", "status": "published"}  # fmt: skip
    (tmp_path / "m.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n")
    report = import_manifest(services.content, services.sessions, tmp_path / "m.jsonl")
    assert report.imported == 1, report.rejected
    item_id = report.ids[0]
    run_until(services, read_job(services, item_id))
    with services.sessions() as session:
        book = session.get(Textbook, item_id)
        assert (book.publisher, book.edition, book.page_count) == ("NXB Giáo dục Việt Nam",
                                                                   "2023", 12)  # fmt: skip
        assert session.query(TextbookPage).filter_by(item_id=item_id).count() == 12
