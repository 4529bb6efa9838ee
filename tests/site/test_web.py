"""The web shell: pages, languages, error shapes, headers, health, templates, static files."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, FileSystemLoader, nodes

from kholieu.accounts.deps import AnyoneDep
from kholieu.app import create_app
from kholieu.db.migrate import head_revision
from kholieu.errors import ConfigError, SearchUnavailable
from kholieu.web.deps import SessionDep
from kholieu.web.templating import TEMPLATE_DIR
from tests.conftest import make_settings


def test_home_speaks_vietnamese_first(client):
    response = client.get("/", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Kho học liệu số dùng chung cho giáo dục phổ thông" in response.text
    assert '<meta name="viewport"' in response.text


def test_english_switch_is_remembered(client):
    response = client.get("/lang/en?next=/")
    assert response.status_code == 200  # followed the redirect to /?lang=en
    assert '<html lang="en">' in response.text and "Sign in" in response.text
    assert '<html lang="en">' in client.get("/").text  # the cookie keeps it
    assert '<html lang="vi">' in client.get("/?lang=vi").text


def test_vietnamese_even_when_the_phone_is_set_to_english(client):
    page = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="vi">' in page.text


def test_api_errors_have_one_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "Không có trang hay mục nào ở địa chỉ này",
            "details": None,
        }
    }
    response = client.post("/api/v1/auth/token", data={"username": "x"})
    body = response.json()["error"]
    assert response.status_code == 422 and body["code"] == "validation_failed"
    assert body["details"][0]["field"] == "body.password"


def test_browsers_get_an_error_page_and_a_sign_in_redirect(app, client):
    from fastapi import APIRouter, Depends

    from kholieu.accounts.deps import signed_in

    response = client.get("/no/such/page", headers={"accept": "text/html"})
    assert response.status_code == 404 and "Không tìm thấy trang" in response.text
    router = APIRouter()

    @router.get("/_test/private", dependencies=[Depends(signed_in)])
    def private() -> dict[str, str]:
        return {}

    app.include_router(router)
    response = client.get(
        "/_test/private?tab=2", headers={"accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/_test/private%3Ftab%3D2"


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-request-id"]


def test_no_page_loads_anything_from_another_host(client):
    html = client.get("/").text + client.get("/login").text
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html and 'src="//' not in html and 'href="//' not in html


def test_vendored_katex_is_served(client):
    response = client.get("/static/vendor/katex/katex.min.js")
    assert response.status_code == 200 and b"katex" in response.content[:2000].lower()
    assert client.get("/static/vendor/katex/contrib/auto-render.min.js").status_code == 200


def test_start_up_fails_loudly_without_static_assets(tmp_path):
    settings = make_settings(tmp_path, static_dir=tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="static assets missing"):
        create_app(settings)


@pytest.mark.parametrize(
    "name", sorted(p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*.html"))
)
def test_every_template_compiles(app, name):
    env: Environment = app.state.templates.env
    env.get_template(name)


STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="/static/js/([^"]+)"')
PAGE_SCRIPT = re.compile(r"js/([^/]+\.js)")  # {{ static("js/x.js") }}: web/assets.py
API_USERS = {"blueprint-editor.js", "player.js", "question-editor.js", "question-import.js",
             "quiz-take.js", "scorm-bridge.js", "upload.js"}  # fmt: skip


def page_scripts(env: Environment, name: str) -> list[str]:
    """The /static/js scripts a page emits, in order, with every branch of every ``if`` taken:
    the template's blocks go into its parents' places, included templates are followed."""
    chain = []
    while name:
        tree = env.parse(env.loader.get_source(env, name)[0])
        chain.append(tree)
        parent = tree.find(nodes.Extends)
        name = parent.template.value if parent else None
    blocks: dict[str, nodes.Block] = {}
    for tree in reversed(chain):  # the child's block wins over its parent's
        blocks.update({block.name: block for block in tree.find_all(nodes.Block)})

    def walk(node: nodes.Node) -> Iterator[str]:
        if isinstance(node, nodes.Block):
            node = blocks[node.name]
            for child in node.body:
                yield from walk(child)
            return
        if isinstance(node, nodes.TemplateData):
            yield from SCRIPT_SRC.findall(node.data)
        if (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name == "static"
            and node.args
            and isinstance(node.args[0], nodes.Const)
        ):
            match = PAGE_SCRIPT.fullmatch(str(node.args[0].value))
            if match:
                yield match.group(1)
        if isinstance(node, nodes.Include) and isinstance(node.template, nodes.Const):
            yield from page_scripts(env, node.template.value)
        for child in node.iter_child_nodes():
            yield from walk(child)

    return list(walk(chain[-1]))


def api_js_problems(env: Environment, names: list[str], users: set[str]) -> list[str]:
    problems = []
    for name in names:
        scripts = page_scripts(env, name)
        for script in users.intersection(scripts):
            if "api.js" not in scripts[: scripts.index(script)]:
                problems.append(f"{name}: {script} without api.js before it")
    return problems


def test_page_scripts_load_api_js_first_and_only_it_reads_the_csrf_token():
    # The CSRF header and JSON requests live in static/js/api.js (window.kholieuApi); a page
    # script that uses it needs api.js loaded before it, and no other script reads the token.
    scripts = {path.name: path.read_text() for path in STATIC_JS.glob("*.js")}
    users = {name for name, text in scripts.items() if "kholieuApi" in text} - {"api.js"}
    assert users >= API_USERS
    for name, text in scripts.items():
        if name != "api.js":
            assert "csrf-token" not in text and "X-CSRF-Token" not in text, name
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), extensions=["jinja2.ext.i18n"])
    names = sorted(str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_DIR.rglob("*.html"))
    loading = {s for name in names for s in page_scripts(env, name)}
    assert users <= loading  # each one is found on some page
    assert api_js_problems(env, names, users) == []
    # and the check does catch a page that forgets api.js or loads it too late
    bad = Environment(
        loader=DictLoader(
            {
                "base.html": '<script src="/static/js/app.js"></script>'
                "{% block scripts %}{% endblock %}",
                "late.html": '{% extends "base.html" %}{% block scripts %}{% if x %}'
                '<script defer src="/static/js/upload.js"></script>{% endif %}'
                '<script defer src="/static/js/api.js"></script>{% endblock %}',
            }
        )
    )
    assert api_js_problems(bad, ["late.html"], {"upload.js"}) == [
        "late.html: upload.js without api.js before it"
    ]


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage", "queue", "search", "ffmpeg"}
    assert body["checks"]["search"]["outbox_pending"] == 0
    assert body["checks"]["database"]["revision"] == head_revision()


def test_readyz_fails_until_migrations_are_applied(client, services):
    from alembic import command

    from kholieu.db.migrate import alembic_config, upgrade

    command.downgrade(alembic_config(services.engine), "base")
    try:
        database = client.get("/readyz").json()["checks"]["database"]
        assert database["ok"] is False
        expected = f"Cơ sở dữ liệu ở phiên bản None, mã cần {head_revision()}: hãy chạy migrate"
        assert database["error"] == expected
    finally:
        upgrade(services.engine)


def test_readyz_fails_when_a_backend_is_down(client, services):
    class Down:
        def ping(self) -> None:
            raise SearchUnavailable("connection refused by es1:9200")

    services.platform.search = Down()  # type: ignore[assignment]
    response = client.get("/readyz")
    assert response.status_code == 503
    search = response.json()["checks"]["search"]
    assert search["ok"] is False and search["error"] == "connection refused by es1:9200"
    assert search["outbox_pending"] == 0  # what the outbox says is reported beside it


def test_readyz_answers_in_time_when_a_dependency_hangs_and_names_it(client, services):
    """S3 accepting connections and never answering: /readyz still answers within its
    deadline, says which dependency timed out, and a second call does not start a second
    hanging check (a load balancer polls every few seconds)."""
    release, calls = threading.Event(), []

    class Hanging:
        def ping(self) -> None:
            calls.append(1)
            release.wait(30)

    services.platform.store = Hanging()  # type: ignore[assignment]
    try:
        for _ in range(2):
            started = time.monotonic()
            response = client.get("/readyz")
            assert time.monotonic() - started < 10  # not the 30 s the check hangs for
            assert response.status_code == 503
            checks = response.json()["checks"]
            assert checks["storage"]["ok"] is False and checks["storage"]["timed_out"] is True
            assert "storage did not answer within" in checks["storage"]["error"]
            assert checks["database"]["ok"] is True and checks["queue"]["ok"] is True
        assert calls == [1]
    finally:
        release.set()


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/auth/token" in paths and "/api/v1/jobs/{job_id}" in paths


def test_job_status_is_visible_to_its_starter_only(client, services, make_user, bearer):
    starter, other, admin = make_user("editor"), make_user("editor"), make_user("admin")
    with services.sessions.begin() as session:
        job = services.queue.enqueue(session, "system.check_storage", started_by=starter.id)
    mine = client.get(f"/api/v1/jobs/{job.id}", headers=bearer(starter))
    assert mine.status_code == 200 and mine.json()["status"] == "queued"
    assert client.get(f"/api/v1/jobs/{job.id}", headers=bearer(other)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job.id}", headers=bearer(admin)).status_code == 200
    assert client.get(f"/api/v1/jobs/{job.id}").status_code == 401


def test_requests_are_logged_as_json_lines(client, settings, capfd):
    import json
    import logging

    from kholieu.logs import configure_logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(settings)  # log_format=json in tests
        client.get("/healthz", headers={"x-request-id": "abc123"})
        lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line]
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    request = next(line for line in lines if line.get("event") == "request")
    assert request["path"] == "/healthz" and request["status"] == 200
    assert request["request_id"] == "abc123" and request["level"] == "info"


def test_unexpected_errors_are_500_without_internals(app):
    from fastapi import APIRouter, Depends
    from fastapi.testclient import TestClient

    from kholieu.accounts.deps import anyone

    router = APIRouter()

    @router.get("/api/v1/_test/boom", dependencies=[Depends(anyone)])
    def boom() -> None:
        raise RuntimeError("password=hunter2 leaked in a message")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/_test/boom")
    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "internal_error",
        "message": "Đã có lỗi không lường trước; xin thử lại sau",
        "details": None,
    }


def test_every_vietnamese_string_has_an_english_translation():
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    method_map = [("kholieu/templates/**.html", "jinja2"), ("kholieu/**.py", "python")]
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root),
            method_map,
            options_map={"kholieu/templates/**.html": {}},
            keywords={"_": None, "gettext": None},
        )
        if isinstance(message, str)
    }
    with open(root / "kholieu/locales/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = read_po(fh, locale="en")
    untranslated = sorted(m for m in found if not (catalogue.get(m) and catalogue.get(m).string))
    assert found and untranslated == []


def test_an_exhausted_connection_pool_is_a_503_to_retry(app, client):
    from fastapi import Depends
    from sqlalchemy.exc import TimeoutError as SATimeoutError

    from kholieu.accounts.deps import anyone

    @app.get("/api/v1/_busy", dependencies=[Depends(anyone)])
    def busy() -> None:
        raise SATimeoutError("QueuePool limit of size 5 overflow 10 reached")

    response = client.get("/api/v1/_busy")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert response.json()["error"]["code"] == "database_busy"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/never-migrated.db",  # the tables are not there: "no such table"
        "postgresql://postgres@127.0.0.1:1/test",  # nothing listens: connection refused
    ],
)
def test_a_database_gone_mid_request_is_503_not_500(tmp_path, url):
    from fastapi.testclient import TestClient

    settings = make_settings(tmp_path, database_url=url.format(tmp=tmp_path))
    with TestClient(create_app(settings)) as client:
        api = client.get("/api/v1/content")
        page = client.get("/hoc-lieu", headers={"Accept": "text/html"})
    assert api.status_code == 503, api.text
    assert api.json()["error"]["code"] == "database_unavailable"
    assert api.headers["Retry-After"]
    assert page.status_code == 503 and "text/html" in page.headers["content-type"]


def test_a_refused_page_is_drawn_after_the_rollback(app, client, services):
    """PageRefused: what the route wrote before refusing is rolled back before the page that
    answers is drawn, so it never shows (nor stores) the refused change."""
    from fastapi import APIRouter
    from fastapi.responses import JSONResponse
    from sqlalchemy import func, select

    from kholieu.audit.models import AuditEntry
    from kholieu.web.errors import PageRefused

    router = APIRouter()

    @router.post("/_test/refuse")
    def refuse(user: AnyoneDep, session: SessionDep):
        session.add(AuditEntry(action="tried", target="x:1", detail={}))
        session.flush()

        def page():
            count = session.scalar(select(func.count()).select_from(AuditEntry))
            return JSONResponse({"entries": count}, status_code=422)

        raise PageRefused(page)

    app.include_router(router)
    response = client.post("/_test/refuse")
    assert response.status_code == 422 and response.json() == {"entries": 0}
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
