"""A lesson resumes where the student left it, on a phone: SCORM 1.2 and 2004 names, and a
second student who opens the same lesson starts from the beginning, with nothing of the
first student's."""

from __future__ import annotations

import pytest

from kholieu.demo.scorm import bookmark_zip
from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in

PHONE = {"width": 390, "height": 844}


def student(live_server, username: str, name: str) -> None:
    live_server.kholieu(
        "users", "create", username, "--role", "student", "--password-stdin",
        "--display-name", name, stdin=E2E_PASSWORD + "\n",
    )  # fmt: skip


def stored(page, item_id: int) -> dict | None:
    """The student's stored result, once the bridge has sent it (polled, not slept on)."""
    url = f"/api/v1/content/{item_id}/scorm"
    for _ in range(100):
        result = page.evaluate(f"fetch('{url}').then(r => r.ok ? r.json() : null)")
        if result and result["completion"] == "incomplete":
            return result
        page.wait_for_timeout(100)
    return None


@pytest.mark.parametrize(
    ("version", "readonly"),
    [("1.2", "false/403"), ("2004", "false/404")],  # SetValue on cmi(.core).entry, per edition
)
def test_a_lesson_resumes_for_its_student_and_no_one_else(live_server, browser, version, readonly):
    item_id = live_server.import_item(
        f"doc-tiep-{version}.zip", bookmark_zip(version), title=f"Đọc tiếp {version}",
        kind="lecture", subject="ngu-van", grade=7,
    )  # fmt: skip
    first, second = f"hs.lan.{version}", f"hs.minh.{version}"
    student(live_server, first, "Nguyễn Thị Lan")
    student(live_server, second, "Trần Minh")

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, first)
    page.goto(f"{live_server.base}/content/{item_id}")
    lesson = page.frame_locator("[data-testid=package-frame]")
    assert lesson.locator("#entry").inner_text() == "ab-initio"
    assert lesson.locator("#location").inner_text() == ""
    assert lesson.locator("#suspend").inner_text() == ""
    assert lesson.locator("#learner").inner_text() == "Nguyễn, Thị Lan"
    assert lesson.locator("#readonly").inner_text() == readonly
    lesson.locator("#save").click()
    assert lesson.locator("#saved").inner_text() == "Đã lưu"
    assert stored(page, item_id) is not None
    page.close()  # the student closes the lesson …

    page = context.new_page()  # … and opens it again
    page.goto(f"{live_server.base}/content/{item_id}")
    lesson = page.frame_locator("[data-testid=package-frame]")
    assert lesson.locator("#entry").inner_text() == "resume"
    assert lesson.locator("#location").inner_text() == "trang-3"
    assert lesson.locator("#suspend").inner_text() == '{"trang":[1,2,3]}'
    context.close()

    other = browser.new_context(viewport=PHONE)
    page = other.new_page()
    sign_in(page, live_server.base, second)
    page.goto(f"{live_server.base}/content/{item_id}")
    lesson = page.frame_locator("[data-testid=package-frame]")
    assert lesson.locator("#learner").inner_text() == "Trần, Minh"
    assert lesson.locator("#entry").inner_text() == "ab-initio"
    assert lesson.locator("#location").inner_text() == ""
    assert lesson.locator("#suspend").inner_text() == ""
    assert "trang-3" not in page.content()
    other.close()

    visitor = browser.new_context(viewport=PHONE)  # not signed in: runs, nothing restored
    page = visitor.new_page()
    page.goto(f"{live_server.base}/content/{item_id}")
    lesson = page.frame_locator("[data-testid=package-frame]")
    assert lesson.locator("#entry").inner_text() == "ab-initio"
    assert lesson.locator("#location").inner_text() == ""
    visitor.close()
