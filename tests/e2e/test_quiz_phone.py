"""Taking a quiz on a phone (390×844): after "Nộp bài" the score line is in the viewport,
below the sticky header, and has the focus; in one-question-per-screen mode the current
question's text is below the header; in practice a wrong "Kiểm tra" shows the right answer and
the explanation and locks the question, and after submitting the buttons look finished."""

from __future__ import annotations

from tests.support.live_quiz import long_exam_for, practice_for
from tests.support.web import sign_in_browser as sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
BRAND = "rgb(11, 110, 79)"  # an active button's green (--brand)


def below(page) -> float:
    """Where the sticky quiz header ends, in the viewport."""
    head = page.locator(".quiz-head").bounding_box()
    return head["y"] + head["height"]


def below_head(page, locator) -> None:
    """The element is wholly inside the viewport and not under the sticky quiz header."""
    box = locator.bounding_box()
    head = page.locator(".quiz-head").bounding_box()
    assert box is not None and head is not None
    assert box["y"] >= head["y"] + head["height"] - 1, (box, head)
    assert box["y"] + box["height"] <= 844 and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_the_score_and_the_current_question_are_visible_on_a_phone(live_server, browser, tmp_path):
    # (not the bank of test_quiz_exam: an exam still open withholds its questions' keys from
    # another exam's review)
    quiz = long_exam_for(live_server, tmp_path, "hs.cuong")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, "hs.cuong")
    page.goto(live_server.base + quiz["link"])
    page.get_by_test_id("start").click()
    questions = page.get_by_test_id("quiz-question")
    questions.first.wait_for()

    # one question per screen: from the bottom of the page, the grid's 3 shows question 3
    page.get_by_test_id("one-per-screen").check()
    page.get_by_role("button", name="Câu sau").click()
    shown = questions.nth(1).locator(".meta")  # "Câu 2 · 1 điểm", above its text
    shown.wait_for()
    below_head(page, shown)
    page.mouse.wheel(0, 2000)
    page.get_by_test_id("question-grid").get_by_text("3", exact=True).click()
    shown = questions.nth(2).locator(".meta")
    shown.wait_for()
    below_head(page, shown)
    assert page.locator("[data-testid=quiz-question]:visible").count() == 1

    page.get_by_test_id("one-per-screen").uncheck()  # all questions again; answer one
    questions.first.locator("input[type=radio]").first.check()
    page.get_by_text("Đã lưu").wait_for()
    page.get_by_test_id("submit").scroll_into_view_if_needed()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit").click()
    score = page.get_by_test_id("score")
    score.wait_for()
    below_head(page, score)
    assert page.evaluate("document.activeElement.dataset.testid") == "score"
    context.close()


def test_one_question_per_screen_shows_the_next_question_below_the_header(
    live_server, browser, tmp_path
):
    """Questions taller than the screen: "Câu sau", at the bottom of one, shows the next with
    its text from the top, not scrolled past nor under the sticky header."""
    quiz = long_exam_for(live_server, tmp_path, "hs.hai")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, "hs.hai")
    page.goto(live_server.base + quiz["link"])
    page.get_by_test_id("start").click()
    questions = page.get_by_test_id("quiz-question")
    questions.first.wait_for()
    page.get_by_test_id("one-per-screen").check()
    assert questions.first.bounding_box()["height"] > 844  # taller than the screen
    below_head(page, questions.first.locator(".meta"))
    for index in (1, 2):
        page.get_by_role("button", name="Câu sau").scroll_into_view_if_needed()
        page.get_by_role("button", name="Câu sau").click()
        head = questions.nth(index).locator(".meta")  # "Câu 2 · 1 điểm", then the text
        head.wait_for()
        assert head.inner_text().startswith(f"Câu {index + 1}")
        below_head(page, head)
        stem = questions.nth(index).locator(".stem").bounding_box()  # starts on screen
        assert below(page) - 1 <= stem["y"] < 844 - 100
    context.close()


def test_a_wrong_check_shows_the_key_and_locks_the_question(live_server, browser, tmp_path):
    quiz = practice_for(live_server, tmp_path, "hs.dung")
    assert quiz["practice_checks"] == 1
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, "hs.dung")
    page.goto(live_server.base + quiz["link"])
    rule = page.get_by_test_id("practice-checks").inner_text()
    assert rule == "1 lần, rồi câu trả lời được giữ nguyên"  # the start screen says the rule
    page.get_by_test_id("start").click()
    questions = page.get_by_test_id("quiz-question")
    questions.first.wait_for()
    first, second = questions.nth(0), questions.nth(1)

    first.locator("input[type=radio]").nth(1).check()  # B: wrong (the key is A)
    first.get_by_test_id("check").click()
    feedback = first.get_by_test_id("feedback")
    feedback.get_by_text("Chưa đúng.").wait_for()
    assert first.get_by_test_id("check-key").inner_text() == "Đáp án: A"
    assert "Lời giải câu" in feedback.inner_text()
    feedback.locator(".katex").first.wait_for()  # the explanation's formula typeset
    radios = first.locator("input[type=radio]")
    assert all(radios.nth(i).is_disabled() for i in range(radios.count()))  # locked
    assert first.get_by_test_id("check").is_disabled()
    assert first.get_by_test_id("check").inner_text() == "Đã kiểm tra"

    second.locator("input[type=radio]").first.check()  # A: right
    second.get_by_test_id("check").click()
    second.get_by_test_id("feedback").get_by_text("Chính xác!").wait_for()
    assert second.get_by_test_id("check-key").count() == 0

    page.reload()  # the checks come back, locked, with the key shown before
    first.get_by_test_id("feedback").get_by_text("Chưa đúng.").wait_for()
    assert first.get_by_test_id("check-key").inner_text() == "Đáp án: A"
    assert radios.nth(1).is_checked() and radios.nth(0).is_disabled()
    third = questions.nth(2)
    assert third.get_by_test_id("check").is_enabled()
    assert (
        third.get_by_test_id("check").evaluate("b => getComputedStyle(b).backgroundColor") == BRAND
    )

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit").click()
    score = page.get_by_test_id("score")
    score.wait_for()
    below_head(page, score)
    assert "3,33 / 10" in score.inner_text()  # one of three right, with a decimal comma
    # the buttons look finished: disabled, not the active green
    button = third.get_by_test_id("check")
    assert button.is_disabled()
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") != BRAND
    assert button.evaluate("b => getComputedStyle(b).cursor") == "not-allowed"
    context.close()


def test_tries_left_then_the_key_on_the_last(live_server, browser, tmp_path):
    quiz = practice_for(live_server, tmp_path, "hs.giang", practice_checks=2)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, "hs.giang")
    page.goto(live_server.base + quiz["link"])
    page.get_by_test_id("start").click()
    first = page.get_by_test_id("quiz-question").first
    first.wait_for()
    radios = first.locator("input[type=radio]")
    radios.nth(1).check()
    first.get_by_test_id("check").click()
    feedback = first.get_by_test_id("feedback")
    feedback.get_by_text("Còn 1 lần kiểm tra", exact=False).wait_for()
    assert first.get_by_test_id("check-key").count() == 0  # no key while a try is left
    assert "Lời giải" not in feedback.inner_text()
    assert radios.nth(2).is_enabled()
    radios.nth(2).check()  # still wrong: the last try shows the key
    first.get_by_test_id("check").click()
    first.get_by_test_id("check-key").wait_for()
    assert first.get_by_test_id("check-key").inner_text() == "Đáp án: A"
    assert radios.nth(0).is_disabled()
    context.close()
