"""Signing in as a user would: through the login form with its CSRF token (TestClient) or in
Chromium (the e2e tests' live server)."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD

E2E_PASSWORD = "mat-khau-e2e"  # the live server's teacher, co.hoa


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def sign_in(client, user) -> None:
    page = client.get("/login")
    client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )


def sign_in_browser(
    page, base: str, username: str = "co.hoa", password: str = E2E_PASSWORD
) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(base + "/")
