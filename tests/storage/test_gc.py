"""The sweeper (`kholieu gc`, kholieu/gc.py): on local storage and S3 (moto's server), with
SQLite and PostgreSQL. Leftovers are made the way kills leave them, next to objects of every
family that rows name; ages are set with os.utime, or the sweep is told a later "now", never
waited for."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from sqlalchemy import select

from kholieu.bank.models import ImportStatus, QuestionImage, QuestionImport
from kholieu.bank.service import image_key
from kholieu.config import Settings
from kholieu.content.files import blob_key, package_prefix, thumbnail_key
from kholieu.content.models import ContentFile, Upload, UploadStatus
from kholieu.content.schemas import ContentIn
from kholieu.gc import JOB_NAME, claim_round
from kholieu.jobs.models import Job
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from kholieu.video.transcode import hls_prefix, marker_key
from tests.conftest import _empty_tables, make_settings, run_kholieu
from tests.support.storage import REGION
from tests.support.sweep import LEFTOVERS

DAY = timedelta(days=1)
OLD = 3 * 24 * 3600  # seconds to age a local leftover by


@dataclass
class World:
    kind: str  # "local" or "s3"
    settings: Settings
    services: Services
    env: dict[str, str]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def store(self):
        return self.services.store

    @property
    def root(self) -> Path:
        return self.settings.data_dir / "objects"


@pytest.fixture(params=["local", "s3"])
def world(request, tmp_path, database_url, aws_credentials):
    overrides: dict[str, object] = {}
    if request.param == "s3":
        endpoint = request.getfixturevalue("moto_server")
        bucket = f"kholieu-gc-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", region_name=REGION, endpoint_url=endpoint).create_bucket(Bucket=bucket)
        overrides["storage_url"] = (
            f"s3://{bucket}/kl?endpoint_url={endpoint}&region={REGION}&addressing_style=path"
        )
    settings = make_settings(tmp_path, database_url=database_url, **overrides)
    services = build_services(settings)
    _empty_tables(services.engine)
    env = {
        "KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
        "KHOLIEU_SEARCH_URL": "null://", "KHOLIEU_LOG_FORMAT": "json",
        **({"KHOLIEU_STORAGE_URL": str(overrides["storage_url"])} if overrides else {}),
    }  # fmt: skip
    yield World(request.param, settings, services, env)
    _empty_tables(services.engine)
    services.close()


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def put(world: World, key: str, body: bytes = b"bytes") -> str:
    world.store.put(key, io.BytesIO(body))
    return key


def item(world: World, session) -> int:
    data = ContentIn(kind="video", title="Bài giảng", subject="toan", grade=6)
    return world.services.content.create(session, None, data).id


def content_file(session, item_id: int, digest: str) -> None:
    session.add(
        ContentFile(item_id=item_id, sha256=digest, size=5, mime="video/mp4", filename="a.mp4")
    )


def upload_row(session, item_id: int, status: str, store_upload_id: str = "") -> str:
    row = Upload(
        id=uuid.uuid4().hex, item_id=item_id, filename="f.mp4", size=5, part_size=5,
        store_upload_id=store_upload_id, status=status,
    )  # fmt: skip
    session.add(row)
    return row.id


def import_row(session, status: str, **changes) -> str:
    row = QuestionImport(id=uuid.uuid4().hex, filename="q.gift", size=5, status=status, **changes)
    session.add(row)
    return row.id


def killed_put(world: World, key: str) -> None:
    """A `put` killed mid-stream in another process: on local storage its temp file stays in
    .tmp/, on S3 its multipart upload stays open (13 MiB: over boto3's multipart threshold)."""
    code = (
        "import sys\nfrom kholieu.config import load_settings\n"
        "from kholieu.storage import make_store\n"
        "make_store(load_settings()).put(sys.argv[1], sys.stdin.buffer)\n"
    )
    env = {**os.environ, **world.env}
    process = subprocess.Popen([sys.executable, "-c", code, key], stdin=subprocess.PIPE, env=env)
    assert process.stdin is not None
    process.stdin.write(b"x" * (13 * 2**20))
    process.stdin.flush()

    def started() -> bool:
        if world.kind == "local":
            return any(p.stat().st_size > 0 for p in (world.root / ".tmp").iterdir())
        return any(u.key == key for u in world.store.list_uploads())

    deadline = time.monotonic() + 60
    while not started():
        assert time.monotonic() < deadline and process.poll() is None, "the put never started"
        time.sleep(0.02)
    process.kill()
    process.wait()
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()


def make_leftovers(world: World) -> tuple[set[str], dict[str, set[str]], set[str]]:
    """Objects rows name, the leftovers of kills and failures (by the kind the sweeper reports
    them as), and a key nobody owns. Uploads are named by key."""
    store, now = world.store, world.now
    a, b, h, q, q2 = sha("a"), sha("orphan"), sha("hls-orphan"), sha("image"), sha("image-2")
    named: set[str] = set()
    garbage: dict[str, set[str]] = {kind: set() for kind in LEFTOVERS}
    with world.services.sessions.begin() as session:
        item_id = item(world, session)
        # A content file and every family of object it names.
        content_file(session, item_id, a)
        named |= {put(world, k) for k in (
            blob_key(a), thumbnail_key(a), package_prefix(a) + ".json",
            f"{package_prefix(a)}/index.html", marker_key(a), f"{hls_prefix(a)}/master.m3u8",
            f"{hls_prefix(a)}/720p/seg00001.ts",
        )}  # fmt: skip
        session.add(QuestionImage(sha256=q, mime="image/png", size=5))
        named.add(put(world, image_key(q)))
        # Uploads: one open (its store upload held), one being checked, one rejected and kept.
        held = store.start_upload("incoming/held")
        store.upload_part("incoming/held", held, 1, io.BytesIO(b"part"))
        upload_row(session, item_id, UploadStatus.open, held)
        for status in (UploadStatus.processing, UploadStatus.failed):
            named.add(put(world, f"incoming/{upload_row(session, item_id, status)}"))
        # Imports: one queued, one failed and not read yet (finished an hour ago).
        named.add(put(world, f"imports/{import_row(session, ImportStatus.queued)}"))
        unread = import_row(session, ImportStatus.failed, finished_at=now - timedelta(hours=1))
        named.add(put(world, f"imports/{unread}"))

        # Garbage: objects no row names.
        garbage["unreferenced"] |= {put(world, k) for k in (
            blob_key(b), marker_key(h), f"{hls_prefix(h)}/master.m3u8",
            f"{hls_prefix(h)}/720p/seg00001.ts", image_key(q2), "_probe/killed",
            f"incoming/{upload_row(session, item_id, UploadStatus.done)}",
        )}  # fmt: skip
        # Failed imports' files: read, unread but a week old; a done one's and a row-less one.
        read = import_row(session, ImportStatus.failed, finished_at=now - timedelta(hours=2),
                          seen_at=now - timedelta(hours=1))  # fmt: skip
        week = import_row(session, ImportStatus.failed, finished_at=now - timedelta(days=8))
        done = import_row(session, ImportStatus.done, finished_at=now - timedelta(hours=2))
        garbage["failed_imports"] |= {put(world, f"imports/{i}") for i in (read, week, done)}
        garbage["failed_imports"].add(put(world, f"imports/{uuid.uuid4().hex}"))
        # Abandoned uploads: one whose row was aborted, one with no row at all.
        gone = store.start_upload("incoming/aborted")
        store.upload_part("incoming/aborted", gone, 1, io.BytesIO(b"part"))
        upload_row(session, item_id, UploadStatus.aborted, gone)
        store.start_upload("incoming/nobody")
        garbage["uploads"] |= {"incoming/aborted", "incoming/nobody"}
    unknown = {put(world, "legacy/notes.txt")}

    # Temporary files under the data directory: a transcode's and a copy's folders, a spool.
    tmp = world.settings.data_dir / "tmp"
    (tmp / "transcode-killed" / "out").mkdir(parents=True)
    (tmp / "transcode-killed" / "out" / "seg00001.ts").write_bytes(b"ts" * 100)
    (tmp / "kholieu-copy").mkdir()
    (tmp / "kholieu-copy" / "object").write_bytes(b"copy")
    (tmp / "tmpspool").write_bytes(b"spool")
    garbage["temporary"] |= {"tmp/transcode-killed", "tmp/kholieu-copy", "tmp/tmpspool"}

    killed_put(world, blob_key(sha("killed")))
    if world.kind == "s3":
        garbage["uploads"].add(blob_key(sha("killed")))
    else:
        garbage["temporary"] |= {f".tmp/{p.name}" for p in (world.root / ".tmp").iterdir()}
        # A kill inside delete(): the bytes gone, their metadata left.
        cut = put(world, blob_key(sha("cut")))
        (world.root / cut).unlink()
        garbage["temporary"].add(f".meta/{cut}.json")
        # Bytes whose metadata is gone: removed when no row names them, kept when one does.
        lost = put(world, blob_key(sha("lost")))
        (world.root / ".meta" / f"{lost}.json").unlink()
        garbage["unreferenced"].add(lost)
        with world.services.sessions.begin() as session:
            content_file(session, item(world, session), sha("kept"))
        kept = put(world, blob_key(sha("kept")))
        (world.root / ".meta" / f"{kept}.json").unlink()
    return named, garbage, unknown


def age_everything(world: World, *, but: set[str] = frozenset()) -> None:
    """Local leftovers and objects made three days old (S3's times cannot be changed: its
    sweeps are told a later "now" instead)."""
    past = time.time() - OLD
    for top in (world.settings.data_dir / "tmp", world.root):
        for dirpath, dirnames, filenames in os.walk(top):
            for name in (*filenames, *dirnames):
                path = Path(dirpath) / name
                if path.relative_to(world.root if top == world.root else top).as_posix() in but:
                    continue
                os.utime(path, (past, past))


def snapshot(world: World) -> dict[str, set[str]]:
    state = {
        "objects": {info.key for info in world.store.list("")},
        "uploads": {f"{u.key} {u.upload_id}" for u in world.store.list_uploads()},
        "tmp": {p.name for p in (world.settings.data_dir / "tmp").iterdir()},
    }
    if world.kind == "local":
        state["files"] = {
            str(p.relative_to(world.root)) for p in world.root.rglob("*") if p.is_file()
        }
    return state


def later(world: World) -> datetime:
    """The "now" a sweep is told: on S3, two days on (everything made is then old)."""
    return world.now if world.kind == "local" else world.now + 2 * DAY


def reported(report, kind: str) -> set[str]:
    names = report.kinds[kind].names
    return {n.split(" (")[0] for n in names} if kind == "uploads" else set(names)


def young_kinds(world: World) -> tuple[str, ...]:
    """What can be young here: moto answers every multipart upload's start as 2010-11-10
    (a constant in moto.s3.responses), so on S3 uploads always look old."""
    return LEFTOVERS if world.kind == "local" else tuple(k for k in LEFTOVERS if k != "uploads")


def without_uploads(world: World, state: dict[str, set[str]]) -> dict[str, set[str]]:
    return state if world.kind == "local" else {k: v for k, v in state.items() if k != "uploads"}


def test_nothing_younger_than_the_grace_period_goes(world: World):
    make_leftovers(world)
    before = snapshot(world)
    report = world.services.platform.sweeper.sweep(older_than=DAY, apply=True)
    assert all(report.kinds[k].count == 0 for k in young_kinds(world)), report.as_json()
    assert without_uploads(world, snapshot(world)) == without_uploads(world, before)
    assert {u.split()[0] for u in snapshot(world)["uploads"]} >= {"incoming/held"}


def test_the_sweeper_removes_exactly_the_garbage(world: World):
    named, garbage, unknown = make_leftovers(world)
    sweeper = world.services.platform.sweeper
    young = None
    if world.kind == "local":
        young = put(world, blob_key(sha("young orphan")))  # stored a moment ago, no row yet
        age_everything(world, but={young, f".meta/{young}.json"})
        named_files = named | {f".meta/{k}.json" for k in named}
    now = later(world)
    before = snapshot(world)
    assert named <= before["objects"] and not unknown - before["objects"]

    dry = sweeper.sweep(older_than=DAY, now=now)
    assert snapshot(world) == before, "a dry run removed something"
    for kind, expected in garbage.items():
        assert reported(dry, kind) == expected, kind
    assert reported(dry, "unknown") == unknown
    assert dry.removed.count == sum(len(v) for v in garbage.values())
    assert dry.removed.bytes > 0

    applied = sweeper.sweep(older_than=DAY, now=now, apply=True)
    assert {k: reported(applied, k) for k in garbage} == garbage
    after = snapshot(world)
    kept_keys = named | unknown | ({young} if young else set())
    assert after["objects"] == kept_keys
    assert [u.split()[0] for u in after["uploads"]] == ["incoming/held"]
    assert after["tmp"] == set()
    if world.kind == "local":
        assert named_files <= after["files"]
        assert blob_key(sha("kept")) in after["files"], "bytes a row names were removed"
        assert list((world.root / ".tmp").iterdir()) == []
        assert f".meta/{young}.json" in after["files"]

    again = sweeper.sweep(older_than=DAY, now=now, apply=True)
    assert again.removed.count == 0, again.as_json()
    assert reported(again, "unknown") == unknown
    assert snapshot(world) == after


def test_gc_command_is_a_dry_run_unless_applied(world: World):
    named, garbage, unknown = make_leftovers(world)
    before = snapshot(world)
    dry = run_kholieu("gc", "--json", "--older-than", "0", env=world.env)
    assert dry.returncode == 0, dry.stderr
    out = json.loads(dry.stdout)
    assert out["applied"] is False and snapshot(world) == before
    expected_unreferenced = garbage["unreferenced"]
    assert expected_unreferenced <= set(out["kinds"]["unreferenced"]["names"])
    assert garbage["temporary"] <= set(out["kinds"]["temporary"]["names"])
    assert set(out["kinds"]["unknown"]["names"]) == unknown
    total = sum(out["kinds"][k]["count"] for k in LEFTOVERS)
    assert out["total"]["count"] == total and out["total"]["bytes"] > 0

    text = run_kholieu("gc", "--older-than", "0", env=world.env)
    assert text.returncode == 0, text.stderr
    assert "dry run" in text.stdout and "unreferenced objects" in text.stdout
    assert blob_key(sha("orphan")) in text.stdout and snapshot(world) == before

    applied = run_kholieu("gc", "--apply", "--json", "--older-than", "0", env=world.env)
    assert applied.returncode == 0, applied.stderr
    assert json.loads(applied.stdout)["applied"] is True
    after = snapshot(world)
    assert after["objects"] == named | unknown and after["tmp"] == set()

    second = json.loads(run_kholieu("gc", "--json", "--older-than", "0", env=world.env).stdout)
    assert second["total"] == {"count": 0, "bytes": 0}
    assert run_kholieu("gc", "--older-than", "-1", env=world.env).returncode == 2


def test_a_default_sweep_keeps_a_day_old_leftovers(world: World):
    """Without --older-than the grace period is a day: fresh leftovers are not touched."""
    make_leftovers(world)
    before = snapshot(world)
    result = run_kholieu("gc", "--apply", "--json", env=world.env)
    assert result.returncode == 0, result.stderr
    kinds = json.loads(result.stdout)["kinds"]
    assert all(kinds[k]["count"] == 0 for k in young_kinds(world)), kinds
    assert without_uploads(world, snapshot(world)) == without_uploads(world, before)


@pytest.fixture
def sweeping(tmp_path, database_url):
    settings = make_settings(
        tmp_path, database_url=database_url, gc_interval_s=0.2, gc_older_than_s=0
    )
    services = build_services(settings)
    _empty_tables(services.engine)
    yield services
    _empty_tables(services.engine)
    services.close()


def test_background_work_sweeps_on_its_interval(sweeping: Services):
    store = sweeping.store
    store.put(blob_key(sha("orphan")), io.BytesIO(b"orphan"))
    store.put(blob_key(sha("named")), io.BytesIO(b"named"))
    with sweeping.sessions.begin() as session:
        data = ContentIn(kind="video", title="Bài giảng", subject="toan", grade=6)
        item_id = sweeping.content.create(session, None, data).id
        content_file(session, item_id, sha("named"))
    (sweeping.settings.data_dir / "tmp").mkdir(exist_ok=True)
    (sweeping.settings.data_dir / "tmp" / "transcode-killed").mkdir()
    work = BackgroundWork(sweeping.platform, 1)
    work.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            with sweeping.sessions() as session:
                query = select(Job).where(Job.name == JOB_NAME, Job.status == "succeeded")
                done = session.scalars(query).first()
            if done is not None:
                break
            assert time.monotonic() < deadline, "no periodic sweep finished"
            time.sleep(0.05)
    finally:
        work.stop()
    assert done.payload["unreferenced"]["count"] >= 1
    assert not store.exists(blob_key(sha("orphan")))
    assert store.exists(blob_key(sha("named")))
    assert list((sweeping.settings.data_dir / "tmp").iterdir()) == []


def test_one_process_claims_each_round(services: Services):
    now = datetime(2026, 1, 1, 6, tzinfo=UTC)
    first = claim_round(services.sessions, 3600, now)
    assert first is not None
    assert claim_round(services.sessions, 3600, now + timedelta(minutes=30)) is None
    assert claim_round(services.sessions, 3600, now + timedelta(hours=1)) not in (None, first)


def test_reading_a_finished_import_marks_it_seen(client, services, make_user, bearer):
    teacher, editor = make_user("teacher"), make_user("editor")
    with services.sessions.begin() as session:
        failed = import_row(
            session, ImportStatus.failed, created_by=teacher.id, finished_at=datetime.now(UTC)
        )
        queued = import_row(session, ImportStatus.queued, created_by=teacher.id)
    for import_id in (failed, queued):
        response = client.get(f"/api/v1/questions/imports/{import_id}", headers=bearer(editor))
        assert response.status_code == 200, response.text
    with services.sessions() as session:
        assert session.get(QuestionImport, failed).seen_at is None  # not its starter
    for import_id in (failed, queued):
        response = client.get(f"/api/v1/questions/imports/{import_id}", headers=bearer(teacher))
        assert response.status_code == 200, response.text
    with services.sessions() as session:
        assert session.get(QuestionImport, failed).seen_at is not None
        assert session.get(QuestionImport, queued).seen_at is None  # nothing to read yet


def test_an_orphan_named_again_while_it_is_swept_stays(world: World):
    """An upload of the same bytes as an old orphan blob reuses it (``ingest`` touches it)
    while the sweeper, having found no row for it, is about to delete it: the sweeper looks
    at the object once more before deleting, finds it young, and keeps it; the new row then
    names bytes that are there."""
    if world.kind != "local":
        pytest.skip("ages are set with os.utime, which only local storage has")
    orphan = put(world, blob_key(sha("orphan")), b"orphan bytes")
    old = time.time() - OLD
    os.utime(world.root / orphan, (old, old))
    sweeper = world.services.platform.sweeper
    family = next(f for f in sweeper.families if orphan.startswith(f.prefix))
    asked = family.referenced

    def meanwhile(session, keys, now):  # the upload lands between the check and the delete
        named = asked(session, keys, now)
        if orphan in keys:
            world.store.touch(orphan)
        return named

    sweeper.families[sweeper.families.index(family)] = type(family)(
        family.owner, family.prefix, meanwhile, family.kind
    )
    report = sweeper.sweep(older_than=DAY, apply=True)
    assert world.store.exists(orphan) and reported(report, family.kind) == set()


def test_touch_makes_an_object_new_and_keeps_its_bytes(world: World):
    key = put(world, blob_key(sha("touched")), b"the same bytes")
    if world.kind == "local":
        old = time.time() - OLD
        os.utime(world.root / key, (old, old))
    before = world.store.head(key)
    world.store.touch(key)
    after = world.store.head(key)
    assert after.last_modified >= before.last_modified
    if world.kind == "local":
        assert after.last_modified - before.last_modified > DAY
    with world.store.get(key) as stream:
        assert stream.read() == b"the same bytes"
    assert after.size == before.size and after.content_type == before.content_type


def test_uploading_the_bytes_of_an_old_orphan_makes_it_young(world: World):
    if world.kind != "local":
        pytest.skip("ages are set with os.utime, which only local storage has")
    body = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    orphan = put(world, blob_key(hashlib.sha256(body).hexdigest()), body)
    old = time.time() - OLD
    os.utime(world.root / orphan, (old, old))
    with world.services.sessions.begin() as session:
        data = ContentIn(kind="document", title="Đề cương", subject="toan", grade=9)
        item_id = world.services.content.create(session, None, data).id
        world.services.content.attach(session, None, item_id, io.BytesIO(body), "de.pdf")
    assert world.store.head(orphan).last_modified > world.now - timedelta(minutes=5)
