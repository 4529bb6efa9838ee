"""A teacher makes a matrix row target learning outcomes in the table editor (Chromium): the
codes typed in the row's outcome field go into the blueprint, and the server's check names
the codes the catalogue does not hold."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.support.web import sign_in_browser as sign_in


def test_a_row_targets_outcomes_typed_comma_separated(live_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(page, live_server.base)
    page.goto(live_server.base + "/bai-kiem-tra/moi")
    page.get_by_test_id("edit-exam-2025").click()
    row = page.get_by_test_id("matrix-row").first
    field = row.locator("input[data-outcome-picker]")
    expect(field).to_have_attribute("data-subject", "toan")
    field.fill("toan.12.zz.01, TOAN.12.ZZ.02")
    expect(page.get_by_test_id("matrix-check")).to_contain_text(
        "không có trong danh mục yêu cầu cần đạt: TOAN.12.ZZ.01, TOAN.12.ZZ.02"
    )
    plan = json.loads(page.locator("textarea[name=blueprint]").input_value())
    assert plan["sections"][0]["rows"][0]["outcomes"] == ["toan.12.zz.01", "TOAN.12.ZZ.02"]
    assert field.get_attribute("name") is None  # the codes travel in the blueprint only
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.close()
