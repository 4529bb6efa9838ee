"""Search faults the outbox must survive honestly: an index directory tantivy cannot write, a
rebuild killed mid-build, and the drainer's backoff and quick resumption after an outage."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from kholieu.app import create_app
from kholieu.content.schemas import ContentIn, ContentPatch
from kholieu.errors import SearchUnavailable
from kholieu.search.fields import prepare
from kholieu.search.outbox import Outbox, Retry
from kholieu.search.query import SearchRequest, plan
from kholieu.search.tantivy_backend import BUILDING, TantivyBackend
from kholieu.services import build_services
from tests.conftest import _empty_tables, make_settings, run_kholieu


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """Make ``folder`` a directory nobody may create or rename files in.

    As an ordinary user that is mode 0555. Tests here may run as root, whom modes do not stop,
    so then the directory gets ext4's immutable attribute (``chattr +i``): no file in it may be
    created, renamed or removed, by root either — which is what tantivy's commit needs (new
    segment files, then meta.json renamed into place). Skips where the file system has no
    such attribute."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make {folder} read-only as root: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


class FakeTime:
    """The drainer's clock and waits: a wait moves the clock instead of sleeping, and ``at``
    runs what the test scheduled for the moment reached."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []
        self.events: list[tuple[float, Any]] = []
        self.stop = threading.Event()

    def clock(self) -> float:
        return self.now

    def at(self, when: float, action) -> None:
        self.events.append((when, action))

    def wait(self, event: threading.Event, timeout: float) -> bool:
        self.waits.append(timeout)
        self.now += timeout
        for when, action in list(self.events):
            if when <= self.now:
                self.events.remove((when, action))
                action()
        if len(self.waits) > 10_000:  # a loop that never ends is a failure, not a hang
            self.stop.set()
        return event.is_set()


def titles(services) -> set[str]:
    services.search.refresh("content")
    result = services.searching.search(None, SearchRequest(size=50), system=True)
    return {hit.title for hit in result.hits}


@pytest.fixture
def tantivy_services(tmp_path, database_url):
    settings = make_settings(
        tmp_path, database_url=database_url, search_url=f"tantivy://{tmp_path}/index"
    )
    services = build_services(settings)
    _empty_tables(services.engine)
    yield services
    _empty_tables(services.engine)
    services.close()


def add_lessons(services, count: int, start: int = 0) -> list[int]:
    ids = []
    for n in range(start, start + count):
        with services.sessions.begin() as session:
            data = ContentIn(kind="lecture", title=f"Bài {n}", subject="toan", grade=9)
            ids.append(services.content.create(session, None, data).id)
    return ids


def test_a_read_only_index_is_red_on_readyz_backs_off_quietly_and_catches_up(
    tantivy_services, caplog
):
    services = tantivy_services
    ids = add_lessons(services, 3)
    services.outbox.drain()
    assert titles(services) == {"Bài 0", "Bài 1", "Bài 2"}
    backend: TantivyBackend = services.search  # type: ignore[assignment]
    generation = backend.root / "content" / str(backend._current("content"))
    client = TestClient(create_app(services.settings, services))

    with unwritable(generation):
        for n, item_id in enumerate(ids[:2]):  # edits still succeed
            with services.sessions.begin() as session:
                patch = ContentPatch(title=f"Bài {n} (sửa khi chỉ đọc)")
                services.content.update(session, None, item_id, patch)
        add_lessons(services, 1, start=3)
        with pytest.raises(SearchUnavailable, match="cannot be written"):
            services.outbox.drain()
        with pytest.raises(SearchUnavailable, match="cannot be written"):
            services.search.ping()  # the ping tries where writes go, not only the root

        # the drainer loop: one warning when it starts failing, no traceback per attempt
        fake = FakeTime()
        services.outbox._clock, services.outbox._waiter = fake.clock, fake.wait
        fake.at(300, fake.stop.set)  # five minutes of a read-only index
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="kholieu.search.outbox"):
            services.outbox.run_forever(fake.stop, 2.0)
        records = [r for r in caplog.records if r.name == "kholieu.search.outbox"]
        assert [r.levelname for r in records] == ["WARNING"]
        assert not any(r.exc_info for r in records)

        search = client.get("/readyz").json()["checks"]["search"]
        assert search["ok"] is False
        assert search["outbox_pending"] == 3
        assert search["attempts"] >= 2
        assert "cannot be written" in search["last_error"]
        assert search["last_success"] is not None  # the first three were written
        assert titles(services) == {"Bài 0", "Bài 1", "Bài 2"}  # reads still work

    services.outbox.drain()
    assert titles(services) == {"Bài 0 (sửa khi chỉ đọc)", "Bài 1 (sửa khi chỉ đọc)", "Bài 2",
                                "Bài 3"}  # fmt: skip
    search = client.get("/readyz").json()["checks"]["search"]
    assert search["ok"] is True and search["outbox_pending"] == 0
    assert "last_error" not in search


class FlakyBackend:
    """Down until the test says otherwise; remembers when each write was tried."""

    def __init__(self, fake: FakeTime, *, ping_sees_it: bool = True) -> None:
        self.fake = fake
        self.down = True
        self.ping_sees_it = ping_sees_it
        self.writes: list[float] = []
        self.pings = 0
        self.docs: dict[str, dict[str, Any]] = {}

    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        self.writes.append(self.fake.now)
        if self.down:
            raise SearchUnavailable("search backend refused the connection")
        self.docs.update({d["id"]: d for d in docs})
        self.fake.stop.set()  # caught up: the test is over

    def delete(self, index: str, ids: list[str]) -> None:
        pass

    def ping(self) -> None:
        self.pings += 1
        if self.down and self.ping_sees_it:
            raise SearchUnavailable("search backend refused the connection")


def drainer(services, fake: FakeTime, backend: FlakyBackend, retry: Retry) -> Outbox:
    outbox = Outbox(
        services.sessions, backend, retry=retry, clock=fake.clock, wait=fake.wait,
        rng=random.Random(16),
    )  # fmt: skip
    outbox.register_loader("people", lambda session, ids: {i: {"title": "x"} for i in ids})
    return outbox


def test_the_drainer_backs_off_with_jitter_and_resumes_within_a_probe_of_recovery(services):
    fake = FakeTime()
    backend = FlakyBackend(fake)
    outbox = drainer(services, fake, backend, Retry(first_s=1.0, max_s=60.0, probe_s=2.0))
    with services.sessions.begin() as session:
        outbox.record(session, "people", "1")

    def recover() -> None:
        backend.down = False
        fake.recovered = fake.now  # type: ignore[attr-defined]

    fake.at(600, recover)  # a ten-minute outage
    outbox.run_forever(fake.stop, 2.0)

    assert backend.docs == {"1": {"id": "1", "title": "x"}}
    caught_up = backend.writes[-1]
    assert caught_up - fake.recovered <= 2.0  # type: ignore[attr-defined]
    tries = backend.writes[:-1]
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert gaps[0] < 4  # a short first retry
    assert max(gaps) <= 60 + 2  # capped at a minute (plus the probe that ended the wait)
    assert len(set(round(g, 3) for g in gaps)) > 1  # jittered, not fixed doubling
    assert len(tries) < 40  # ten minutes is a few dozen writes, not one per commit or second
    assert max(fake.waits) <= 2.0  # probes every two seconds while backing off
    assert outbox.health().pending == 0


def test_a_failure_ping_cannot_see_follows_the_backoff_not_the_probes(services):
    fake = FakeTime()
    backend = FlakyBackend(fake, ping_sees_it=False)
    outbox = drainer(services, fake, backend, Retry(first_s=1.0, max_s=60.0, probe_s=2.0))
    with services.sessions.begin() as session:
        outbox.record(session, "people", "1")
    fake.at(900, fake.stop.set)
    outbox.run_forever(fake.stop, 2.0)
    assert 5 < len(backend.writes) < 40  # retried about once a minute, not every probe
    assert backend.pings > len(backend.writes)
    health = outbox.health()
    assert health.failing and health.attempts == len(backend.writes)
    assert health.last_error == "search backend refused the connection"


def test_the_backoff_draws_grow_from_seconds_to_the_cap():
    retry, rng, delay = Retry(first_s=1.0, max_s=60.0, probe_s=2.0), random.Random(1), 0.0
    delays = []
    for _ in range(30):
        delay = retry.next_delay(delay, rng)
        delays.append(delay)
    assert delays[0] == 1.0 and all(1.0 <= d <= 60.0 for d in delays)
    assert max(delays[10:]) > 30  # a long outage waits up to a minute


def _index_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
        "KHOLIEU_SEARCH_URL": f"tantivy://{tmp_path}/index", "KHOLIEU_IN_PROCESS_WORKERS": "0",
    }  # fmt: skip


def test_a_rebuild_killed_mid_build_leaves_the_current_index_and_its_leftover_is_swept(
    tantivy_services, tmp_path, database_url
):
    """A real `kholieu reindex`, held mid-build and killed with SIGKILL.

    It is held deterministically by a lock on ``content_files``: listing the ids reads only
    ``content_items``, so the build starts (its ``building-…`` directory appears) and then
    waits for the loader's first batch, which reads ``content_files``. PostgreSQL only:
    SQLite's WAL never makes a reader wait."""
    if not database_url.startswith("postgresql"):
        pytest.skip("holding a rebuild mid-build needs a table lock (PostgreSQL)")
    services = tantivy_services
    add_lessons(services, 5)
    services.outbox.drain()
    folder = services.search.root / "content"  # type: ignore[attr-defined]
    current = (folder / "CURRENT").read_text()
    env = _index_env(tmp_path, database_url)

    with services.engine.connect() as lock:
        lock.execute(text("LOCK TABLE content_files IN ACCESS EXCLUSIVE MODE"))
        process = subprocess.Popen(
            [sys.executable, "-m", "kholieu", "reindex", "--index", "content"],
            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            while not any(p.name.startswith(BUILDING) and p.is_dir() for p in folder.iterdir()):
                assert process.poll() is None, process.communicate()
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()
            process.communicate()
        lock.rollback()

    assert (folder / "CURRENT").read_text() == current
    leftovers = [p for p in folder.iterdir() if p.name.startswith(BUILDING)]
    assert leftovers  # the killed build's directory (and its lock file)
    fresh = TantivyBackend(folder.parent)  # a new process's view: complete and searchable
    assert fresh.count("content") == 5
    assert titles(services) == {f"Bài {n}" for n in range(5)}

    done = run_kholieu("reindex", "--index", "content", env=env)
    assert done.returncode == 0, done.stderr
    assert not [p for p in folder.iterdir() if p.name.startswith(BUILDING)]
    generations = {p.name for p in folder.iterdir() if p.is_dir()}
    assert generations == {(folder / "CURRENT").read_text(), current}  # new + previous
    assert TantivyBackend(folder.parent).count("content") == 5


def test_a_failed_tantivy_rebuild_changes_nothing_and_builds_in_progress_are_kept(tmp_path):
    backend = TantivyBackend(tmp_path / "index")
    backend.rebuild("content", [[prepare("content", {"id": 1, "title": "Cũ"})]])
    folder = tmp_path / "index" / "content"
    current = (folder / "CURRENT").read_text()

    def failing():
        yield [prepare("content", {"id": 2, "title": "Mới"})]
        raise RuntimeError("database gone mid-rebuild")

    with pytest.raises(RuntimeError):
        backend.rebuild("content", failing())
    assert (folder / "CURRENT").read_text() == current
    assert {p.name for p in folder.iterdir()} == {"CURRENT", current}
    assert backend.count("content") == 1

    # another process's build in progress (its lock held) and a killed one (lock free)
    import fcntl

    alive, dead = folder / f"{BUILDING}1-1", folder / f"{BUILDING}2-2"
    alive.mkdir()
    dead.mkdir()
    (folder / f"{dead.name}.lock").touch()
    held = os.open(folder / f"{alive.name}.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        backend.rebuild("content", [[prepare("content", {"id": 3, "title": "Mới nhất"})]])
        assert alive.is_dir() and not dead.exists()
        assert not (folder / f"{dead.name}.lock").exists()
    finally:
        os.close(held)
    backend.rebuild("content", [[prepare("content", {"id": 4, "title": "Lần nữa"})]])
    assert not alive.exists()
    assert backend.count("content") == 1


def test_a_failed_elastic_rebuild_leaves_the_alias_and_stale_builds_are_swept(elastic_url):
    import time

    from kholieu.search import elastic
    from tests.support import search_engines

    backend = search_engines.elastic_backend(elastic_url)
    alias = backend.alias("content")
    try:
        backend.rebuild("content", [[prepare("content", {"id": 1, "title": "Cũ"})]])
        before = set(backend.client.indices.get_alias(name=alias).body)

        def failing():
            yield [prepare("content", {"id": 2, "title": "Mới"})]
            raise RuntimeError("database gone mid-rebuild")

        with pytest.raises(RuntimeError):
            backend.rebuild("content", failing())
        assert set(backend.client.indices.get_alias(name=alias).body) == before
        backend.refresh("content")
        assert backend.count("content") == 1
        names = set(backend.client.indices.get(index=f"{alias}-*").body)
        assert names == before  # the half-built index was deleted

        # what a kill leaves: an index no alias names, its heartbeat stale or still beating
        stale = {"kholieu_build": {"heartbeat": time.time() - elastic.BUILD_STALE_S - 60}}
        fields = {"properties": {"id": {"type": "keyword"}}}
        create = backend.client.indices.create
        create(index=f"{alias}-killed", mappings={**fields, "_meta": stale})
        create(index=f"{alias}-building", mappings={**fields, "_meta": elastic._building()})
        backend.rebuild("content", [[prepare("content", {"id": 3, "title": "Mới nhất"})]])
        names = set(backend.client.indices.get(index=f"{alias}-*").body)
        current = set(backend.client.indices.get_alias(name=alias).body)
        assert names == current | {f"{alias}-building"}
    finally:
        search_engines.drop_indices(backend)


def test_the_elasticsearch_client_has_connect_and_read_timeouts(tmp_path):
    from kholieu.search.backend import make_search_backend

    settings = make_settings(
        tmp_path, search_connect_timeout_s=1.5, search_timeout_s=7.0, search_retries=4
    )
    backend = make_search_backend("http://127.0.0.1:9/", settings)
    for node in backend.client.transport.node_pool.all():  # type: ignore[attr-defined]
        assert (node.pool.timeout.connect_timeout, node.pool.timeout.read_timeout) == (1.5, 7.0)
    assert backend.client._max_retries == 4  # type: ignore[attr-defined]
    assert backend.client._retry_on_timeout is False  # one node: a timeout is not retried


def test_a_reader_notices_every_switch_another_process_makes(tmp_path):
    """A backend remembers the generation ``CURRENT`` names (every search asks) and reads
    the file again only when it changed: each rebuild by another process (another object
    here, with its own memory) is seen at the next search, a quick second one as well."""
    reader, writer = TantivyBackend(tmp_path / "index"), TantivyBackend(tmp_path / "index")

    def found() -> set[str]:
        request = SearchRequest(text="bài", facets=False)
        return {hit.title for hit in reader.search(plan(request, None)).hits}

    writer.rebuild("content", [[prepare("content", {"id": 1, "title": "Bài một"})]])
    assert found() == {"Bài một"}
    for n, title in enumerate(("Bài hai", "Bài ba", "Bài bốn"), start=2):
        writer.rebuild("content", [[prepare("content", {"id": n, "title": title})]])
        assert found() == {title}


def test_facet_counts_are_never_older_than_the_index_they_count(tmp_path):
    """Facet counts are kept per commit (``FACET_CACHE``): the same search after a write,
    by this backend or by another process's, counts what is there now."""
    reader, writer = TantivyBackend(tmp_path / "index"), TantivyBackend(tmp_path / "index")

    def lesson(n: int, subject: str) -> dict[str, Any]:
        return prepare("content", {"id": n, "title": f"Bài {n}", "subject": subject})

    def subjects() -> dict[str, int]:
        result = reader.search(plan(SearchRequest(text="bài"), None))
        return result.facets["subject"]

    reader.rebuild("content", [[lesson(1, "toan"), lesson(2, "toan")]])
    assert subjects() == {"toan": 2}
    assert subjects() == {"toan": 2}  # the cached counts
    subjects()["toan"] = 99  # what a caller does to its copy stays there
    assert subjects() == {"toan": 2}
    reader.upsert("content", [lesson(3, "vat-li")])  # this backend's own write
    assert subjects() == {"toan": 2, "vat-li": 1}
    writer.upsert("content", [lesson(4, "vat-li")])  # another process's
    assert subjects() == {"toan": 2, "vat-li": 2}
    writer.delete("content", ["1"])
    assert subjects() == {"toan": 1, "vat-li": 2}
    writer.rebuild("content", [[lesson(5, "hoa-hoc")]])  # a new generation
    assert subjects() == {"hoa-hoc": 1}
