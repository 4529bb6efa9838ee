"""The quiz form on a phone (390×844): a teacher sets versions, codes, the window in Vietnam
time, attempts, review and shuffling; wrong fields are told beside them with what was typed
kept, and once corrected the quiz page shows the settings."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.support.bank import body
from tests.support.web import sign_in_browser as sign_in

PHONE = {"width": 390, "height": 844}
FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"
PLAN = ("title: Địa 10 – 15 phút\nsubject: dia-li\ngrade: 10\nduration_min: 15\n"
        "sections:\n  - title: PHẦN I\n    type: single_choice\n    points_each: 1\n"
        "    rows:\n      - counts: {van_dung: 2}\n")  # fmt: skip


def _in_view(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.evaluate("innerWidth") + 0.5


def test_the_quiz_form_on_a_phone(live_server, browser, tmp_path):
    lines = [{"type": "single_choice", **body("single_choice", 980 + n), "subject": "dia-li",
              "grade": 10, "level": "van_dung"} for n in range(2)]  # fmt: skip
    bank = tmp_path / "dia.jsonl"
    bank.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    live_server.kholieu("questions", "import", str(bank), "--status", "ready")

    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.base)
    page.goto(live_server.base + "/bai-kiem-tra/moi")
    expect(page.locator("textarea[name=blueprint]")).to_be_hidden()  # until chosen
    page.get_by_role("radio", name="Ma trận của tôi (YAML hoặc JSON)").check()
    expect(page.locator("textarea[name=blueprint]")).to_be_visible()
    page.get_by_label("Ma trận (YAML hoặc JSON)").fill(PLAN)
    page.get_by_label("Tên bài").fill("Địa 10 trên điện thoại")
    page.get_by_label("Số lần làm bài").fill("0")
    page.get_by_label("Số mã đề").fill("2")
    page.get_by_label("Các mã đề", exact=False).fill("D1")
    page.get_by_label("Mở lúc").fill("2030-05-20T07:30")
    page.get_by_label("Đóng lúc").fill("2030-05-20T07:00")
    page.get_by_label("Học sinh xem điểm và đáp án").select_option("after_close")
    page.get_by_label("Trộn thứ tự câu hỏi").select_option("0")
    page.get_by_role("button", name="Tạo và xem trước").click()

    expect(page.get_by_test_id("quiz-form-error")).to_be_visible()
    for field, words in (("max_attempts", "từ 1 đến 100"), ("codes", "Cần đúng 2 mã đề"),
                         ("closes_at", "phải sau giờ mở bài")):  # fmt: skip
        problem = page.get_by_test_id(f"error-{field}")
        expect(problem).to_contain_text(words)
        _in_view(page, problem)
        # beside its field: the field names it, and it sits right under the field
        entry = page.locator(f"[name={field}]")
        expect(entry).to_have_attribute("aria-describedby", re.compile(f"loi-{field}"))
        assert 0 <= problem.bounding_box()["y"] - entry.bounding_box()["y"] < 150
    expect(page.get_by_test_id("error-versions")).to_have_count(0)
    assert page.evaluate(FITS)
    # what was typed is still there
    expect(page.get_by_label("Tên bài")).to_have_value("Địa 10 trên điện thoại")
    expect(page.get_by_label("Số lần làm bài")).to_have_value("0")
    expect(page.get_by_label("Mở lúc")).to_have_value("2030-05-20T07:30")
    expect(page.get_by_label("Học sinh xem điểm và đáp án")).to_have_value("after_close")
    expect(page.get_by_label("Trộn thứ tự câu hỏi")).to_have_value("0")
    expect(page.locator("textarea[name=blueprint]")).to_have_value(re.compile("subject: dia-li"))

    page.get_by_label("Số lần làm bài").fill("2")
    page.get_by_label("Các mã đề", exact=False).fill("D1, D2")
    page.get_by_label("Đóng lúc").fill("2030-05-20T08:15")
    page.get_by_role("button", name="Tạo và xem trước").click()
    page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
    settings = page.get_by_test_id("quiz-settings")
    expect(settings).to_contain_text("Số lần làm: 2")
    expect(settings).to_contain_text("sau khi bài đóng")
    expect(settings).to_contain_text("Mở lúc 07:30 20/05/2030")
    expect(settings).to_contain_text("Đóng lúc 08:15 20/05/2030")
    expect(page.locator("p.meta").first).to_contain_text("D1, D2")
    assert page.evaluate(FITS)
    page.close()
