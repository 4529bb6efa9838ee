"""Accounts: passwords, tokens, the login page with CSRF, rate limiting."""

from __future__ import annotations

import pytest

from kholieu.accounts.models import TokenKind
from kholieu.accounts.pages import safe_next
from kholieu.errors import Conflict, ValidationFailed
from tests.conftest import PASSWORD
from tests.support.web import csrf_from


def test_passwords_are_argon2_hashed(services, make_user):
    user = make_user("teacher", "co.lan")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    with services.sessions() as session:
        assert services.accounts.authenticate(session, "CO.LAN", PASSWORD).id == user.id
        assert services.accounts.authenticate(session, "co.lan", "wrong-password") is None
        assert services.accounts.authenticate(session, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("username", "password", "role", "field"),
    [
        ("a", PASSWORD, "student", "username"),
        ("có dấu", PASSWORD, "student", "username"),
        ("hs1", "short", "student", "password"),
        ("hs1", PASSWORD, "principal", "role"),
    ],
)
def test_create_user_names_the_bad_field(services, username, password, role, field):
    with services.sessions() as session, pytest.raises(ValidationFailed) as info:
        services.accounts.create_user(session, username, password, role)
    assert info.value.details["field"] == field


def test_usernames_are_unique(services, make_user):
    make_user("student", "hs1")
    with services.sessions() as session, pytest.raises(Conflict):
        services.accounts.create_user(session, "HS1", PASSWORD, "student")


def test_token_endpoint_and_bearer_auth(client, make_user, bearer):
    user = make_user("teacher")
    headers = bearer(user)
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == user.username and me.json()["role"] == "teacher"


def test_wrong_password_gets_401_in_the_error_shape(client, make_user):
    user = make_user()
    response = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": "nope-nope"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_invalid_or_expired_bearer_is_refused(client, services, make_user):
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401
    user = make_user()
    services.settings.api_token_ttl_s = -1
    with services.sessions.begin() as session:
        token = services.accounts.issue_token(session, user, TokenKind.api)
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_tokens_are_stored_hashed(services, make_user):
    from sqlalchemy import select

    from kholieu.accounts.models import AuthToken

    user = make_user()
    with services.sessions.begin() as session:
        token = services.accounts.issue_token(session, user, TokenKind.api)
    with services.sessions() as session:
        stored = session.scalars(select(AuthToken.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_login_page_sign_in_and_out(client, make_user):
    user = make_user("student")
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "next": "/",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "kholieu_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/")
    assert user.username in home.text and "Đăng xuất" in home.text
    client.post("/logout", data={"csrf_token": csrf_from(home.text)})
    assert "Đăng xuất" not in client.get("/").text
    assert client.get("/api/v1/auth/me").status_code == 401


def test_session_is_revoked_on_logout_even_if_the_cookie_is_replayed(client, make_user):
    user = make_user()
    page = client.get("/login")
    client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    session_cookie = client.cookies["kholieu_session"]
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    client.cookies.set("kholieu_session", session_cookie)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_login_form_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "kholieu_session" not in client.cookies


def test_csrf_token_from_another_browser_is_refused(app, client, make_user):
    from fastapi.testclient import TestClient

    user = make_user()
    other = TestClient(app)
    stolen = csrf_from(other.get("/login").text)
    client.get("/login")
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": stolen}
    )
    assert response.status_code == 403


def test_login_is_rate_limited(client, services, make_user):
    user = make_user()
    services.login_limiter.reset()
    codes = []
    for _ in range(11):
        response = client.post(
            "/api/v1/auth/token", data={"username": user.username, "password": "guess-guess"}
        )
        codes.append(response.status_code)
    assert codes[:10] == [401] * 10 and codes[10] == 429
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["error"]["code"] == "rate_limited"
    # Even the right password waits now, and the login page says so in Vietnamese.
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 429 and "Quá nhiều lần đăng nhập sai" in response.text


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/quiz/1?x=2", "/quiz/1?x=2"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\\evil.example", "/"),
        (None, "/"),
    ],
)
def test_next_only_goes_to_this_site(target, expected):
    assert safe_next(target) == expected


def test_production_hashes_passwords_at_full_cost(tmp_path, monkeypatch):
    """The suite runs with a cheap hash; without those settings the cost is pwdlib's."""
    from kholieu.accounts.service import AccountService
    from kholieu.config import Settings

    monkeypatch.delenv("KHOLIEU_PASSWORD_TIME_COST")
    monkeypatch.delenv("KHOLIEU_PASSWORD_MEMORY_KIB")
    hashed = AccountService(Settings(data_dir=tmp_path)).hasher.hash("mat-khau-123")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_padded_or_capitalised_usernames_share_one_counter():
    """Sign-in matches " Co.Lan " as co.lan, so the limiter counts it there too: guessing from
    ever new addresses with padded names gets no fresh counter."""
    from kholieu.accounts.limiter import LoginLimiter
    from kholieu.errors import RateLimited

    limiter = LoginLimiter("memory://", "3/minute")
    for n, name in enumerate(["co.lan", " co.lan", "CO.LAN\t"]):
        limiter.check(f"10.0.0.{n}", name)
        limiter.failed(f"10.0.0.{n}", name)
    with pytest.raises(RateLimited):
        limiter.check("10.0.0.99", "  Co.Lan  ")


def test_a_user_lists_and_revokes_their_own_tokens_and_no_one_elses(client, make_user, bearer):
    user, other = make_user("teacher"), make_user("student")
    laptop, phone, theirs = bearer(user), bearer(user), bearer(other)
    listed = client.get("/api/v1/auth/tokens", headers=laptop).json()["tokens"]
    assert len(listed) == 2 and [t["current"] for t in listed].count(True) == 1
    assert "token_hash" not in str(listed) and all(t["kind"] == "api" for t in listed)
    phone_id = next(t["id"] for t in listed if not t["current"])
    other_id = client.get("/api/v1/auth/tokens", headers=theirs).json()["tokens"][0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{other_id}", headers=laptop).status_code == 404
    assert client.get("/api/v1/auth/me", headers=theirs).status_code == 200  # untouched
    assert client.delete(f"/api/v1/auth/tokens/{phone_id}", headers=laptop).status_code == 204
    assert client.get("/api/v1/auth/me", headers=phone).status_code == 401  # revoked
    # signing out with a bearer token revokes that token
    assert client.post("/api/v1/auth/logout", headers=laptop).status_code == 204
    assert client.get("/api/v1/auth/me", headers=laptop).status_code == 401


def test_signing_out_everywhere_ends_every_session_and_token_of_the_user_only(
    app, client, make_user, bearer
):
    from fastapi.testclient import TestClient

    from tests.support.web import sign_in

    user, other = make_user("student"), make_user("student")
    first, second, theirs = bearer(user), bearer(user), bearer(other)
    with TestClient(app) as browser:
        sign_in(browser, user)
        assert browser.get("/api/v1/auth/me").status_code == 200
        done = client.post("/api/v1/auth/logout?everywhere=true", headers=first)
        assert done.status_code == 204
        assert browser.get("/api/v1/auth/me").status_code == 401  # the browser's session too
    assert client.get("/api/v1/auth/me", headers=second).status_code == 401
    assert client.get("/api/v1/auth/me", headers=theirs).status_code == 200


def test_a_planted_csrf_cookie_and_its_token_do_not_work_in_a_signed_in_browser(app, make_user):
    """An attacker gets a CSRF cookie and its token from their own visit, plants the cookie in a
    signed-in student's browser (a page on a sibling host can: cookies ignore ports) and
    forges a form post with the token: refused, the token was not made for that sign-in."""
    from fastapi.testclient import TestClient

    from tests.support.web import sign_in

    with TestClient(app) as attacker, TestClient(app) as victim:
        planted_token = csrf_from(attacker.get("/login").text)
        planted_cookie = attacker.cookies["kholieu_csrf"]
        sign_in(victim, make_user("student"))
        for cookie in list(victim.cookies.jar):  # the planted cookie replaces the victim's
            if cookie.name == "kholieu_csrf":
                victim.cookies.delete(cookie.name, domain=cookie.domain, path=cookie.path)
        victim.cookies.set("kholieu_csrf", planted_cookie)
        forged = victim.post("/ma-de", data={"code": "ABCD2345", "csrf_token": planted_token})
        assert forged.status_code == 403
        own = csrf_from(victim.get("/ma-de").text)  # the page's own token still works
        assert (
            victim.post("/ma-de", data={"code": "ABCD2345", "csrf_token": own}).status_code == 404
        )


def test_over_https_the_cookies_are_host_only_and_plain_names_are_ignored(
    tmp_path, database_url, services
):
    """In production the session and CSRF cookies are ``__Host-``: only this exact host can set
    them, so a cookie a sibling host (or the content port) plants under the plain name signs
    nobody in."""
    from fastapi.testclient import TestClient

    from kholieu.app import create_app
    from kholieu.services import build_services
    from tests.conftest import make_settings

    settings = make_settings(
        tmp_path, database_url=database_url, env="production", secret_key="k" * 40,
        public_url="https://hoclieu.edu.vn", allowed_hosts="hoclieu.edu.vn",
    )  # fmt: skip
    mine = build_services(settings)
    with mine.sessions.begin() as session:
        mine.accounts.create_user(session, "hs.lan", PASSWORD, "student")
        attacker = mine.accounts.create_user(session, "ke.gian", PASSWORD, "student")
        planted = mine.accounts.issue_token(session, attacker, TokenKind.session)
    with TestClient(create_app(settings, mine), base_url="https://hoclieu.edu.vn") as client:
        page = client.get("/login")
        assert "__Host-kholieu_csrf" in page.headers["set-cookie"]
        assert "secure" in page.headers["set-cookie"].lower()
        signed = client.post("/login", data={"username": "hs.lan", "password": PASSWORD,
                                             "csrf_token": csrf_from(page.text)},
                             follow_redirects=False)  # fmt: skip
        assert signed.status_code == 303
        assert "__Host-kholieu_session=" in signed.headers["set-cookie"]
        assert client.get("/api/v1/auth/me").json()["username"] == "hs.lan"
    with TestClient(create_app(settings, mine), base_url="https://hoclieu.edu.vn") as other:
        other.cookies.set("kholieu_session", planted)  # the plain name: not read
        assert other.get("/api/v1/auth/me").status_code == 401
    mine.close()
