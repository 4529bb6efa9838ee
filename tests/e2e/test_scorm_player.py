"""A student opens a SCORM 1.2 package; its score reaches the server through the bridge."""

from __future__ import annotations

from kholieu.demo.scorm import scorm_12_zip
from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in


def test_scorm_score_is_recorded_for_the_student(live_server, browser):
    item_id = live_server.import_item(
        "scorm.zip",
        scorm_12_zip(),
        title="Ôn tập phân số",
        kind="lecture",
        subject="toan",
        grade=6,
    )
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
    sign_in(page, live_server.base, "hoc.sinh")
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
