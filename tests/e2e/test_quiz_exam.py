"""A student sits an exam-mode quiz on a phone in Chromium: code → start screen (opening it
starts nothing) → "Bắt đầu làm bài" → answer (autosaved) → reload (answers come back) → submit
→ score and review → back to the start screen, no attempts left."""

from __future__ import annotations

import re

from tests.support.live_quiz import api, exam_for
from tests.support.web import sign_in_browser as sign_in


def test_a_student_sits_an_exam_on_a_phone(live_server, browser, tmp_path):
    quiz, teacher = exam_for(live_server, tmp_path, "hs.an")

    def started() -> list[int]:
        rows = api(live_server.base, f"/api/v1/quizzes/{quiz['id']}/participants", None, teacher)
        return [row["started"] for row in rows["participants"]]

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.base, "hs.an")
    page.goto(live_server.base + "/ma-de")
    page.get_by_test_id("quiz-code").fill(quiz["code"].lower())
    page.get_by_role("button", name="Vào làm bài").click()
    page.wait_for_url(re.compile(rf"/lam-bai/{quiz['id']}$"))
    # the start screen: the rules and the button; opening it (or reloading) starts nothing
    screen = page.get_by_test_id("start-screen")
    assert "10 phút" in screen.inner_text()
    assert page.get_by_test_id("question-count").inner_text() == "4"
    assert page.get_by_test_id("attempts-left").inner_text().endswith("1")
    page.reload()
    assert started() == [0]
    page.get_by_test_id("start").click()
    questions = page.get_by_test_id("quiz-question")
    questions.first.wait_for()
    assert started() == [1]
    assert questions.count() == 4
    assert re.fullmatch(r"\d+:\d\d", page.get_by_test_id("timer").inner_text())
    page.locator(".quiz-question .katex").first.wait_for()  # math typeset (KaTeX loads lazily)

    # answer every question; the single choices' right answer is A (not shuffled here)
    for index in range(4):
        card = questions.nth(index)
        radios = card.locator("input[type=radio]")
        text = card.locator("input:not([type=radio])")
        if text.count():
            text.fill("999")  # a wrong short answer
        elif radios.count() == 8:  # four statements × Đúng/Sai
            for statement in range(4):
                radios.nth(statement * 2).check()  # "Đúng" for all: two of four right
        else:
            radios.first.check()
    state = page.get_by_test_id("save-state")
    page.wait_for_timeout(300)
    assert state.inner_text() in ("Đã lưu", "Đang lưu…")
    page.get_by_text("Đã lưu").wait_for()
    assert page.locator("[data-testid=question-grid] a.done").count() == 4

    page.reload()  # resume: the same attempt, the answers back
    questions.first.wait_for()
    assert page.locator("[data-testid=question-grid] a.done").count() == 4
    assert questions.first.locator("input[type=radio]").first.is_checked()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit").click()
    score = page.get_by_test_id("score")
    score.wait_for()
    # 1 + 1 (single choices) + 0.25 (two statements right) + 0 (short answer) of 4
    # decimal commas, as Vietnamese score sheets write them
    assert "5,63 / 10" in score.inner_text() and "(2,25 / 4)" in score.inner_text()
    assert page.get_by_test_id("review").count() == 4
    reviews = page.locator("[data-testid=review]").all_inner_texts()
    assert all("Lời giải" in text for text in reviews)
    assert any("Đáp án: A." in text for text in reviews)
    assert any("Đáp án: a) Đúng b) Sai c) Đúng d) Sai." in text for text in reviews)

    page.get_by_test_id("again").click()  # back to the start screen: the attempt is used
    page.get_by_test_id("start-state").wait_for()
    assert page.get_by_test_id("start").count() == 0
    page.get_by_text("Xem kết quả").click()  # the past attempt's result, again
    page.get_by_test_id("score").wait_for()
    assert "5,63 / 10" in page.get_by_test_id("score").inner_text()
    context.close()


def test_a_phone_and_a_laptop_share_one_attempt_and_the_later_save_wins(
    live_server, browser, tmp_path
):
    quiz, _ = exam_for(live_server, tmp_path, "hs.binh")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    pages = []
    for context in (phone, laptop):
        page = context.new_page()
        sign_in(page, live_server.base, "hs.binh")
        pages.append(page)
    on_phone, on_laptop = pages
    on_phone.goto(f"{live_server.base}{quiz['link']}")  # the teacher's link
    on_phone.get_by_test_id("start").click()
    questions = on_phone.get_by_test_id("quiz-question")
    questions.first.wait_for()
    first = lambda page: page.get_by_test_id("quiz-question").first  # noqa: E731
    first(on_phone).locator("input[type=radio]").nth(0).check()
    on_phone.get_by_text("Đã lưu").wait_for()

    on_laptop.goto(f"{live_server.base}/lam-bai/{quiz['id']}")  # joined already: resumes
    first(on_laptop).wait_for()
    assert first(on_laptop).locator("input[type=radio]").nth(0).is_checked()
    first(on_laptop).locator("input[type=radio]").nth(1).check()  # changed on the laptop
    on_laptop.get_by_text("Đã lưu").wait_for()

    # the phone saves another question and learns the first one changed elsewhere
    questions.nth(1).locator("input[type=radio]").first.check()
    state = on_phone.get_by_test_id("save-state")
    state.filter(has_text="Đã cập nhật từ thiết bị khác").wait_for()
    assert "Câu 1" in state.inner_text()
    assert first(on_phone).locator("input[type=radio]").nth(1).is_checked()
    assert not first(on_phone).locator("input[type=radio]").nth(0).is_checked()
    phone.close()
    laptop.close()
