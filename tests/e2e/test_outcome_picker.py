"""On a phone (390×844), as an editor: the content editor's outcome picker finds "đạo hàm" from
"dao ham" (filtered by the form's grade), an outcome is chosen by touch and another by keyboard,
and the saved item names their codes."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.web import sign_in_browser as sign_in

PASSWORD = "mat-khau-e2e"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_an_editor_picks_outcomes_for_a_lecture(live_server, browser):
    live_server.kholieu("outcomes", "seed")
    live_server.kholieu("users", "create", "bt.yccd", "--role", "editor", "--password-stdin",
                        stdin=PASSWORD + "\n")  # fmt: skip
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, "bt.yccd", PASSWORD)
    page.goto(live_server.base + "/bien-tap/moi")
    page.select_option("select[name=kind]", "lecture")
    page.fill("input[name=title]", "Đạo hàm và ý nghĩa")
    page.select_option("select[name=subject]", "toan")
    page.select_option("select[name=grade]", "11")
    page.fill("[data-testid=body-input]", "Đạo hàm của hàm số tại một điểm.")

    # the picker replaced the text box; "dao ham" (no diacritics) finds the grade 11 outcomes
    expect(page.locator("input[name=yccd_codes]")).to_be_hidden()
    search = page.get_by_test_id("outcome-search")
    search.fill("dao ham")
    options = page.get_by_test_id("outcome-option")
    expect(options.first).to_be_visible()
    codes = options.evaluate_all("(nodes) => nodes.map((n) => n.dataset.code)")
    assert codes and all(code.startswith("TOAN.11.") for code in codes), codes
    options.filter(has_text="TOAN.11.DH.02").tap()
    chip = page.locator(".outcome-chip[data-code='TOAN.11.DH.02']")
    expect(chip).to_contain_text("định nghĩa đạo hàm")
    expect(page.locator("input[name=yccd_codes]")).to_have_value("TOAN.11.DH.02")

    # the keyboard: the first result of "tiep tuyen" by ArrowDown and Enter (the form is not sent)
    search.fill("tiep tuyen")
    expect(options.first).to_be_visible()
    first = options.first.get_attribute("data-code")
    search.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page.locator(f".outcome-chip[data-code='{first}']")).to_be_visible()
    assert page.url.endswith("/bien-tap/moi")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"

    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_test_id("item-status")).to_have_text("Bản nháp")
    saved = page.locator("input[name=yccd_codes]")
    expect(saved).to_have_value(f"TOAN.11.DH.02, {first}")
    expect(page.locator(".outcome-chip[data-code='TOAN.11.DH.02']")).to_contain_text(
        "định nghĩa đạo hàm"
    )  # the item's chips carry their text, fetched from the API
    item = int(page.url.rstrip("/").rsplit("/", 1)[1])
    shown = live_server.kholieu("content", "show", str(item), "--json")
    assert "TOAN.11.DH.02" in shown
    context.close()
