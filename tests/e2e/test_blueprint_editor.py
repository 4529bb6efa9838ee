"""A teacher edits a blueprint as a table in Chromium: the server's check shows the totals and
the cells the bank cannot fill, then the quiz is created from the edited matrix."""

from __future__ import annotations

import json
import re

from tests.support.bank import body
from tests.support.web import sign_in_browser as sign_in


def test_edit_a_preset_matrix_until_the_bank_can_fill_it(live_server, browser, tmp_path):
    lines = [{"type": "single_choice", **body("single_choice", 900 + n), "subject": "hoa-hoc",
              "grade": 11, "level": "nhan_biet"} for n in range(3)]  # fmt: skip
    bank = tmp_path / "hoa.jsonl"
    bank.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    live_server.kholieu("questions", "import", str(bank), "--status", "ready")

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in(page, live_server.base)
    page.goto(live_server.base + "/bai-kiem-tra/moi")
    page.locator("select[name=subject]").select_option("hoa-hoc")
    page.locator("input[name=grade]").fill("11")
    page.get_by_test_id("edit-exam-2025").click()
    sections = page.get_by_test_id("matrix-section")
    sections.first.wait_for()
    assert sections.count() == 3
    check = page.get_by_test_id("matrix-check")
    page.get_by_text("thiếu", exact=False).first.wait_for()
    assert "28" in check.inner_text() and "ngân hàng có 3 (thiếu 4)" in check.inner_text()
    assert "Nhận biết" in check.inner_text() and "nhan_biet" not in check.inner_text()

    sections.nth(2).get_by_role("button", name="Bỏ phần này").click()
    sections.nth(1).get_by_role("button", name="Bỏ phần này").click()
    counts = sections.first.get_by_test_id("matrix-row").first.locator("input[type=number]")
    for index, value in enumerate(["3", "0", "0", "0"]):
        counts.nth(index).fill(value)
    page.get_by_text("3 câu, 0.75 điểm", exact=False).wait_for()
    assert "thiếu" not in check.inner_text()
    page.locator("input[name=title]").fill("Kiểm tra nhanh Hóa 11")
    page.get_by_role("button", name="Tạo và xem trước").click()
    page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
    assert page.locator("[data-testid=preview] li.card").count() == 3
    page.close()
