"""On a phone (390×844): an editor writes a lecture with a formula (previewed live with KaTeX),
edits its title after creation, sees it as a learner would, submits it and cannot approve it;
a second editor publishes it, and a student then reads it with the formula typeset."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.web import sign_in_browser as sign_in

PASSWORD = "mat-khau-e2e"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
TEXT = (
    "## Định lí Pythagore\n\nTrong tam giác vuông: $a^2 + b^2 = c^2$.\n\n$$c = \\sqrt{a^2 + b^2}$$"
)


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"


def test_an_editor_writes_a_lecture_a_second_editor_publishes_it(live_server, browser):
    for name, role in (
        ("tac.gia", "editor"),
        ("nguoi.duyet", "editor"),
        ("hoc.sinh.doc", "student"),
    ):
        live_server.kholieu(
            "users", "create", name, "--role", role, "--password-stdin",
            "--display-name", {"tac.gia": "Cô Lan", "nguoi.duyet": "Thầy Minh"}.get(name, "Em Hà"),
            stdin=PASSWORD + "\n",
        )  # fmt: skip
    author = browser.new_context(**PHONE)
    page = author.new_page()
    sign_in(page, live_server.base, "tac.gia", PASSWORD)

    # writing: the preview typesets the formula as it is typed
    page.goto(live_server.base + "/bien-tap/moi")
    page.select_option("select[name=kind]", "lecture")
    page.fill("input[name=title]", "Định lí Pitago")
    page.select_option("select[name=subject]", "toan")
    page.select_option("select[name=grade]", "8")
    page.fill("[data-testid=body-input]", TEXT)
    preview = page.get_by_test_id("body-preview")
    expect(preview.locator("h2")).to_have_text("Định lí Pythagore")
    expect(preview.locator(".katex").first).to_be_visible()
    expect(preview.locator(".katex-display")).to_have_count(1)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_test_id("item-status")).to_have_text("Bản nháp")
    item_url = page.url
    item_id = int(item_url.rstrip("/").rsplit("/", 1)[1])

    # editing the title after creation
    edit = page.get_by_test_id("edit-form")
    edit.locator("input[name=title]").fill("Định lí Py-ta-go")
    edit.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("h1")).to_have_text("Định lí Py-ta-go")
    history = page.get_by_test_id("history")
    expect(history.locator("li").last).to_contain_text("Cô Lan · Sửa")
    expect(history.locator("li").first).to_contain_text("Cô Lan · Tạo")
    no_horizontal_scroll(page)

    # as a learner would see it, still a draft
    page.get_by_test_id("preview-as-learner").click()
    expect(page.get_by_test_id("preview-banner")).to_contain_text("Học sinh chưa xem được")
    expect(page.locator(".content-item .body .katex-display")).to_have_count(1)
    page.goto(item_url)

    # submitted, it cannot be approved by its author: no button, and the API refuses
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_test_id("item-status")).to_have_text("Chờ duyệt")
    expect(page.get_by_test_id("own-submission")).to_be_visible()
    expect(page.get_by_role("button", name="Duyệt và xuất bản")).to_have_count(0)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    refused = page.request.post(
        f"{live_server.base}/api/v1/content/{item_id}/approve", headers={"X-CSRF-Token": token}
    )
    assert refused.status == 403 and refused.json()["error"]["code"] == "own_submission"
    page.reload()
    expect(page.get_by_test_id("item-status")).to_have_text("Chờ duyệt")

    # the student cannot see it yet, not even through the preview
    student = browser.new_context(**PHONE)
    reader = student.new_page()
    sign_in(reader, live_server.base, "hoc.sinh.doc", PASSWORD)
    for url in (f"/content/{item_id}", f"/bien-tap/{item_id}/xem-nhu-hoc-sinh"):
        assert reader.goto(live_server.base + url).status == 404, url

    # a second editor publishes it
    second = browser.new_context(**PHONE)
    reviewer = second.new_page()
    sign_in(reviewer, live_server.base, "nguoi.duyet", PASSWORD)
    reviewer.goto(item_url)
    reviewer.get_by_role("button", name="Duyệt và xuất bản").click()
    expect(reviewer.get_by_test_id("item-status")).to_have_text("Đã xuất bản")
    expect(reviewer.get_by_test_id("history").locator("li").last).to_contain_text(
        re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} · Thầy Minh · Duyệt")
    )

    # and the student reads it, the formulas typeset by KaTeX
    response = reader.goto(f"{live_server.base}/content/{item_id}")
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text("Định lí Py-ta-go")
    body = reader.locator(".content-item .body")
    expect(body.locator(".katex-display")).to_have_count(1)
    expect(body.locator(".katex").first).to_be_visible()
    assert "$" not in body.inner_text()
    no_horizontal_scroll(reader)
    for context in (author, second, student):
        context.close()
