"""Shared fixtures: real backends, fresh state per test.

The database fixture runs every test that uses it on SQLite and, when
KHOLIEU_TEST_DATABASE_URL is set, again on PostgreSQL; migrations run once per backend and
per run, and each test starts from empty tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, text
from sqlalchemy.engine import make_url

from kholieu.accounts.models import User
from kholieu.app import create_app
from kholieu.config import Settings, load_settings
from kholieu.db import make_engine
from kholieu.db.base import Base
from kholieu.db.migrate import upgrade
from kholieu.i18n import current_locale
from kholieu.services import Services, build_services

# Tests build their own settings; a developer's KHOLIEU_* (a real database or bucket) must
# never leak into them or into the servers they start.
for _name in [n for n in os.environ if n.startswith("KHOLIEU_") and "_TEST_" not in n]:
    del os.environ[_name]
# x264's fastest preset: the tests check what the pipeline makes, not how small.
os.environ["KHOLIEU_VIDEO_PRESET"] = "ultrafast"
# The cheapest argon2id: every sign-in in every test (and in the servers tests start) hashes.
# Production keeps the full cost; test_accounts checks it.
os.environ["KHOLIEU_PASSWORD_TIME_COST"] = "1"
os.environ["KHOLIEU_PASSWORD_MEMORY_KIB"] = "1024"

PG_URL = os.environ.get("KHOLIEU_TEST_DATABASE_URL")
# pytest-xdist runs tests in worker processes (gw0, gw1, …): each gets its own database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# huey queue name for this run: two runs sharing one Redis must not consume each other's jobs.
TEST_QUEUE = f"kholieu-test-{uuid.uuid4().hex[:8]}"
REDIS_URL = os.environ.get("KHOLIEU_TEST_REDIS_URL")
PASSWORD = "mat-khau-123"


# Tests that take seconds each (a real server and browser, ffmpeg, worker processes): marked
# from here, by where they live, so `pytest -m "not slow"` is the quick loop while coding.
SLOW = ("tests/e2e/", "tests/video/test_video_pipeline.py",
        "tests/video/test_video_worker_killed.py", "tests/jobs/test_worker_process.py",
        "tests/search/test_search_outage.py", "tests/content/test_uploads.py")  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = Path(__file__).resolve().parent.parent
    for item in items:
        where = Path(item.fspath).resolve().relative_to(root).as_posix()
        if where.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.e2e)
        if where.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


def run_kholieu(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `kholieu` command (a new process), as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "kholieu", *args],
        input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})},
        timeout=120,
    )  # fmt: skip


def _worker_database(url: str) -> str:
    """The URL of this xdist worker's own database beside ``url`` (created when missing);
    ``url`` itself when tests run in one process."""
    if not WORKER:
        return url
    base = make_url(url)
    name = f"{base.database}_{WORKER}"
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    """Drop everything in the test database: only ever a database whose name says test."""
    name = make_url(url).database or ""
    assert "test" in name, f"refusing to wipe {name!r}: test databases must have 'test' in the name"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", *(["postgresql"] if PG_URL else [])])
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    if request.param == "postgresql":
        assert PG_URL
        url = _worker_database(PG_URL)
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/kholieu.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "in_process_workers": 0,
        "log_format": "json",
        "search_url": "null://",
        "rate_limit_url": "memory://",
        "allowed_hosts": "testserver,127.0.0.1,localhost",  # TestClient's and uvicorn's
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    services = build_services(settings)
    _empty_tables(services.engine)
    yield services
    _empty_tables(services.engine)
    services.close()


@pytest.fixture
def app(settings: Settings, services: Services):
    return create_app(settings, services)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """API calls with a token ask for English (Accept-Language), as most of the suite's
    assertions on messages are written in it; pages and cookie sessions stay Vietnamese, and
    tests/site/test_catalogue.py and test_page_language.py hold the Vietnamese to account."""
    with TestClient(app, headers={"accept-language": "en"}) as client:
        yield client


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Service errors raised outside a request read in English in tests (see ``client``)."""
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.fixture
def make_user(services: Services) -> Callable[..., User]:
    """Factory: make_user("teacher") creates a distinct user with the password PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(role: str = "student", username: str | None = None) -> User:
        name = username or f"{role}{next(counter)}"
        with services.sessions.begin() as session:
            return services.accounts.create_user(session, name, PASSWORD, role)

    return make


@pytest.fixture
def bearer(client: TestClient) -> Callable[[User], dict[str, str]]:
    """Factory: headers carrying a fresh API token for a user."""

    def headers(user: User) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers


_OSMEM: dict[str, object] = {}  # the running osmem-server, when tests use one


@pytest.fixture(scope="session")
def elastic_url(tmp_path_factory) -> Iterator[str]:
    """A real cluster (KHOLIEU_TEST_ES_URL) or one osmem-server for the whole run."""
    from tests.support import search_engines

    if search_engines.ES_URL:
        yield search_engines.ES_URL
        return
    server = search_engines.start_osmem(tmp_path_factory.mktemp("osmem"))
    _OSMEM["server"] = server
    yield server.url
    server.stop()


@pytest.fixture(params=["tantivy", "elasticsearch"])
def search_backend(request: pytest.FixtureRequest, tmp_path: Path):
    """Each search backend in turn, empty, on its own index names."""
    from tests.support import search_engines

    if request.param == "tantivy":
        from kholieu.search.tantivy_backend import TantivyBackend

        yield TantivyBackend(tmp_path / "index")
        return
    url = request.getfixturevalue("elastic_url")
    backend = search_engines.elastic_backend(url)
    yield backend
    search_engines.drop_indices(backend)
    osmem = _OSMEM.get("server")
    if osmem is not None:
        ignored = osmem.ignored()  # type: ignore[attr-defined]
        assert not ignored, f"osmem ignored part of our analysis settings: {ignored}"


@pytest.fixture(scope="session")
def videos(tmp_path_factory) -> dict[str, Path]:
    """Test videos made once per run: a 10-second 720p lesson, a 240p one, the 720p one cut
    short (its index first, so only decoding notices), and a text file named .mp4."""
    from kholieu.demo.video import make_test_video

    folder = tmp_path_factory.mktemp("videos")
    made = {
        "720p": make_test_video(folder / "bai-giang-720p.mp4"),
        "240p": make_test_video(folder / "bai-giang-240p.mp4", width=428, height=240),
    }
    whole = made["720p"].read_bytes()
    made["truncated"] = folder / "bai-giang-bi-cat.mp4"
    made["truncated"].write_bytes(whole[: len(whole) // 2])
    made["text"] = folder / "ghi-chu.mp4"
    made["text"].write_text("Ghi chú bài học: đây không phải video.\n" * 50)
    return made


# Storage targets (LocalStore, S3 on moto in-process and over HTTP) for the ObjectStore
# contract and the upload tests.
pytest_plugins = ["tests.support.storage"]
