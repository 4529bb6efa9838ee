"""The question bank over HTTP: who may do what, validation errors by field, status, versions,
where used, export downloads, images, and an import from upload to report through the job."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.support.jobs import run_until

SINGLE = {"type": "single_choice", "stem": "Giá trị của $\\sin 30^\\circ$ là",
          "options": ["$\\frac12$", "1", "0"], "answer": 0, "subject": "toan", "grade": 10,
          "level": "nhan_biet"}  # fmt: skip


@pytest.fixture
def people(make_user, bearer):
    return {role: bearer(make_user(role)) for role in ("student", "teacher", "editor")}


def test_students_never_reach_the_bank(client, people):
    assert client.get("/api/v1/questions", headers=people["student"]).status_code == 403
    assert (
        client.post("/api/v1/questions", json=SINGLE, headers=people["student"]).status_code == 403
    )
    assert client.get("/api/v1/questions").status_code == 401


def test_teacher_adds_editor_marks_ready_and_filters_work(client, people):
    made = client.post("/api/v1/questions", json=SINGLE, headers=people["teacher"])
    assert made.status_code == 201, made.text
    question = made.json()
    assert question["status"] == "draft" and question["data"]["answer"] == 0
    url = f"/api/v1/questions/{question['id']}"
    denied = client.post(f"{url}/status", json={"status": "ready"}, headers=people["teacher"])
    assert denied.status_code == 403
    ready = client.post(f"{url}/status", json={"status": "ready"}, headers=people["editor"])
    assert ready.json()["status"] == "ready"
    found = client.get("/api/v1/questions?subject=toan&grade=10&level=nhan_biet",
                       headers=people["teacher"]).json()  # fmt: skip
    assert found["total"] == 1 and found["items"][0]["id"] == question["id"]
    none = client.get("/api/v1/questions?grade=11", headers=people["teacher"]).json()
    assert none["total"] == 0
    edited = client.put(url, json={**SINGLE, "status": "ready",
                                   "stem": "Giá trị của $\\cos 60^\\circ$ là"},
                        headers=people["teacher"])  # fmt: skip
    # the approved version stays as it was; the edit waits for review as version 2
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert edited.json()["status"] == "changed" and edited.json()["approved_version"] == 1
    versions = client.get(f"{url}/versions", headers=people["teacher"]).json()
    assert [v["body"]["stem"] for v in versions] == [
        SINGLE["stem"],
        "Giá trị của $\\cos 60^\\circ$ là",
    ]
    assert client.get(f"{url}/uses", headers=people["teacher"]).json() == []


def test_bad_questions_name_the_field(client, people):
    response = client.post(
        "/api/v1/questions", json={**SINGLE, "answer": 7}, headers=people["teacher"]
    )
    assert response.status_code == 422
    assert "answer: option 7 does not exist (0–2)" in response.json()["error"]["message"]


@pytest.mark.parametrize("fmt", ["jsonl", "gift", "moodle", "qti", "docx", "xlsx", "csv", "aiken"])
def test_export_downloads(client, people, fmt):
    client.post("/api/v1/questions", json=SINGLE, headers=people["editor"])
    response = client.get(f"/api/v1/questions/export?format={fmt}", headers=people["editor"])
    assert response.status_code == 200, response.text
    assert response.headers["x-questions"] == "1" and len(response.content) > 20
    assert "attachment" in response.headers["content-disposition"]


def test_images_are_checked_and_served_to_the_signed_in(client, people):
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), "blue").save(buffer, "PNG")
    files = {"file": ("hinh.png", buffer.getvalue(), "image/png")}
    made = client.post("/api/v1/questions/images", files=files, headers=people["teacher"])
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    shown = client.get(url, headers=people["student"])
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert client.get(url).status_code == 401
    svg = {
        "file": (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "image/svg+xml",
        )
    }
    refused = client.post("/api/v1/questions/images", files=svg, headers=people["teacher"])
    assert refused.status_code == 422 and "is not an allowed image type" in refused.text


def test_import_from_upload_to_report(client, people, services):
    gift = (
        "::Q1:: 1 + 1 = ? {=2 ~3 ~4}\n\n"
        "::Q2:: Thủ đô của Việt Nam? {=Hà Nội =Ha Noi}\n\n"
        "::Q3:: Ghép cặp {=a -> 1 =b -> 2}\n"
    )
    files = {"file": ("de.gift", gift.encode(), "text/plain")}
    form = {"subject": "toan", "grade": "6"}
    started = client.post(
        "/api/v1/questions/imports", files=files, data=form, headers=people["teacher"]
    )
    assert started.status_code == 202, started.text
    record = started.json()
    run_until(services, record["job_id"])
    status = client.get(f"/api/v1/questions/imports/{record['id']}", headers=people["teacher"])
    body = status.json()
    assert body["status"] == "done" and body["progress"] == 1.0
    report = body["report"]
    assert report["imported"] == 2 and report["by_type"] == {"single_choice": 1, "short_answer": 1}
    assert report["rejected"] == [
        {"file": "de.gift", "line": 5, "error": "matching questions are not supported by the bank"}
    ]
    mine = client.get("/api/v1/questions?grade=6", headers=people["teacher"]).json()
    assert mine["total"] == 2 and all(q["data"]["subject"] == "toan" for q in mine["items"])
    other = client.get(f"/api/v1/questions/imports/{record['id']}", headers=people["student"])
    assert other.status_code == 403
    assert not list(services.store.list("imports/"))  # the upload is gone once read


def test_a_file_whose_name_does_not_say_is_imported_by_its_content(client, people, services):
    """A GIFT file saved by Notepad as "Unicode" (UTF-16 with BOM) and named without a known
    extension: the page accepts it because its content shows the format, and the job reads
    it as GIFT; the report says so."""
    gift = "::Q1:: 1 + 1 = ? {=2 ~3 ~4}\r\n\r\n::Q2:: 2 + 2 = ? {=4 ~5}\r\n"
    files = {"file": ("cau-hoi-tuan-1.dat", b"\xff\xfe" + gift.encode("utf-16-le"), "text/plain")}
    started = client.post("/api/v1/questions/imports", files=files, headers=people["teacher"])
    assert started.status_code == 202, started.text
    record = started.json()
    run_until(services, record["job_id"])
    body = client.get(f"/api/v1/questions/imports/{record['id']}", headers=people["teacher"])
    report = body.json()["report"]
    assert report["imported"] == 2 and report["rejected"] == []
    assert report["formats"]["cau-hoi-tuan-1.dat"]["format"] == "gift"


def test_import_refuses_unknown_types_and_empty_files(client, people):
    exe = {"file": ("virus.exe", b"MZ\x90\x00", "application/octet-stream")}
    response = client.post("/api/v1/questions/imports", files=exe, headers=people["teacher"])
    assert response.status_code == 422 and "unknown question file type '.exe'" in response.text
    empty = {"file": ("trong.gift", b"", "text/plain")}
    response = client.post("/api/v1/questions/imports", files=empty, headers=people["teacher"])
    assert response.status_code == 422 and "the file is empty" in response.text
    assert json.loads(response.text)["error"]["details"] == {"field": "file"}
