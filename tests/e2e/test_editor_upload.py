"""An editor creates an item, uploads its PDF with a progress bar, and publishes it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.content import PDF
from tests.support.web import sign_in_browser as sign_in


def test_editor_uploads_and_publishes(live_server, browser, tmp_path):
    live_server.kholieu(
        "users",
        "create",
        "bien.tap",
        "--role",
        "editor",
        "--password-stdin",
        stdin="mat-khau-e2e\n",
    )
    pdf = tmp_path / "sgk-toan-9.pdf"
    pdf.write_bytes(PDF)
    page = browser.new_page()
    sign_in(page, live_server.base, "bien.tap", "mat-khau-e2e")
    page.goto(live_server.base + "/bien-tap/moi")
    page.select_option("select[name=kind]", "document")
    page.fill("input[name=title]", "Sách giáo khoa Toán 9")
    page.select_option("select[name=subject]", "toan")
    page.select_option("select[name=grade]", "9")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("form[data-upload]")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_selector("[data-testid=file-info]", timeout=30_000)  # reloaded when done
    assert "sgk-toan-9.pdf · application/pdf" in page.inner_text("[data-testid=file-info]")
    page.click("text=Gửi duyệt")
    expect(page.get_by_test_id("item-status")).to_have_text("Chờ duyệt")
    item_url = page.url
    page.close()
    # nobody approves their own submission: a second editor publishes it
    live_server.kholieu(
        "users", "create", "bien.tap.duyet", "--role", "editor", "--password-stdin",
        stdin="mat-khau-e2e\n",
    )  # fmt: skip
    page = browser.new_page()
    sign_in(page, live_server.base, "bien.tap.duyet", "mat-khau-e2e")
    page.goto(item_url)
    page.click("text=Duyệt và xuất bản")
    assert page.inner_text("[data-testid=item-status]") == "Đã xuất bản"
    page.click("text=Xem trang học liệu")
    page.wait_for_selector("[data-testid=pdf-frame]")
    page.close()


def test_on_a_phone_an_upload_whose_check_waits_for_storage_says_so_and_ends_done(
    live_server, browser, tmp_path
):
    """While the store or the database is away, the check job waits ("retrying", its error
    saying for what) and a status poll may get a 503: the page says what it waits for, keeps
    polling, and ends as the upload does. Those two answers are injected into the page's
    polls (the server side of an outage is tests/content/test_storage_outages.py); the
    upload, its job and the final answers are the server's own."""
    live_server.kholieu(
        "users", "create", "bien.tap.2", "--role", "editor", "--password-stdin",
        stdin="mat-khau-e2e\n",
    )  # fmt: skip
    pdf = tmp_path / "de-cuong.pdf"
    pdf.write_bytes(PDF)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.base, "bien.tap.2", "mat-khau-e2e")
    page.goto(live_server.base + "/bien-tap/moi")
    page.select_option("select[name=kind]", "document")
    page.fill("input[name=title]", "Đề cương ôn tập")
    page.select_option("select[name=subject]", "toan")
    page.select_option("select[name=grade]", "9")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("form[data-upload]")

    seen: list[str] = []
    waiting = "đang chờ kho lưu trữ / storage: S3 endpoint unreachable"

    def outage(route):
        seen.append(route.request.url)
        if len(seen) == 1:
            route.fulfill(
                status=503,
                json={"error": {"code": "database_unavailable", "message": "…", "details": None}},
            )
        elif len(seen) == 2:
            route.fulfill(json={"id": "x", "status": "retrying", "progress": 0.0, "error": waiting})
        else:
            route.continue_()

    page.route("**/api/v1/jobs/*", outage)
    status = page.locator(".upload-status")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_function(
        "text => document.querySelector('.upload-status').textContent.includes(text)",
        arg=waiting, timeout=30_000,
    )  # fmt: skip
    assert status.inner_text().startswith("Đang kiểm tra tệp")
    page.wait_for_selector("[data-testid=file-info]", timeout=30_000)  # reloaded when done
    assert "de-cuong.pdf · application/pdf" in page.inner_text("[data-testid=file-info]")
    assert len(seen) >= 3
    context.close()
