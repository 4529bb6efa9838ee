"""The question editor on a phone (390×844): options lettered A, B, C…; the "đúng" marker
follows the type (radios for single choice, checkboxes for multiple response, Đúng/Sai per
statement); removing an option asks first; problems show only after a try to save; saving a
question the bank already holds warns and links to it, and saves a second only when asked."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in

PHONE = {"width": 390, "height": 844}
FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"
STEM = "Khối lượng riêng của nước ở $4^\\circ C$ là bao nhiêu kg/m³? (soạn trên điện thoại)"


def _write(page, stem: str) -> None:
    page.get_by_label("Đề bài", exact=False).fill(stem)
    for letter, text in zip("ABCD", ["1000", "100", "10", "1"], strict=True):
        page.get_by_label(f"Phương án {letter}", exact=True).fill(text)
    page.get_by_role("radio", name="Phương án A là đáp án đúng").check()


def _mine(page, base: str) -> list[int]:
    """The questions of this test in the bank (the newest hundred hold them)."""
    listed = page.request.get(base + "/api/v1/questions", params={"size": 100}).json()
    return [q["id"] for q in listed["items"] if "soạn trên điện thoại" in q["data"]["stem"]]


def test_the_question_editor_on_a_phone(live_server, browser):
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.base)
    page.goto(live_server.base + "/cau-hoi/moi")
    expect(page.locator("[data-testid=preview] .stem")).to_have_count(1)  # the preview ran
    expect(page.get_by_test_id("editor-error")).to_be_hidden()  # an empty form: no problem yet
    expect(page.locator(".option-row .letter")).to_have_text(["A", "B", "C", "D"])
    assert page.evaluate(FITS)

    # single choice: one radio group, so one key
    page.get_by_role("radio", name="Phương án B là đáp án đúng").check()
    page.get_by_role("radio", name="Phương án C là đáp án đúng").check()
    expect(page.get_by_role("radio", name="Phương án B là đáp án đúng")).not_to_be_checked()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    # multiple response: checkboxes, several keys
    page.get_by_label("Dạng câu hỏi").select_option("multiple_response")
    expect(page.get_by_role("checkbox", name=re.compile("là đáp án đúng"))).to_have_count(4)
    page.get_by_role("checkbox", name="Phương án A là đáp án đúng").check()
    expect(page.get_by_role("checkbox", name="Phương án C là đáp án đúng")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Phương án A là đáp án đúng")).to_be_checked()
    # the 2025 true/false type: Đúng or Sai for each statement
    page.get_by_label("Dạng câu hỏi").select_option("true_false_group")
    for label in "abcd":
        group = page.get_by_role("radiogroup", name=f"Mệnh đề {label}")
        expect(group.get_by_role("radio")).to_have_count(2)
    page.get_by_role("radiogroup", name="Mệnh đề a").get_by_label("Sai").check()
    page.get_by_role("radiogroup", name="Mệnh đề a").get_by_label("Đúng").check()
    expect(page.get_by_role("radiogroup", name="Mệnh đề a").get_by_label("Sai")).not_to_be_checked()
    page.get_by_label("Dạng câu hỏi").select_option("single_choice")
    markers = page.get_by_role("radio", name=re.compile("là đáp án đúng"))
    expect(markers).to_have_count(4)
    expect(page.locator("input[name=key]:checked")).to_have_count(1)  # one key kept of two

    # removing an option is a danger button that asks first
    remove = page.get_by_role("button", name="Xoá phương án D")
    assert "danger" in remove.get_attribute("class")
    assert remove.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    remove.click()
    expect(page.locator(".option-row")).to_have_count(4)  # "Huỷ": nothing removed
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    remove.click()
    expect(page.locator(".option-row")).to_have_count(3)
    assert asked == ["Xoá phương án D? Nội dung của phương án này sẽ mất."] * 2
    expect(page.locator(".option-row .letter")).to_have_text(["A", "B", "C"])
    page.get_by_role("button", name="+ Thêm phương án").click()
    expect(page.locator(".option-row .letter")).to_have_text(["A", "B", "C", "D"])

    # a try to save the empty question shows its problem, nothing is stored
    page.get_by_test_id("save-question").click()
    expect(page.get_by_test_id("editor-error")).to_be_visible()
    assert page.url.endswith("/cau-hoi/moi")
    _write(page, STEM)
    expect(page.get_by_test_id("editor-error")).to_be_hidden()  # follows the correction
    page.get_by_test_id("save-question").click()
    page.wait_for_url(re.compile(r".*/cau-hoi/\d+$"))
    first = page.url.rsplit("/", 1)[1]

    # the same question again, typed a little differently: warned, linked, not saved
    page.goto(live_server.base + "/cau-hoi/moi")
    _write(page, STEM.replace("Khối lượng riêng", "khối lượng  riêng"))
    page.get_by_test_id("save-question").click()
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"câu #{first}")
    expect(page.get_by_test_id("duplicate-link")).to_have_attribute("href", f"/cau-hoi/{first}")
    assert page.url.endswith("/cau-hoi/moi")  # nothing saved
    assert page.evaluate(FITS)
    page.get_by_test_id("save-question").click()  # saving again is refused again
    expect(warning).to_be_visible()
    assert len(_mine(page, live_server.base)) == 1
    # the teacher chooses to keep both: a second question, on purpose
    page.get_by_test_id("save-anyway").click()
    page.wait_for_url(re.compile(r".*/cau-hoi/\d+$"))
    assert page.url.rsplit("/", 1)[1] != first
    assert len(_mine(page, live_server.base)) == 2
    # …or goes to the one already there
    page.goto(live_server.base + "/cau-hoi/moi")
    _write(page, STEM)
    page.get_by_test_id("save-question").click()
    page.get_by_test_id("duplicate-link").click()
    page.wait_for_url(re.compile(rf".*/cau-hoi/{first}$|.*/cau-hoi/\d+$"))
    expect(page.get_by_label("Đề bài", exact=False)).to_have_value(re.compile("Khối lượng riêng"))
    page.close()


def test_retiring_a_question_asks_first(live_server, browser, tmp_path):
    """An editor's "Ngừng dùng" is a danger button: dismissed, nothing changes; accepted, the
    question is retired."""
    live_server.kholieu("users", "create", "bien.tap.forms", "--role", "editor",
                        "--password-stdin", stdin=E2E_PASSWORD + "\n")  # fmt: skip
    line = {"type": "single_choice", "stem": "Câu để ngừng dùng (điện thoại) $1 + 41$",
            "options": ["42", "41", "40", "1"], "answer": 0}  # fmt: skip
    bank = tmp_path / "retire.jsonl"
    bank.write_text(json.dumps(line, ensure_ascii=False))
    report = live_server.kholieu("questions", "import", str(bank), "--status", "ready", "--json")
    (question,) = json.loads(report)["ids"]

    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.base, "bien.tap.forms", E2E_PASSWORD)
    page.goto(f"{live_server.base}/cau-hoi/{question}")
    retire = page.get_by_role("button", name="Chuyển sang: Ngừng dùng")
    assert "danger" in retire.get_attribute("class")
    assert retire.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    retire.click()
    expect(page.get_by_test_id("question-meta")).to_contain_text("Sẵn sàng")
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    retire.click()
    expect(page.get_by_test_id("question-meta")).to_contain_text("Ngừng dùng")
    assert asked == ["Ngừng dùng câu hỏi này? Câu sẽ không được đưa vào đề mới nữa."] * 2
    page.close()
