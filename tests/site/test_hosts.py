"""Allowed hosts (issue 15, item 9): a forged Host header is refused, and links the app hands
out are built from KHOLIEU_PUBLIC_URL, never from the request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kholieu.app import create_app
from kholieu.services import build_services
from tests.conftest import PASSWORD, make_settings
from tests.support.bank import fill
from tests.support.quiz import SMALL


def test_a_request_for_another_host_is_400(client):
    assert client.get("/healthz").status_code == 200
    forged = client.get("/healthz", headers={"Host": "evil.example"})
    assert forged.status_code == 400


def test_the_share_link_comes_from_the_public_url(tmp_path, database_url, services):
    """``services`` (the fixture) empties the tables before and after; this app has its own."""
    settings = make_settings(
        tmp_path, database_url=database_url, public_url="https://hoclieu.edu.vn",
        allowed_hosts="hoclieu.edu.vn,www.hoclieu.edu.vn",
    )  # fmt: skip
    mine = build_services(settings)
    fill(mine, "toan", 10, {"single_choice": {"nhan_biet": 10},
                            "true_false_group": {"thong_hieu": 5},
                            "short_answer": {"van_dung": 5}})  # fmt: skip
    with mine.sessions.begin() as session:
        teacher = mine.accounts.create_user(session, "co.mai", PASSWORD, "teacher")
        quiz = mine.quizzes.create(session, teacher, {"blueprint": SMALL, "mode": "exam"})
        quiz_id, secret = quiz.id, quiz.token
    app = create_app(settings, mine)
    with TestClient(app, base_url="https://www.hoclieu.edu.vn") as client:  # an allowed alias
        token = client.post(
            "/api/v1/auth/token", data={"username": teacher.username, "password": PASSWORD}
        )
        assert token.status_code == 200, (token.status_code, token.text)
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        page = client.get(f"/bai-kiem-tra/{quiz_id}", headers=headers)
    mine.close()
    assert page.status_code == 200
    assert f"https://hoclieu.edu.vn/vao-thi/{secret}" in page.text
    assert "www.hoclieu.edu.vn/vao-thi" not in page.text
