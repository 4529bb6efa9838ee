"""Database faults are 503s, never 500s, and no answer shows SQL (issue 16, items 2 and 3).

On PostgreSQL, through a role of the test's own that the app connects as: the server refusing
new connections (a connection limit, its one slot held), connections killed (between
requests, between the pool's check-out ping and the first query, and throughout a burst
against a real `kholieu serve`), a read-only database (``default_transaction_read_only``, as
after a failover to a replica) and a statement waiting on a lock past the statement timeout.
On SQLite: a read-only file and a write lock held past the busy timeout. On both: an error at
the commit in the request's ending, and text the database cannot store (NUL, a lone
surrogate) refused with 422 naming the field, wherever it comes in.

Nothing waits for a duration: each fault is in place before the requests that meet it (a slot
held, a backend gone from ``pg_stat_activity``, a lock granted).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from kholieu.accounts.deps import anyone
from kholieu.accounts.models import TokenKind
from kholieu.app import create_app
from kholieu.content.models import ContentItem
from kholieu.services import build_services
from kholieu.web.deps import SessionDep
from tests.conftest import PASSWORD, make_settings
from tests.support import live, pg_faults
from tests.support.aio import run_apart
from tests.support.content import new_item
from tests.support.web import csrf_from

SQL_WORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "[SQL:", "sqlalche.me", "psycopg")


def no_sql(response) -> None:
    for word in SQL_WORDS:
        assert word not in response.text, response.text[:500]


def unavailable(response, code: str = "database_unavailable") -> dict:
    """A 503 to retry, its message free of SQL; the API's JSON error when it is JSON."""
    assert response.status_code == 503, response.text[:500]
    assert response.headers["retry-after"]
    no_sql(response)
    if response.headers["content-type"].startswith("application/json"):
        error = response.json()["error"]
        assert error["code"] == code
        return error
    assert "text/html" in response.headers["content-type"]
    return {}


@pytest.fixture
def postgres(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL fault (roles, backends, read-only transactions)")
    return database_url


@pytest.fixture
def sqlite_url(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("an SQLite fault (its file, its write lock)")
    return database_url


@pytest.fixture
def role(postgres: str) -> Iterator[pg_faults.Role]:
    with pg_faults.role(postgres) as made:
        yield made


@contextmanager
def app_on(url: str, tmp_path: Path, **overrides: object) -> Iterator[tuple[TestClient, object]]:
    """An app with services of its own on ``url`` (the tables the test's fixtures made)."""
    settings = make_settings(tmp_path / "faulty", database_url=url, **overrides)
    services = build_services(settings)
    try:
        with TestClient(create_app(settings, services)) as client:
            yield client, services
    finally:
        services.close()


def api_token(services, user) -> dict[str, str]:
    """A bearer token written by the test's own services (the app's database may not write)."""
    with services.sessions.begin() as session:
        token = services.accounts.issue_token(session, session.merge(user), TokenKind.api)
    return {"Authorization": f"Bearer {token}"}


def draft(n: int = 1) -> dict:
    return {"kind": "document", "title": f"Bài giảng {n}", "subject": "toan", "grade": 9}


def published(services) -> int:
    item = new_item(services)
    with services.sessions.begin() as session:
        for action in ("submit", "approve"):
            services.content.transition(session, None, item, action)
    return item


def items(services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(ContentItem))


# --- PostgreSQL: the server refuses new connections -------------------------------------------


def test_a_server_refusing_new_connections_is_503_and_readyz_says_so(
    role, services, make_user, tmp_path
):
    published(services)
    user = make_user("teacher")
    role.set("CONNECTION LIMIT 3")
    with app_on(role.url, tmp_path) as (client, _):
        with role.connect(), role.connect(), role.connect():  # every slot of the role taken
            api = client.get("/api/v1/content")
            page = client.get("/hoc-lieu", headers={"Accept": "text/html"})
            sign_in = client.post(
                "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
            )
            ready = client.get("/readyz")
        assert unavailable(api)["message"].startswith("Cơ sở dữ liệu")
        unavailable(page)
        unavailable(sign_in)
        assert ready.status_code == 503
        database = ready.json()["checks"]["database"]
        assert database["ok"] is False and "too many connections" in database["error"]
        assert not any(word in database["error"] for word in SQL_WORDS)
        # the slot is free again: served, and ready
        assert client.get("/api/v1/content").json()["total"] == 1
        assert client.get("/readyz").json()["checks"]["database"]["ok"] is True


# --- PostgreSQL: connections killed --------------------------------------------------------


def test_a_read_whose_connection_was_killed_under_it_is_tried_once_more(
    role, services, make_user, tmp_path
):
    """Between requests the pool's ping finds a killed connection; between the ping and the
    first query nothing does, and the read is run again on a fresh connection. A write is
    not run twice: it answers 503."""
    published(services)
    editor = make_user("editor")
    with app_on(role.url, tmp_path) as (client, app_services):
        headers = api_token(services, editor)
        assert client.get("/api/v1/content").status_code == 200
        assert role.terminate() >= 1  # between requests
        assert client.get("/api/v1/content").json()["total"] == 1

        killed: list[int] = []

        def kill_once(dbapi_conn, _record, _proxy) -> None:
            if not killed:
                killed.append(dbapi_conn.info.backend_pid)
                role.terminate([dbapi_conn.info.backend_pid])  # gone before the first query

        event.listen(app_services.engine, "checkout", kill_once)
        read = client.get("/api/v1/content")
        assert len(killed) == 1 and read.status_code == 200, read.text
        assert read.json()["total"] == 1
        killed.clear()
        page = client.get("/hoc-lieu", headers={"Accept": "text/html"})
        assert len(killed) == 1 and page.status_code == 200

        killed.clear()
        write = client.post("/api/v1/content", headers=headers, json=draft())
        assert len(killed) == 1
        unavailable(write)
        event.remove(app_services.engine, "checkout", kill_once)
        assert client.post("/api/v1/content", headers=headers, json=draft()).status_code == 201
    assert items(services) == 2  # the published one and the second draft


def test_a_read_that_meets_two_dead_connections_answers_503(role, services, tmp_path):
    with app_on(role.url, tmp_path) as (client, app_services):
        assert client.get("/api/v1/content").status_code == 200

        def kill(dbapi_conn, _record, _proxy) -> None:
            role.terminate([dbapi_conn.info.backend_pid])

        event.listen(app_services.engine, "checkout", kill)
        unavailable(client.get("/api/v1/content"))
        event.remove(app_services.engine, "checkout", kill)
        assert client.get("/api/v1/content").status_code == 200


def test_connections_killed_throughout_a_burst_give_only_2xx_and_503(
    role, services, make_user, tmp_path
):
    """A real `kholieu serve`; another thread kills the role's backends again and again while
    readers and writers keep at it. Every answer is 2xx or a 503 to retry; none is a 500."""
    published(services)
    headers = api_token(services, make_user("editor"))
    answers: list[tuple[str, int, str]] = []
    stop = threading.Event()
    first_kill = threading.Event()
    kills = [0]

    def killer() -> None:
        while not stop.is_set():
            kills[0] += role.terminate()
            if kills[0]:
                first_kill.set()
            stop.wait(0.02)  # pacing only: nothing below depends on when a kill lands

    async def burst(base: str) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:

            async def one(n: int) -> None:
                if n % 3 == 2:
                    response = await http.post("/api/v1/content", headers=headers, json=draft(n))
                else:
                    response = await http.get("/api/v1/content")
                answers.append((response.request.method, response.status_code, response.text))

            for wave in range(10):
                await asyncio.gather(*(one(wave * 20 + n) for n in range(20)))

    with live.serve_process(role.url, tmp_path) as base:
        with httpx.Client(base_url=base) as http:
            assert http.get("/api/v1/content").status_code == 200  # the pool has connections
            first = http.post("/api/v1/content", headers=headers, json=draft(0))  # and writes
            assert first.status_code == 201, first.text
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            assert first_kill.wait(30)
            run_apart(burst(base))
        finally:
            stop.set()
            thread.join(30)
    odd = [(m, s, t[:300]) for m, s, t in answers if not (200 <= s < 300 or s == 503)]
    assert odd == []
    for _, status, body in answers:
        if status == 503:
            assert json.loads(body)["error"]["code"] in ("database_unavailable", "server_busy")
            assert not any(word in body for word in SQL_WORDS)
    assert len(answers) == 200 and kills[0] >= 1
    seen: dict[tuple[str, int], int] = {}
    for method, status, _ in answers:
        seen[method, status] = seen.get((method, status), 0) + 1
    print(f"backends killed: {kills[0]}; answers: {sorted(seen.items())}")


# --- PostgreSQL and SQLite: a read-only database -----------------------------------------------


def signing_in(client: TestClient, user) -> tuple:
    page = client.get("/login")
    form = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    api = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    return form, api


def read_only_checks(client: TestClient, services, editor, headers: dict) -> dict:
    """Reads answer, writes (sign-in included) are 503; /readyz's database check is red."""
    listed = client.get("/api/v1/content", headers=headers)
    assert listed.status_code == 200 and listed.json()["total"] == 1
    assert client.get("/hoc-lieu", headers={"Accept": "text/html"}).status_code == 200
    form, api = signing_in(client, editor)
    unavailable(form)  # the session row is written at the commit in the request's ending
    assert "set-cookie" not in form.headers or "kholieu_session" not in form.headers["set-cookie"]
    unavailable(api)
    unavailable(client.post("/api/v1/content", headers=headers, json=draft()))
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert items(services) == 1
    database = ready.json()["checks"]["database"]
    assert not any(word in database["error"] for word in SQL_WORDS)
    return database


def test_a_read_only_postgres_answers_reads_and_refuses_writes_with_503(
    role, services, make_user, tmp_path
):
    published(services)
    editor = make_user("editor")
    headers = api_token(services, editor)
    role.set("SET default_transaction_read_only = on")  # what a replica after failover does
    with app_on(role.url, tmp_path) as (client, _):
        database = read_only_checks(client, services, editor, headers)
        assert database["ok"] is False and "Chỉ đọc" in database["error"]


def test_a_read_only_sqlite_file_answers_reads_and_refuses_writes_with_503(
    sqlite_url, services, make_user, tmp_path
):
    published(services)
    editor = make_user("editor")
    headers = api_token(services, editor)
    path = sqlite_url.removeprefix("sqlite:///")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    with app_on(read_only, tmp_path) as (client, _):
        database = read_only_checks(client, services, editor, headers)
        assert database["ok"] is False and "Chỉ đọc" in database["error"]


# --- timeouts ------------------------------------------------------------------------------------


def test_a_statement_waiting_past_the_statement_timeout_is_503(postgres, services, tmp_path):
    published(services)
    with app_on(postgres, tmp_path, database_statement_timeout_s=0.2) as (client, app_services):
        assert client.get("/api/v1/content").status_code == 200
        with app_services.engine.connect() as conn:
            assert conn.scalar(text("SHOW statement_timeout")) == "200ms"
        with pg_faults.locked(postgres, "content_items"):
            error = unavailable(client.get("/api/v1/content"))
        assert error["details"]["reason"] == "57014"  # query_canceled: not tried again
        assert client.get("/api/v1/content").status_code == 200


def test_a_write_waiting_past_sqlites_busy_timeout_is_503_even_at_the_commit(
    sqlite_url, services, make_user, tmp_path
):
    """The sign-in's session row is only written when the request's session commits, in
    ``get_session``'s ending: the error there is a 503 as well."""
    user = make_user("teacher")
    with app_on(sqlite_url, tmp_path, database_busy_timeout_s=0.05) as (client, _):
        locker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")  # the write lock, held
            api = client.post(
                "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
            )
            unavailable(api)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        signed = client.post(
            "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
        )
        assert signed.status_code == 200


# --- both: an error at the commit ----------------------------------------------------------


def test_an_outage_at_the_commit_is_a_503_without_sql(app, client, services):
    router = APIRouter()

    @router.post("/api/v1/_commit-fails", dependencies=[Depends(anyone)])
    def write(session: SessionDep) -> dict:
        session.info["fail_commit"] = True
        session.execute(text("SELECT 1"))
        return {"ok": True}

    app.include_router(router)

    def fail(session) -> None:
        if session.info.get("fail_commit"):
            raise OperationalError(
                "COMMIT", {}, Exception("server closed the connection unexpectedly")
            )

    event.listen(services.sessions, "before_commit", fail)
    try:
        response = client.post("/api/v1/_commit-fails")
        page = client.post("/api/v1/_commit-fails", headers={"Accept": "text/html"})
    finally:
        event.remove(services.sessions, "before_commit", fail)
    unavailable(response)
    assert "COMMIT" not in response.text
    assert page.status_code == 503


def test_other_database_errors_stay_500_without_sql(app, client):
    router = APIRouter()

    @router.get("/api/v1/_bad-sql", dependencies=[Depends(anyone)])
    def bad(session: SessionDep) -> dict:
        session.execute(text("SELECT * FROM no_such_table_here_at_all WHERE 1 = 1")).all()
        return {}

    app.include_router(router)
    response = client.get("/api/v1/_bad-sql")
    # SQLite says "no such table" as an OperationalError (a 503, as the missing schema is
    # elsewhere); PostgreSQL's undefined table (42P01) is a bug here: 500
    assert response.status_code in (500, 503)
    assert "no_such_table" not in response.text
    no_sql(response)


# --- both: text the database cannot store -------------------------------------------------------


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.text[:500]
    no_sql(response)
    if response.headers["content-type"].startswith("application/json"):
        error = response.json()["error"]
        assert error["code"] == "validation_failed"
        assert [d["field"] for d in error["details"]] == [field]
        assert "NUL" in error["message"] or "surrogate" in error["message"]
    else:  # a page names the field as its form does, never by its path
        assert "NUL" in response.text or "U+D800" in response.text


def test_nul_in_json_bodies_is_422_naming_the_field(client, services, make_user, bearer):
    headers = bearer(make_user("editor"))
    refused(
        client.post("/api/v1/content", headers=headers, json={**draft(), "title": "Bài\x00 1"}),
        "body.title",
    )
    question = {"type": "single_choice", "stem": "Câu\x00 hỏi", "options": ["1", "2"],
                "answer": 0, "subject": "toan", "grade": 9}  # fmt: skip
    refused(client.post("/api/v1/questions", headers=headers, json=question), "body.stem")
    deep = {**question, "stem": "Câu hỏi", "options": ["1", "2\x00"]}
    refused(client.post("/api/v1/questions", headers=headers, json=deep), "body.options.1")
    item = new_item(services)
    upload = {"item_id": item, "filename": "bai\x00giang.pdf", "size": 10}
    refused(client.post("/api/v1/uploads", headers=headers, json=upload), "body.filename")
    # a lone surrogate is valid JSON but no UTF-8: neither database can take it either
    raw = '{"kind": "document", "title": "B\\ud800i", "subject": "toan", "grade": 9}'
    surrogate = client.post(
        "/api/v1/content", headers={**headers, "Content-Type": "application/json"}, content=raw
    )
    refused(surrogate, "body.title")
    assert items(services) == 1  # only the one made here


def test_nul_in_query_parameters_and_form_fields_and_file_names_is_422(
    client, services, make_user, bearer
):
    from tests.support.web import sign_in

    refused(client.get("/api/v1/content?subject=toan%00"), "query.subject")
    refused(client.get("/api/v1/search?q=ph%C3%A2n%00s%E1%BB%91"), "query.q")
    refused(client.get("/api/v1/content/1%00"), "path.item_id")
    teacher = make_user("teacher")
    # clients escape it (httpx sends %00); one that does not sends the byte itself
    multipart = (
        b'--b0undary\r\nContent-Disposition: form-data; name="file"; '
        b'filename="cau\x00hoi.gift"\r\nContent-Type: text/plain\r\n\r\n'
        b"::Q1:: 1 + 1 = ? {=2 ~3}\n\r\n--b0undary--\r\n"
    )
    imports = client.post(
        "/api/v1/questions/imports", content=multipart,
        headers={**bearer(teacher), "Content-Type": "multipart/form-data; boundary=b0undary"},
    )  # fmt: skip
    refused(imports, "body.file.filename")
    editor = make_user("editor")
    sign_in(client, editor)
    form = client.get("/bien-tap/moi")
    created = client.post(
        "/bien-tap/moi",
        data={**draft(), "title": "Bài\x00 giảng", "csrf_token": csrf_from(form.text)},
        headers={"Accept": "text/html"},
    )
    refused(created, "body.title")
    assert items(services) == 0


def test_nul_that_still_reaches_postgres_is_422_not_500(postgres, app, client):
    """The safety net: text made inside the app (not from the request) that PostgreSQL will
    not store is the input's fault, not an outage and not a dropped connection."""
    router = APIRouter()

    @router.get("/api/v1/_nul", dependencies=[Depends(anyone)])
    def nul(session: SessionDep, kind: str = "text") -> dict:
        if kind == "json":
            session.execute(text("SELECT CAST(:v AS jsonb)"), {"v": '{"a": "\\u0000"}'})
        else:
            session.execute(text("SELECT :v"), {"v": "a\x00b"})
        return {}

    app.include_router(router)
    for kind in ("text", "json"):
        response = client.get(f"/api/v1/_nul?kind={kind}")
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "validation_failed"
        no_sql(response)
    assert client.get("/healthz").status_code == 200


def test_the_read_retry_runs_a_get_once_more_and_never_a_write(app, client):
    """The retry on its own (the PostgreSQL tests above kill real backends): a GET whose
    connection was lost runs again; a second loss, or a write, answers 503."""
    router = APIRouter()
    calls: list[str] = []

    def lose(session) -> None:
        session.execute(text("SELECT 1"))
        raise OperationalError(
            "SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True
        )

    @router.get("/api/v1/_flaky", dependencies=[Depends(anyone)])
    def read(session: SessionDep, losses: int = 1) -> dict:
        calls.append("GET")
        if calls.count("GET") <= losses:
            lose(session)
        return {"runs": len(calls)}

    @router.post("/api/v1/_flaky", dependencies=[Depends(anyone)])
    def write(session: SessionDep) -> dict:
        calls.append("POST")
        lose(session)
        return {}

    app.include_router(router)
    assert client.get("/api/v1/_flaky").json() == {"runs": 2}
    calls.clear()
    unavailable(client.get("/api/v1/_flaky?losses=2"))
    assert calls == ["GET", "GET"]  # once more, not twice
    calls.clear()
    unavailable(client.post("/api/v1/_flaky"))
    assert calls == ["POST"]
