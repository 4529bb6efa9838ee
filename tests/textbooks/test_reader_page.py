"""The reader page /sach/{id}: who may open it, what it hands PDF.js, and the content page's
way to it. (Drawing pages, the table of contents and search: tests/e2e/test_textbook_reader.py.)"""

from __future__ import annotations

import pytest

from tests.support.content import PDF, attach, new_item
from tests.support.web import sign_in


def textbook(services, *, published: bool = True) -> int:
    item_id = new_item(services, kind="textbook")
    attach(services, item_id, PDF, "toan-10.pdf")
    if published:
        with services.sessions.begin() as session:
            services.content.transition(session, None, item_id, "submit")
            services.content.transition(session, None, item_id, "approve")
    return item_id


@pytest.mark.parametrize("role", [None, "student", "teacher", "editor"])
def test_a_published_textbook_opens_for_everyone(client, services, make_user, role):
    item_id = textbook(services)
    if role:
        sign_in(client, make_user(role))
    page = client.get(f"/sach/{item_id}")
    assert page.status_code == 200
    assert 'data-file="http://127.0.0.1:8001/b/' in page.text  # the content origin's link
    assert f'data-api="/api/v1/textbooks/{item_id}"' in page.text
    assert "Đang tải trang…" in page.text  # Vietnamese, through the catalogue
    assert "<script>" not in page.text  # strings travel in data- attributes


@pytest.mark.parametrize("role", [None, "student", "teacher"])
def test_a_draft_textbook_is_404_but_to_editors(client, services, make_user, role):
    item_id = textbook(services, published=False)
    if role:
        sign_in(client, make_user(role))
    assert client.get(f"/sach/{item_id}").status_code == 404


def test_an_editor_reads_a_draft_and_may_edit_its_contents(client, services, make_user):
    item_id = textbook(services, published=False)
    sign_in(client, make_user("editor"))
    page = client.get(f"/sach/{item_id}")
    assert page.status_code == 200 and f'href="/sach/{item_id}/muc-luc"' in page.text


def test_a_student_is_not_offered_the_contents_editor(client, services, make_user):
    item_id = textbook(services)
    sign_in(client, make_user("student"))
    assert "/muc-luc" not in client.get(f"/sach/{item_id}").text


def test_other_kinds_have_no_reader(client, services):
    item_id = new_item(services, kind="document")
    attach(services, item_id, PDF, "phieu.pdf")
    with services.sessions.begin() as session:
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")
    assert client.get(f"/sach/{item_id}").status_code == 404
    assert client.get("/sach/999999").status_code == 404


def test_the_content_page_of_a_textbook_leads_to_the_reader(client, services):
    item_id = textbook(services)
    page = client.get(f"/content/{item_id}").text
    assert f'href="/sach/{item_id}"' in page and 'data-testid="pdf-frame"' not in page


def test_pdfjs_modules_are_served_as_javascript(client, monkeypatch):
    """Even where the machine's MIME table does not know .mjs (a module script served as
    anything else does not run)."""
    import starlette.responses

    monkeypatch.setattr(starlette.responses, "guess_type", lambda *_a, **_k: (None, None))
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs"):
        response = client.get(f"/static/vendor/pdfjs/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")


def test_reading_counts_as_opening_the_item(client, services, make_user):
    item_id = textbook(services)
    student = make_user("student")
    sign_in(client, student)
    client.get(f"/sach/{item_id}")
    with services.sessions() as session:
        item = services.content.get(session, student, item_id)
        assert item.views == 1
