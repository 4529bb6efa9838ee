"""A student opens a SCORM 1.2 package; its score reaches the server through the bridge."""

from __future__ import annotations

import json

import pytest

from kholieu.demo.scorm import scorm_12_zip
from tests.e2e.conftest import E2E_PASSWORD

pytestmark = pytest.mark.e2e


def test_scorm_score_is_recorded_for_the_student(live_server, browser):
    (live_server.data / "scorm.zip").write_bytes(scorm_12_zip())
    (live_server.data / "scorm.jsonl").write_text(
        json.dumps(
            {
                "title": "Ôn tập phân số",
                "kind": "lecture",
                "subject": "toan",
                "grade": 6,
                "file": "scorm.zip",
                "status": "published",
            }
        )
    )
    report = json.loads(
        live_server.kholieu(
            "content", "import", str(live_server.data / "scorm.jsonl"), "--json", "--wait"
        )
    )
    item_id = report["ids"][0]
    live_server.kholieu(
        "users",
        "create",
        "hoc.sinh",
        "--role",
        "student",
        "--password-stdin",
        stdin=E2E_PASSWORD + "\n",
    )
    page = browser.new_page()
    page.goto(live_server.base + "/login")
    page.fill("input[name=username]", "hoc.sinh")
    page.fill("input[name=password]", E2E_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(live_server.base + "/")
    page.goto(f"{live_server.base}/content/{item_id}")
    package = page.frame_locator("[data-testid=package-frame]")
    package.locator("#answer").click()
    assert package.locator("#result").inner_text() == "Đúng! 85"
    url = f"/api/v1/content/{item_id}/scorm"
    result = None
    for _ in range(50):
        result = page.evaluate(f"fetch('{url}').then(r => r.ok ? r.json() : null)")
        if result and result["success"] == "passed":
            break
        page.wait_for_timeout(100)
    assert result is not None
    assert (result["completion"], result["success"], result["score"]) == (
        "completed",
        "passed",
        85.0,
    )
    page.close()
