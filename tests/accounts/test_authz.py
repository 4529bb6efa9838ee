"""Authorisation: every route declares who may call it, and the declarations hold."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from fastapi.dependencies.models import Dependant

from kholieu.accounts.deps import Access, editors, teachers
from kholieu.accounts.models import User
from tests.support.routes import api_routes


def _policies(dependant: Dependant) -> list[Access]:
    found = [d.call for d in dependant.dependencies if isinstance(d.call, Access)]
    for sub in dependant.dependencies:
        found += _policies(sub)
    return found


def test_every_route_declares_an_access_policy(app):
    routes = list(api_routes(app))
    assert len(routes) > 80  # every capability's routes were walked (88 today)
    missing = [
        f"{sorted(route.methods)} {route.path}"
        for route in routes
        if not _policies(route.dependant)
    ]
    assert missing == []


@pytest.fixture
def guarded(app):
    router = APIRouter()

    @router.post("/api/v1/_test/teachers")
    def for_teachers(user: Annotated[User, Depends(teachers)]) -> dict[str, str]:
        return {"role": user.role}

    @router.get("/api/v1/_test/editors")
    def for_editors(user: Annotated[User, Depends(editors)]) -> dict[str, str]:
        return {"role": user.role}

    app.include_router(router)
    return app


@pytest.mark.parametrize(
    ("role", "teachers_status", "editors_status"),
    [("student", 403, 403), ("teacher", 200, 403), ("editor", 200, 200), ("admin", 200, 200)],
)
def test_roles(guarded, client, make_user, bearer, role, teachers_status, editors_status):
    headers = bearer(make_user(role))
    assert client.post("/api/v1/_test/teachers", headers=headers).status_code == teachers_status
    assert client.get("/api/v1/_test/editors", headers=headers).status_code == editors_status


def test_anonymous_is_asked_to_sign_in(guarded, client):
    response = client.get("/api/v1/_test/editors")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_cookie_authenticated_api_writes_need_the_csrf_header(guarded, client, make_user):
    from tests.conftest import PASSWORD
    from tests.support.web import csrf_from

    user = make_user("teacher")
    page = client.get("/login")
    client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert client.post("/api/v1/_test/teachers").status_code == 403
    token = csrf_from(client.get("/login").text)
    response = client.post("/api/v1/_test/teachers", headers={"X-CSRF-Token": token})
    assert response.status_code == 200
