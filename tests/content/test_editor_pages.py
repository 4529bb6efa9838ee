"""Editor pages: only editors get in; forms are CSRF-protected and report bad fields."""

from __future__ import annotations

import re

import pytest

from tests.support.web import csrf_from, sign_in


@pytest.mark.parametrize(
    ("role", "status"), [("student", 403), ("teacher", 403), ("editor", 200), ("admin", 200)]
)
def test_dashboard_is_for_editors(client, make_user, role, status):
    sign_in(client, make_user(role))
    response = client.get("/bien-tap", headers={"accept": "text/html"})
    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/bien-tap", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/bien-tap"


def test_create_review_and_publish_through_the_forms(client, make_user):
    author = make_user("editor")
    sign_in(client, author)
    form = client.get("/bien-tap/moi")
    response = client.post(
        "/bien-tap/moi",
        data={
            "csrf_token": csrf_from(form.text),
            "kind": "lab",
            "title": "Con lắc đơn",
            "subject": "vat-li",
            "grade": "10",
            "tags": "dao động, con lắc",
            "license": "CC-BY-4.0",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    url = response.headers["location"]
    page = client.get(url)
    assert "Bản nháp" in page.text and 'data-upload data-item="' in page.text
    client.post(f"{url}/submit", data={"csrf_token": csrf_from(page.text)})
    page = client.get(url)
    bad = client.post(
        f"{url}/reject",
        data={"csrf_token": csrf_from(page.text), "reason": ""},
        headers={"accept": "text/html"},
    )
    assert bad.status_code == 422
    client.post(
        f"{url}/reject",
        data={
            "csrf_token": csrf_from(page.text),
            "reason": "Thiếu nguồn",
            "note": "Bổ sung nguồn.",
        },
    )
    page = client.get(url)
    assert "Bị trả lại: Thiếu nguồn" in page.text and "Bổ sung nguồn." in page.text
    client.post(f"{url}/submit", data={"csrf_token": csrf_from(page.text)})
    # its author cannot approve it: the page says why, and a second editor must
    own = client.post(
        f"{url}/approve", data={"csrf_token": csrf_from(page.text)}, headers={"accept": "text/html"}
    )
    assert own.status_code == 403 and "không thể tự duyệt" in own.text
    assert re.search(r'data-testid="item-status">Chờ duyệt<', own.text)
    sign_in(client, make_user("editor"))
    page = client.get(url)
    client.post(f"{url}/approve", data={"csrf_token": csrf_from(page.text)})
    page = client.get(url)
    assert re.search(r'data-testid="item-status">Đã xuất bản<', page.text)
    sign_in(client, author)
    assert client.get("/bien-tap").text.count("Con lắc đơn") == 1


def test_create_form_reports_bad_fields(client, make_user):
    sign_in(client, make_user("editor"))
    form = client.get("/bien-tap/moi")
    response = client.post(
        "/bien-tap/moi",
        data={
            "csrf_token": csrf_from(form.text),
            "kind": "lab",
            "title": "x",
            "subject": "vat-li",
            "grade": "13",
        },
    )
    assert response.status_code == 422
    assert 'data-testid="error-grade">Lớp phải là một số từ 1 đến 12.<' in response.text
    assert 'value="x"' in response.text  # what was typed is kept


def test_forms_need_the_csrf_token(client, make_user):
    sign_in(client, make_user("editor"))
    response = client.post(
        "/bien-tap/moi", data={"kind": "lab", "title": "x", "subject": "toan", "grade": "1"}
    )
    assert response.status_code == 403
