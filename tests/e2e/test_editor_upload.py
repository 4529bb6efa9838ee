"""An editor creates an item, uploads its PDF with a progress bar, and publishes it."""

from __future__ import annotations

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
    page.click("text=Duyệt và xuất bản")
    assert page.inner_text("[data-testid=item-status]") == "Đã xuất bản"
    page.click("text=Xem trang học liệu")
    page.wait_for_selector("[data-testid=pdf-frame]")
    page.close()
