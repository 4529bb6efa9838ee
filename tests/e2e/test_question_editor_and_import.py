"""A teacher writes a question with a formula and sees it typeset as she types, saves it, then
imports a Word test in the Vietnamese layout and reads the per-question report; on a phone."""

from __future__ import annotations

import re

from docx import Document

from tests.support.docx import add
from tests.support.web import sign_in_browser as sign_in


def test_editor_preview_then_import_a_word_test(live_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    sign_in(page, live_server.base, "co.hoa", "mat-khau-e2e")
    page.goto(live_server.base + "/cau-hoi/moi")
    assert page.locator("input[name=answer_text]").is_hidden()  # fields follow the type
    assert page.locator(".statement-rows").is_hidden()
    page.fill("textarea[name=stem]", "Nghiệm của phương trình $x^2 - 5x + 6 = 0$ là")
    options = page.locator("textarea[name=option]")
    for i, text in enumerate(["$x = 2$; $x = 3$", "$x = 1$", "$x = 6$", "Vô nghiệm"]):
        options.nth(i).fill(text)
    page.locator("[data-testid=preview] .katex").nth(3).wait_for()  # typeset by KaTeX
    assert "x" in page.inner_text("[data-testid=preview] .stem .katex")
    page.locator("[data-testid=editor-no-key]").wait_for()  # no key chosen yet: a draft only
    assert "nháp" in page.inner_text("[data-testid=editor-no-key]")
    page.locator("input[name=key]").first.check()
    page.locator("[data-testid=editor-no-key]").wait_for(state="hidden")
    assert page.locator("[data-testid=editor-error]").is_hidden()
    page.select_option("select[name=subject]", "toan")
    page.click("#question-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cau-hoi/\d+$"))

    document = Document()
    add(document, ("Câu 1:", {"bold": True}), " Thủ đô của Việt Nam là")
    add(document, ("A.", {"underline": True}), " Hà Nội\t", "B. Huế\t", "C. Vinh\t", "D. Hội An")
    add(document, ("Câu 2:", {"bold": True}), " Câu này chưa có đáp án")
    add(document, "A. một")
    add(document, "B. hai")
    path = tmp_path / "de-15-phut.docx"
    document.save(path)
    page.goto(live_server.base + "/cau-hoi/nhap")
    page.set_input_files("input[type=file]", str(path))
    page.select_option("select[name=grade]", "10")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("[data-testid=import-summary]", timeout=30_000)
    summary = page.inner_text("[data-testid=import-summary]")
    assert summary == "Đã nhập: 2 · Trùng với câu đã có: 0 · Bị từ chối: 0"
    assert page.inner_text("[data-testid=import-by-type]") == "Nhiều lựa chọn: 2"
    report = page.inner_text("[data-testid=import-report]")
    assert "Câu 2 · Dòng 3" in report and "chưa có đáp án" in report
    assert page.get_attribute("[data-testid=import-progress]", "value") == "100"

    # The question without a key came in as a draft: the teacher finds it and sets the key.
    page.click("[data-testid=import-no-key]")
    cards = page.locator("[data-testid=question-card]")
    assert cards.count() == 1 and "Câu này chưa có đáp án" in cards.first.inner_text()
    assert cards.first.locator("[data-testid=no-key]").is_visible()
    cards.first.locator("a", has_text="Xem và sửa").click()
    page.locator("[data-testid=editor-no-key]").wait_for()
    page.locator("input[name=key]").nth(1).check()
    page.locator("[data-testid=editor-no-key]").wait_for(state="hidden")
    page.click("#question-form button[type=submit]")
    page.locator("[data-testid=editor-status]", has_text="Đã lưu").wait_for()
    page.goto(live_server.base + "/cau-hoi")
    page.click("[data-testid=keyless-filter]")
    assert page.locator("[data-testid=question-card]").count() == 0
    page.goto(live_server.base + "/cau-hoi?grade=10")
    assert "Hà Nội" in page.inner_text("ol.questions")
    context.close()
