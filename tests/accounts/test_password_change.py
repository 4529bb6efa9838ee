"""Changing one's own password (issue 19, item 7): the current one first, the password rules,
every other session and token ended, this one kept; tried as someone holding a stolen
session would: guessing the current password runs into the sign-in limit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kholieu.audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.support.web import csrf_from, sign_in

NEW = "con-meo-den-nhay-qua-hang-rao"


def change(client, headers, current=PASSWORD, new=NEW):
    body = {"current_password": current, "new_password": new}
    return client.post("/api/v1/auth/password", json=body, headers=headers)


def test_a_new_password_ends_every_other_session_and_token(
    app, client, make_user, bearer, services
):
    user = make_user("teacher")
    browser = TestClient(app)
    sign_in(browser, user)
    assert browser.get("/api/v1/auth/me").status_code == 200
    phone, laptop = bearer(user), bearer(user)
    assert change(client, phone).status_code == 204
    assert client.get("/api/v1/auth/me", headers=phone).status_code == 200  # kept
    assert client.get("/api/v1/auth/me", headers=laptop).status_code == 401  # ended
    assert browser.get("/api/v1/auth/me").status_code == 401  # the browser too
    signed = client.post("/api/v1/auth/token", data={"username": user.username, "password": NEW})
    assert signed.status_code == 200
    old = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    assert old.status_code == 401
    with services.sessions() as session:
        assert session.scalars(select(AuditEntry.action)).all().count("account.password") == 1


def test_the_current_password_and_the_rules_come_first(client, make_user, bearer):
    user = make_user("student")
    headers = bearer(user)
    cases = [("khong-phai-mat-khau", NEW, "current_password", "wrong"),
             (PASSWORD, PASSWORD, "new_password", "same"),
             (PASSWORD, "ngan", "new_password", "short"),
             (PASSWORD, f"{user.username}-va-mot-chuoi-dai", "new_password", "username"),
             (PASSWORD, "password123456", "new_password", "common")]  # fmt: skip
    for current, new, field, problem in cases:
        response = change(client, headers, current, new)
        assert response.status_code == 422, (problem, response.text)
        assert response.json()["error"]["details"] == {"field": field, "problem": problem}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # nothing ended
    assert change(client, {}).status_code == 401


def test_guessing_the_current_password_from_a_stolen_session_is_rate_limited(
    client, make_user, bearer, services
):
    user = make_user("student")
    headers = bearer(user)
    statuses = [change(client, headers, f"doan-thu-{n}-lan-nua").status_code for n in range(12)]
    assert 429 in statuses and statuses[0] == 422
    assert change(client, headers).status_code == 429  # even the right one, for a while
    services.login_limiter.reset()
    assert change(client, headers).status_code == 204


def test_the_page_says_each_problem_in_vietnamese_and_keeps_this_browser(app, make_user):
    user = make_user("teacher")
    browser = TestClient(app)
    sign_in(browser, user)
    page = browser.get("/tai-khoan/mat-khau")
    token = csrf_from(page.text)
    form = {"csrf_token": token, "current_password": PASSWORD, "new_password": NEW}
    differs = browser.post("/tai-khoan/mat-khau", data=form | {"repeated": NEW + "x"})
    assert differs.status_code == 422 and "không giống nhau" in differs.text
    wrong = browser.post(
        "/tai-khoan/mat-khau", data=form | {"current_password": "sai-roi-nhe", "repeated": NEW}
    )
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in wrong.text
    done = browser.post("/tai-khoan/mat-khau", data=form | {"repeated": NEW})
    assert done.status_code == 200 and 'data-testid="password-changed"' in done.text
    assert browser.get("/api/v1/auth/me").status_code == 200  # still signed in here
    assert (
        browser.post(
            "/tai-khoan/mat-khau", data=form | {"repeated": NEW, "csrf_token": ""}
        ).status_code
        == 403
    )
