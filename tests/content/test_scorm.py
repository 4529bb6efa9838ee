"""SCORM: results normalised for both versions, recorded per learner, API injected into pages."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from kholieu.content.packages.origin import SCORM_API, create_content_app, package_url
from kholieu.content.packages.scorm import ScormReport, normalise
from kholieu.content.tasks import unpack_package
from kholieu.demo.scorm import scorm_12_zip
from kholieu.errors import ValidationFailed
from kholieu.jobs.queue import JobContext
from tests.support.content import attach, lab_zip, new_item, path_of


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
