"""SCORM: results normalised for both versions, recorded per learner, API injected into pages."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from starlette.testclient import TestClient

from kholieu.accounts.models import User
from kholieu.content.models import ScormAttempt
from kholieu.content.packages.origin import SCORM_API, create_content_app, package_url
from kholieu.content.packages.scorm import ScormReport, launch, normalise
from kholieu.content.tasks import unpack_package
from kholieu.demo.scorm import scorm_12_zip
from kholieu.errors import ValidationFailed
from kholieu.jobs.queue import JobContext
from tests.support.content import attach, lab_zip, new_item, path_of
from tests.support.web import sign_in


def test_scorm_12_and_2004_results_are_normalised():
    assert normalise(
        ScormReport(
            version="1.2",
            cmi={
                "cmi.core.lesson_status": "passed",
                "cmi.core.score.raw": "85",
                "cmi.core.score.max": "100",
            },
        )
    ) == {"completion": "completed", "success": "passed", "score": 85.0, "score_max": 100.0}
    assert normalise(
        ScormReport(
            version="2004", cmi={"cmi.completion_status": "incomplete", "cmi.score.scaled": "0.5"}
        )
    ) == {"completion": "incomplete", "success": None, "score": 50.0, "score_max": 100.0}
    with pytest.raises(ValidationFailed, match=r"cmi\.core\.lesson_status"):
        normalise(ScormReport(version="1.2", cmi={"cmi.core.lesson_status": "great"}))
    with pytest.raises(ValidationFailed, match=r"cmi\.core\.score\.raw"):
        normalise(ScormReport(version="1.2", cmi={"cmi.core.score.raw": "lots"}))


def published_package(services, body: bytes):
    item_id = new_item(services, kind="lecture")
    file = attach(services, item_id, body, "pkg.zip")
    unpack_package(JobContext("j", {"sha256": file.sha256}, services.platform, lambda _p: None))
    with services.sessions.begin() as session:
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")
    return item_id, file


def test_results_are_recorded_for_the_signed_in_learner(services, client, make_user, bearer):
    item_id, _ = published_package(services, scorm_12_zip())
    student = bearer(make_user("student"))
    url = f"/api/v1/content/{item_id}/scorm"
    assert client.get(url, headers=student).status_code == 404
    report = {"version": "1.2", "cmi": {"cmi.core.lesson_status": "incomplete"}}
    assert client.post(url, json=report, headers=student).json()["completion"] == "incomplete"
    report["cmi"].update({"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "90"})
    client.post(url, json=report, headers=student)
    mine = client.get(url, headers=student).json()
    assert (mine["completion"], mine["success"], mine["score"]) == ("completed", "passed", 90.0)
    other = bearer(make_user("student"))
    assert client.get(url, headers=other).status_code == 404  # one learner's results only
    assert client.post(url, json=report).status_code == 401


def test_scorm_pages_get_the_runtime_api_and_html5_pages_do_not(services):
    origin = TestClient(create_content_app(services))
    _, scorm_file = published_package(services, scorm_12_zip())
    page = origin.get(path_of(package_url(services.settings, scorm_file.sha256, "sco/index.html")))
    head = page.text.split("<title>")[0]
    assert f'<script src="{SCORM_API}"></script>' in head
    api = origin.get(SCORM_API)
    assert api.status_code == 200 and "LMSInitialize" in api.text and "API_1484_11" in api.text
    _, lab_file = published_package(services, lab_zip())
    lab = origin.get(path_of(package_url(services.settings, lab_file.sha256, "index.html")))
    assert SCORM_API not in lab.text


def test_a_lesson_cannot_store_more_than_scorm_allows(services, client, make_user, bearer):
    """20 MiB of suspend_data was stored before; SCORM 2004 allows 64,000 characters."""
    item_id, _ = published_package(services, scorm_12_zip())
    student = bearer(make_user("student"))
    url = f"/api/v1/content/{item_id}/scorm"
    fits = {"version": "2004", "cmi": {"cmi.suspend_data": "x" * 64_000}}
    assert client.post(url, json=fits, headers=student).status_code == 200
    over = {"version": "2004", "cmi": {"cmi.suspend_data": "x" * 64_001}}
    refused = client.post(url, json=over, headers=student)
    assert refused.status_code == 422 and "cmi.suspend_data" in refused.text
    huge = {"version": "2004", "cmi": {f"cmi.interactions.{n}.id": "x" * 4000 for n in range(400)}}
    too_big = client.post(url, json=huge, headers=student)  # 1.6 MB: over the body limit
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "payload_too_large"


def launch_data(html: str) -> dict | None:
    """What the content page hands the package frame (its name: kholieu-scorm:{json})."""
    match = re.search(r"name='kholieu-scorm:([^']*)'", html)
    return json.loads(html_lib.unescape(match.group(1))) if match else None


def test_launch_carries_the_learners_state_and_entry_per_the_spec(make_user, services):
    user = make_user("student")
    with services.sessions.begin() as session:
        user = session.get(User, user.id)
        user.display_name = "Lê Văn  Nam"
        fresh = launch(None, user, "1.2")["cmi"]
        assert fresh["cmi.core.entry"] == "ab-initio" and "cmi.suspend_data" not in fresh
        assert fresh["cmi.core.student_name"] == "Lê, Văn Nam"
        assert fresh["cmi.core.student_id"] == user.username
        stored = {"cmi.core.lesson_location": "p3", "cmi.suspend_data": "s", "cmi.core.exit": "",
                  "cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "40"}  # fmt: skip
        attempt = ScormAttempt(version="1.2", data=stored)
        resumed = launch(attempt, user, "1.2")["cmi"]
        assert resumed["cmi.core.entry"] == "resume"
        assert (resumed["cmi.core.lesson_location"], resumed["cmi.suspend_data"]) == ("p3", "s")
        assert resumed["cmi.core.score.raw"] == "40" and "cmi.core.exit" not in resumed
        attempt.data = {**stored, "cmi.core.exit": "logout"}  # ended: a new attempt begins
        ended = launch(attempt, user, "1.2")["cmi"]
        assert ended["cmi.core.entry"] == "ab-initio" and "cmi.suspend_data" not in ended
        assert ended["cmi.core.lesson_status"] == "incomplete"
        attempt.data = {"cmi.core.lesson_status": "incomplete", "cmi.core.exit": "suspend"}
        assert launch(attempt, user, "1.2")["cmi"]["cmi.core.entry"] == "ab-initio"  # nothing
        attempt = ScormAttempt(version="2004", data={
            "cmi.location": "5", "cmi.exit": "suspend", "cmi.success_status": "passed",
            "cmi.score.scaled": "0.9"})  # fmt: skip
        later = launch(attempt, user, "2004")["cmi"]
        assert (later["cmi.entry"], later["cmi.location"]) == ("resume", "5")
        assert (later["cmi.success_status"], later["cmi.score.scaled"]) == ("passed", "0.9")
        assert later["cmi.learner_id"] == user.username
        assert later["cmi.learner_name"] == "Lê, Văn Nam"
        assert launch(attempt, user, "1.2")["cmi"]["cmi.core.entry"] == "ab-initio"  # other names


def test_the_content_page_gives_each_student_only_their_own_state(
    services, client, make_user, bearer
):
    item_id, _ = published_package(services, scorm_12_zip())
    lan, minh = make_user("student"), make_user("student")
    saved = {"cmi.core.lesson_location": "bí-mật-của-Lan", "cmi.suspend_data": "<'\"&>",
             "cmi.core.exit": "suspend", "cmi.core.lesson_status": "incomplete"}  # fmt: skip
    url = f"/api/v1/content/{item_id}/scorm"
    assert client.post(url, json={"version": "1.2", "cmi": saved}, headers=bearer(lan)).is_success
    sign_in(client, lan)
    page = client.get(f"/content/{item_id}")
    mine = launch_data(page.text)
    assert page.headers["cache-control"] == "private, no-store"
    assert mine["version"] == "1.2" and mine["cmi"]["cmi.core.entry"] == "resume"
    assert mine["cmi"]["cmi.suspend_data"] == "<'\"&>"  # carried intact, escaped in the page
    assert "<'\"&>" not in page.text
    client.cookies.clear()
    sign_in(client, minh)
    page = client.get(f"/content/{item_id}")
    theirs = launch_data(page.text)
    assert theirs["cmi"]["cmi.core.entry"] == "ab-initio"
    assert theirs["cmi"]["cmi.core.student_id"] == minh.username
    assert "bí-mật-của-Lan" not in page.text and "cmi.suspend_data" not in theirs["cmi"]
    client.cookies.clear()
    visitor = client.get(f"/content/{item_id}")
    assert visitor.status_code == 200 and launch_data(visitor.text) is None
    assert "bí-mật-của-Lan" not in visitor.text
