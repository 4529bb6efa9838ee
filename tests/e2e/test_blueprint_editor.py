"""A teacher edits a blueprint as a table in Chromium: the server's check shows the totals and
the cells the bank cannot fill, then the quiz is created from the edited matrix."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

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
    page.get_by_text("3 câu, 0,75 điểm", exact=False).wait_for()
    assert "thiếu" not in check.inner_text()
    page.locator("input[name=title]").fill("Kiểm tra nhanh Hóa 11")
    page.get_by_role("button", name="Tạo và xem trước").click()
    page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
    assert page.locator("[data-testid=preview] li.card").count() == 3
    page.close()


PHONE = {"width": 390, "height": 844}
FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"


def assert_reachable_and_labelled(page, scope: str) -> int:
    """Every field and button in ``scope`` can be scrolled to and lies inside the screen's
    width; every field has a label. Returns how many were checked."""
    controls = page.locator(f"{scope} input:visible, {scope} select:visible, "
                            f"{scope} textarea:visible, {scope} button:visible")  # fmt: skip
    width = page.evaluate("window.innerWidth")
    for index in range(controls.count()):
        control = controls.nth(index)
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, control.evaluate(
            "e => e.outerHTML"
        )
        kind = control.evaluate("e => e.tagName")
        if kind != "BUTTON" and control.get_attribute("type") != "hidden":
            assert control.evaluate("e => e.labels.length > 0"), control.evaluate(
                "e => e.outerHTML"
            )
    return controls.count()


def test_the_blueprint_editor_fits_a_phone(live_server, browser, tmp_path):
    """390×844: each PHẦN a card, levels as labelled numbers, no sideways scroll, no JSON box;
    the preset radios are small and beside their names; then the edited matrix makes a quiz."""
    lines = [{"type": "single_choice", **body("single_choice", 960 + n), "subject": "sinh-hoc",
              "grade": 10, "level": "thong_hieu"} for n in range(2)]  # fmt: skip
    bank = tmp_path / "sinh.jsonl"
    bank.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    live_server.kholieu("questions", "import", str(bank), "--status", "ready")

    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.base)
    page.goto(live_server.base + "/bai-kiem-tra/moi")
    assert page.evaluate(FITS)
    preset = page.get_by_role("radio", name="Đề thi tốt nghiệp THPT 2025")
    radio = preset.bounding_box()
    name = page.locator("label.choice", has=preset).locator("span").bounding_box()
    assert radio["width"] <= 24 and radio["height"] <= 24  # a normal radio, not a 44 px circle
    assert name["x"] >= radio["x"] + radio["width"]  # beside its label, to its right
    assert name["y"] <= radio["y"] + radio["height"] / 2 <= name["y"] + name["height"]

    page.get_by_label("Môn học").select_option("sinh-hoc")
    page.get_by_label("Lớp", exact=True).fill("10")
    page.get_by_test_id("edit-exam-2025").click()
    sections = page.get_by_test_id("matrix-section")
    expect(sections).to_have_count(3)
    expect(page.get_by_test_id("matrix-check")).not_to_be_empty()
    expect(page.locator("textarea[name=blueprint]")).to_be_hidden()  # no raw JSON box
    assert page.evaluate(FITS)
    assert assert_reachable_and_labelled(page, "#matrix") > 30
    first = sections.first
    expect(first.get_by_label("Tên phần")).to_have_value(re.compile("PHẦN I"))
    levels = first.get_by_test_id("matrix-row").first
    for level in ("Nhận biết", "Thông hiểu", "Vận dụng", "Vận dụng cao"):
        expect(levels.get_by_label(level, exact=True)).to_be_visible()

    sections.nth(2).get_by_role("button", name="Bỏ phần này").click()
    sections.nth(1).get_by_role("button", name="Bỏ phần này").click()
    expect(sections).to_have_count(1)
    rows = first.get_by_test_id("matrix-row")
    while rows.count() > 1:
        rows.last.get_by_role("button", name="Bỏ dòng").click()
    for level, value in (("Nhận biết", "0"), ("Thông hiểu", "2"), ("Vận dụng", "0"),
                         ("Vận dụng cao", "0")):  # fmt: skip
        rows.first.get_by_label(level, exact=True).fill(value)
    check = page.get_by_test_id("matrix-check")
    expect(check).to_contain_text("2 câu, 0,5 điểm (Thông hiểu 0,5 điểm)")
    assert "thong_hieu" not in check.inner_text()
    assert page.evaluate(FITS)
    page.get_by_label("Tên bài").fill("Sinh 10 trên điện thoại")
    page.get_by_role("button", name="Tạo và xem trước").click()
    page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
    expect(page.locator("[data-testid=preview] li.card")).to_have_count(2)
    page.close()
