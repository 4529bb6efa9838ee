"""Content files: checked by content not name, stored once by SHA-256, packages unpacked by a
job; and the `content import` / `content show` commands."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from kholieu.content.files import UnsupportedFile, blob_key, package_prefix
from kholieu.content.models import ContentFile, ContentItem
from kholieu.errors import ValidationFailed
from kholieu.jobs.runner import BackgroundWork
from tests.conftest import run_kholieu
from tests.support.content import PDF, attach, lab_zip, new_item
from tests.support.jobs import wait_for


def stored_keys(services) -> list[str]:
    return sorted(info.key for info in services.store.list(""))


def test_pdf_is_stored_under_its_sha256(services):
    file = attach(services, new_item(services), PDF, "sgk-toan-9.pdf")
    sha = hashlib.sha256(PDF).hexdigest()
    assert (file.sha256, file.mime, file.size, file.unpacked) == (
        sha,
        "application/pdf",
        len(PDF),
        True,
    )
    assert stored_keys(services) == [blob_key(sha)]


def test_same_bytes_are_stored_once(services):
    attach(services, new_item(services), PDF, "a.pdf")
    attach(services, new_item(services), PDF, "b.pdf")
    assert len(stored_keys(services)) == 1
    with services.sessions() as session:
        assert session.scalar(select(func.count(ContentFile.id))) == 2


def test_type_is_checked_by_content_not_name(services):
    item = new_item(services)
    with pytest.raises(UnsupportedFile) as info:
        attach(services, item, b"just some notes, not a PDF", "bai-tap.pdf")
    assert info.value.status_code == 415
    assert info.value.message.startswith("bai-tap.pdf: the file is text/plain, which a document")
    assert stored_keys(services) == []


def test_size_limit_and_empty_files(services):
    services.settings.max_upload_bytes = 10
    with pytest.raises(ValidationFailed, match="larger than"):
        attach(services, new_item(services), PDF, "big.pdf")
    services.settings.max_upload_bytes = 2**30
    with pytest.raises(ValidationFailed, match="the file is empty"):
        attach(services, new_item(services), b"", "empty.pdf")
    assert stored_keys(services) == []


def test_hostile_package_is_rejected_and_nothing_stored(services):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "x")
        archive.writestr("../../etc/cron.d/evil", "x")
    with pytest.raises(ValidationFailed, match=r"entry \.\./\.\./etc/cron\.d/evil escapes"):
        attach(services, new_item(services, kind="lab"), buffer.getvalue(), "lab.zip")
    assert stored_keys(services) == []


def test_package_is_unpacked_by_a_job(services):
    item = new_item(services, kind="lab")
    file = attach(services, item, lab_zip(), "con-lac.zip")
    assert file.package["standard"] == "html" and file.package["entry"] == "index.html"
    assert file.unpacked is False and file.job_id
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        wait_for(services, file.job_id, "succeeded")
    finally:
        work.stop()
    prefix = package_prefix(file.sha256)
    assert b"".join(services.store.get(f"{prefix}/sim.js")) == (
        "document.title = 'Con lắc đơn';".encode()
    )
    assert services.store.head(f"{prefix}/index.html").content_type == "text/html"
    assert json.loads(b"".join(services.store.get(prefix + ".json")))["entry"] == "index.html"
    with services.sessions() as session:
        assert session.get(ContentFile, file.id).unpacked is True


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def kholieu_cli(tmp_path, database_url, services):
    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
           "KHOLIEU_LOG_FORMAT": "json"}  # fmt: skip
    return lambda *args: run_kholieu(*args, env=env)


def test_content_import_reports_each_bad_line(tmp_path, kholieu_cli, services):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "sgk.pdf").write_bytes(PDF)
    (tmp_path / "files" / "lab.zip").write_bytes(lab_zip())
    (tmp_path / "files" / "fake.pdf").write_text("not a pdf")
    lines = [
        {
            "title": "SGK Toán 9",
            "kind": "document",
            "subject": "toan",
            "grade": 9,
            "file": "files/sgk.pdf",
            "status": "published",
            "external_id": "sgk-toan-9",
        },
        {
            "title": "Con lắc đơn",
            "kind": "lab",
            "subject": "vat-li",
            "grade": 10,
            "file": "files/lab.zip",
            "description": "Mô phỏng dao động",
        },
        {"title": "Sai môn", "kind": "lecture", "subject": "toan-cao-cap", "grade": 9},
        "not json",
        {
            "title": "Giả PDF",
            "kind": "document",
            "subject": "toan",
            "grade": 9,
            "file": "files/fake.pdf",
        },
        {
            "title": "Thiếu tệp",
            "kind": "document",
            "subject": "toan",
            "grade": 9,
            "file": "files/missing.pdf",
        },
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(
        "\n".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
            for line in lines
        )
    )
    result = kholieu_cli("content", "import", str(manifest), "--json", "--wait")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["imported"] == 2 and len(report["ids"]) == 2
    assert [r["line"] for r in report["rejected"]] == [3, 4, 5, 6]
    errors = [r["error"] for r in report["rejected"]]
    assert errors[0].startswith("subject: “toan-cao-cap” không phải môn học được nhận")
    assert errors[1].startswith("not valid JSON")
    assert errors[2].startswith("fake.pdf: tệp có kiểu text/plain")
    assert errors[3] == "file: files/missing.pdf does not exist next to the manifest"
    with services.sessions() as session:
        statuses = dict(session.execute(select(ContentItem.title, ContentItem.status)).all())
    assert statuses == {"SGK Toán 9": "published", "Con lắc đơn": "draft"}

    shown = kholieu_cli("content", "show", str(report["ids"][1]), "--json")
    info = json.loads(shown.stdout)
    assert info["summary"] == "Mô phỏng dao động"
    assert info["file"]["package"]["standard"] == "html"
    assert info["file"]["processing"]["status"] == "succeeded"  # --wait ran the unpacking
    assert info["file"]["unpacked"] is True


def test_content_show_unknown_item(kholieu_cli):
    result = kholieu_cli("content", "show", "999")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "kholieu: error: Không có học liệu số 999"


def test_pdf_text_is_kept_for_search_and_a_thumbnail_made(services):
    from kholieu.content.files import thumbnail_key
    from kholieu.content.service import load_documents
    from kholieu.content.tasks import extract_document
    from kholieu.demo.files import quadratic_pdf
    from kholieu.jobs.queue import JobContext

    item = new_item(services)
    file = attach(services, item, quadratic_pdf(), "phieu-bai-tap.pdf")
    assert file.job_id  # extraction was queued
    extract_document(JobContext("j", {"sha256": file.sha256}, services.platform, lambda _p: None))
    with services.sessions() as session:
        stored = session.get(ContentFile, file.id)
        assert "Phương trình bậc hai" in stored.text and "m = 1" in stored.text
        assert stored.thumbnail is True
        document = load_documents(session, [str(item)])[str(item)]
    assert "Bài 2. Tìm m để phương trình" in document["body"]
    png = b"".join(services.store.get(thumbnail_key(file.sha256)))
    assert png.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    picture = Image.open(BytesIO(png))
    # the top of page 1, not the whole A4 page: wider than tall, small, and not blank
    assert picture.size == (480, 300)
    assert len(png) < 30_000
    darkest = picture.convert("L").getextrema()[0]
    assert darkest < 100  # the title's ink is in the crop


def test_unreadable_pdf_is_kept_without_text(services):
    from kholieu.content.tasks import extract_document
    from kholieu.jobs.queue import JobContext

    broken = PDF.replace(b"trailer", b"garbage")
    file = attach(services, new_item(services), broken, "hong.pdf")
    extract_document(JobContext("j", {"sha256": file.sha256}, services.platform, lambda _p: None))
    with services.sessions() as session:
        assert session.get(ContentFile, file.id).text in (None, "")
