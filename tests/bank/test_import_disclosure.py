"""Import reports disclose nothing the importer may not read (issue 14, item 7).

Teacher A keeps a private draft; teacher B, who gets 404 reading it, imports a file holding
the same question through the upload route the import page uses. B's report, as JSON and as
the page draws it, must say only that a similar question exists: not A's id, link, text or
similarity, with any ``on_duplicate``. A duplicate B may see (a ready question, B's own, a row
of the same file) is still named by id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kholieu.bank.models import ImportStatus, QuestionImport
from kholieu.jobs.runner import BackgroundWork
from tests.conftest import PASSWORD
from tests.support import live
from tests.support.jobs import wait_for
from tests.support.web import sign_in_browser

HIDDEN = "đã có một câu hỏi tương tự trong kho / a similar question exists in the bank"
SECRET = {"type": "single_choice", "stem": "Bí mật của cô A: nghiệm của $2x + 3 = 7$ là",
          "options": ["$x = 2$", "$x = 5$", "$x = -2$"], "answer": 0, "subject": "toan",
          "grade": 10, "level": "nhan_biet"}  # fmt: skip
PUBLIC = {"type": "single_choice", "stem": "Thủ đô của nước Pháp là",
          "options": ["Paris", "Lyon", "Marseille"], "answer": 0, "subject": "dia-li",
          "grade": 10, "level": "nhan_biet"}  # fmt: skip
OWN = {"type": "single_choice", "stem": "Số nguyên tố nhỏ nhất là",
       "options": ["2", "1", "3"], "answer": 0, "subject": "toan", "grade": 6,
       "level": "nhan_biet"}  # fmt: skip


@pytest.fixture
def people(make_user, bearer) -> dict[str, Any]:
    users = {"a": make_user("teacher"), "b": make_user("teacher"), "editor": make_user("editor")}
    return {name: (user, bearer(user)) for name, user in users.items()}


@pytest.fixture
def work(services) -> Iterator[BackgroundWork]:
    work = BackgroundWork(services.platform, 1)
    work.start()
    yield work
    work.stop()


def create(client, headers, question: dict[str, Any]) -> int:
    made = client.post("/api/v1/questions", json=question, headers=headers)
    assert made.status_code == 201, made.text
    return made.json()["id"]


def make_ready(client, editor_headers, question_id: int) -> None:
    done = client.post(
        f"/api/v1/questions/{question_id}/status", json={"status": "ready"}, headers=editor_headers
    )
    assert done.status_code == 200, done.text


def jsonl(*questions: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(q, ensure_ascii=False) for q in questions).encode()


def import_file(
    client, services, headers, content: bytes, on_duplicate: str = "skip"
) -> dict[str, Any]:
    """Upload as the import page does, let the job run, and read the report as it does."""
    started = client.post(
        "/api/v1/questions/imports",
        files={"file": ("de-cua-b.jsonl", content, "application/octet-stream")},
        data={"on_duplicate": on_duplicate},
        headers=headers,
    )
    assert started.status_code == 202, started.text
    record = started.json()
    wait_for(services, record["job_id"], "succeeded")
    status = client.get(f"/api/v1/questions/imports/{record['id']}", headers=headers)
    assert status.status_code == 200, status.text
    body = status.json()
    assert body["status"] == "done", body
    return body["report"]


def numbers_in(value: Any) -> set[int]:
    """Every integer anywhere in a JSON value (an id hides under any key), but for the line
    of B's own file a report entry points at."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dict):
        found = [numbers_in(v) for k, v in value.items() if k != "line"]
        return set().union(*found)
    if isinstance(value, list):
        return set().union(*(numbers_in(v) for v in value))
    return set()


def assert_nothing_of(report: dict[str, Any], secret_id: int) -> None:
    shown = json.dumps(report, ensure_ascii=False)
    assert SECRET["stem"] not in shown and "2x + 3 = 7" not in shown
    for dup in report["duplicate_of"]:
        assert secret_id not in numbers_in(dup), dup
    assert secret_id not in report["ids"]


def test_another_teachers_draft_is_only_a_similar_question(client, services, people, work):
    _, a = people["a"]
    _, b = people["b"]
    secret = create(client, a, SECRET)
    assert client.get(f"/api/v1/questions/{secret}", headers=b).status_code == 404
    # B's copy differs in case and spacing only: the same question to the duplicate finder.
    copy = {**SECRET, "stem": SECRET["stem"].upper().replace(" ", "  ")}
    report = import_file(client, services, b, jsonl(copy))
    assert_nothing_of(report, secret)
    assert report["imported"] == 0 and report["duplicates"] == 1
    assert report["duplicate_of"] == [
        {"file": "de-cua-b.jsonl", "line": 1, "question": None, "similarity": None,
         "note": HIDDEN}
    ]  # fmt: skip
    # Still there for A, and for an editor's import (editors see the whole bank).
    _, editor = people["editor"]
    theirs = import_file(client, services, editor, jsonl(SECRET))
    assert [d["question"] for d in theirs["duplicate_of"]] == [secret]


def test_link_never_links_to_a_question_the_importer_may_not_read(client, services, people, work):
    _, a = people["a"]
    _, b = people["b"]
    secret = create(client, a, SECRET)
    # The second row is the first again: the file's own rows still name each other.
    report = import_file(client, services, b, jsonl(SECRET, SECRET), on_duplicate="link")
    assert_nothing_of(report, secret)
    # B cannot use A's draft, so B's row becomes B's own question, which the second row links.
    assert report["imported"] == 1 and len(report["ids"]) == 2
    mine = report["ids"][0]
    assert report["ids"] == [mine, mine]
    assert report["duplicate_of"] == [
        {"file": "de-cua-b.jsonl", "line": 2, "question": mine, "similarity": 1.0}
    ]
    for question_id in report["ids"]:  # every id in B's report is one B may open
        shown = client.get(f"/api/v1/questions/{question_id}", headers=b)
        assert shown.status_code == 200 and shown.json()["owner_id"] == people["b"][0].id


def test_an_external_id_taken_by_a_private_draft_names_no_question(client, services, people, work):
    _, a = people["a"]
    _, b = people["b"]
    secret = create(client, a, {**SECRET, "external_id": "DE-A-01"})
    report = import_file(client, services, b, jsonl({**OWN, "external_id": "DE-A-01"}))
    assert report["imported"] == 0
    [rejected] = report["rejected"]
    assert rejected["line"] == 1 and "DE-A-01" in rejected["error"]
    assert not any(c.isdigit() for c in rejected["error"].replace("DE-A-01", "")), rejected
    assert secret not in numbers_in(rejected)


def test_duplicates_the_importer_may_see_keep_their_id(client, services, people, work):
    _, a = people["a"]
    _, b = people["b"]
    _, editor = people["editor"]
    public = create(client, a, PUBLIC)
    make_ready(client, editor, public)  # ready: every teacher sees it
    own = create(client, b, OWN)  # B's own draft
    report = import_file(client, services, b, jsonl(PUBLIC, OWN))
    assert report["imported"] == 0
    assert [(d["line"], d["question"], d["similarity"]) for d in report["duplicate_of"]] == [
        (1, public, 1.0),
        (2, own, 1.0),
    ]
    assert not any("note" in d for d in report["duplicate_of"])
    linked = import_file(client, services, b, jsonl(PUBLIC, OWN), on_duplicate="link")
    assert linked["imported"] == 0 and linked["ids"] == [public, own]


def test_a_report_kept_before_the_fix_is_masked_as_it_is_read(client, services, people):
    user_b, b = people["b"]
    _, a = people["a"]
    _, editor = people["editor"]
    secret = create(client, a, SECRET)
    public = create(client, a, PUBLIC)
    make_ready(client, editor, public)
    # What the importer used to keep for B's import with on_duplicate="link".
    kept = {"imported": 0, "duplicates": 2, "rejected": [], "by_type": {}, "ids": [secret, public],
            "duplicate_of": [
                {"file": "de.jsonl", "line": 1, "question": secret, "similarity": 1.0},
                {"file": "de.jsonl", "line": 2, "question": public, "similarity": 0.97},
            ]}  # fmt: skip
    with services.sessions.begin() as session:
        session.add(QuestionImport(
            id="0" * 32, filename="de.jsonl", size=10, status=ImportStatus.done,
            created_by=user_b.id, report=kept,
        ))  # fmt: skip
    report = client.get(f"/api/v1/questions/imports/{'0' * 32}", headers=b).json()["report"]
    assert_nothing_of(report, secret)
    assert report["duplicate_of"] == [
        {"file": "de.jsonl", "line": 1, "question": None, "similarity": None, "note": HIDDEN},
        {"file": "de.jsonl", "line": 2, "question": public, "similarity": 0.97},
    ]
    assert report["ids"] == [public]
    # An editor reading the same report sees the whole bank, so nothing is masked for them.
    as_editor = client.get(f"/api/v1/questions/imports/{'0' * 32}", headers=editor).json()
    assert as_editor["report"] == kept
    # Once retired, the ready question is no longer B's to read, and leaves B's report too.
    retired = client.post(
        f"/api/v1/questions/{public}/status", json={"status": "retired"}, headers=editor
    )
    assert retired.status_code == 200, retired.text
    report = client.get(f"/api/v1/questions/imports/{'0' * 32}", headers=b).json()["report"]
    assert [d["question"] for d in report["duplicate_of"]] == [None, None]
    assert report["ids"] == []


# -- the import page, as Chromium draws it ------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def served(app) -> Iterator[str]:
    """This test's app over real HTTP, for a browser to sign in to."""
    with live.served(app) as base:
        yield base


@pytest.mark.slow
def test_the_import_page_shows_no_trace_of_the_draft(served, client, services, people, work):
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed")
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    _, a = people["a"]
    user_b, _ = people["b"]
    _, editor = people["editor"]
    secret = create(client, a, SECRET)
    public = create(client, a, PUBLIC)
    make_ready(client, editor, public)
    upload = services.settings.data_dir / "de-cua-b.jsonl"
    upload.write_bytes(jsonl(SECRET, PUBLIC))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            sign_in_browser(page, served, user_b.username, PASSWORD)
            page.goto(f"{served}/cau-hoi/nhap")
            page.set_input_files("input[type=file]", str(upload))
            page.click("#import-form button[type=submit]")
            done = page.locator("[data-testid=import-summary]")
            failed = page.locator("[data-testid=import-status]", has_text="Không nhập được")
            done.or_(failed).wait_for(timeout=30_000)
            status = page.inner_text("[data-testid=import-status]")
            report = page.locator("[data-testid=import-report]")
            text = report.inner_text()
            links = [a.get_attribute("href") for a in report.locator("a").all()]
            html = page.content()
        finally:
            browser.close()
    assert status == "Đã nhập xong.", status
    assert "Đã nhập: 0 · Trùng với câu đã có: 2" in text
    assert HIDDEN in text
    assert f"#{public} (100%)" in text and f"/cau-hoi/{public}" in links  # B may see it
    assert f"#{secret}" not in text and f"/cau-hoi/{secret}" not in links
    assert SECRET["stem"] not in html and "2x + 3 = 7" not in html
