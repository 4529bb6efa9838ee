"""The question bank's pages: filters, keys shown to teachers only, the editor's preview
endpoint (sanitised, errors by field), and the import page."""

from __future__ import annotations

import pytest

from kholieu.bank.schemas import QuestionIn

SINGLE = {"type": "single_choice", "stem": "Giá trị của $\\sin 30^\\circ$ là",
          "options": ["$\\frac12$", "1"], "answer": 0, "subject": "toan", "grade": 10}  # fmt: skip


@pytest.fixture
def signed_in(client, make_user):
    def as_role(role: str):
        user = make_user(role)
        response = client.post(
            "/login", data={"username": user.username, "password": "mat-khau-123",
                            "csrf_token": _csrf(client)},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303, response.text
        return user

    return as_role


def _csrf(client) -> str:
    page = client.get("/login")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def add(services, data, owner=None):
    with services.sessions.begin() as session:
        return services.questions.create(session, owner, QuestionIn.model_validate(data)).id


def test_bank_page_filters_and_shows_keys_to_teachers(client, services, signed_in):
    add(services, SINGLE)
    add(services, {**SINGLE, "stem": "Câu lớp 11", "grade": 11})
    signed_in("editor")
    page = client.get("/cau-hoi?grade=10", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="bank-total">Tìm thấy 1 câu hỏi' in page.text
    assert "Câu lớp 11" not in page.text and 'class="key"' in page.text
    assert "Ngân hàng câu hỏi" in page.text


def test_students_are_refused_and_visitors_sent_to_sign_in(client, signed_in):
    response = client.get("/cau-hoi", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    signed_in("student")
    assert client.get("/cau-hoi", headers={"accept": "text/html"}).status_code == 403


def test_editor_and_import_pages_render(client, services, signed_in):
    teacher = signed_in("teacher")
    qid = add(services, SINGLE, owner=teacher)
    editor = client.get(f"/cau-hoi/{qid}", headers={"accept": "text/html"})
    assert editor.status_code == 200 and 'id="question-data"' in editor.text
    assert client.get("/cau-hoi/moi", headers={"accept": "text/html"}).status_code == 200
    page = client.get("/cau-hoi/nhap", headers={"accept": "text/html"})
    assert page.status_code == 200 and ".docx" in page.text


def test_preview_is_sanitised_and_names_the_first_problem(client, make_user, bearer):
    headers = bearer(make_user("teacher"))
    good = client.post(
        "/api/v1/questions/preview",
        json={**SINGLE, "stem": 'Tính $a<b$ <img src=x onerror="alert(1)">'},
        headers=headers,
    ).json()
    assert good["ok"] and "onerror" not in good["html"]["stem"]
    assert "$a&lt;b$" in good["html"]["stem"]
    bad = client.post(
        "/api/v1/questions/preview", json={**SINGLE, "answer": 5}, headers=headers
    ).json()
    assert not bad["ok"] and bad["error"] == "answer: option 5 does not exist (0–1)"
    assert bad["html"]["options"] == ["$\\frac12$", "1"]
