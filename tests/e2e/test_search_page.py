"""A teacher on a phone searches without diacritics, picks a suggestion, narrows by a facet and
switches to the question bank, in Chromium against `kholieu serve` (embedded tantivy index)."""

from __future__ import annotations

import json
import re

from tests.support.web import sign_in_browser as sign_in

LESSONS = [
    {"title": "Phương trình bậc hai một ẩn", "kind": "lecture", "subject": "toan", "grade": 9,
     "body": "Công thức nghiệm của phương trình $ax^2 + bx + c = 0$ với biệt thức $\\Delta$."},
    {"title": "Định luật Ôm đối với toàn mạch", "kind": "lecture", "subject": "vat-li", "grade": 11,
     "body": "Cường độ dòng điện tỉ lệ thuận với suất điện động của nguồn điện."},
    {"title": "Phương pháp tọa độ trong mặt phẳng", "kind": "lecture", "subject": "toan",
     "grade": 10, "body": "Phương trình đường thẳng và đường tròn."},
]  # fmt: skip


def test_phone_search_with_suggestions_facets_and_questions(live_server, browser, tmp_path):
    manifest = tmp_path / "lessons.jsonl"
    manifest.write_text("\n".join(json.dumps({**x, "status": "published"}) for x in LESSONS))
    live_server.kholieu("content", "import", str(manifest), "--json")
    question = {
        "type": "single_choice", "stem": "Nghiệm của phương trình $x^2 = 4$ là",
        "options": ["2", "-2", "±2", "4"], "answer": 2, "subject": "toan", "grade": 9,
    }  # fmt: skip
    (tmp_path / "q.jsonl").write_text(json.dumps(question))
    live_server.kholieu("questions", "import", str(tmp_path / "q.jsonl"), "--status", "ready")

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.base)
    page.goto(live_server.base + "/tim-kiem")
    box = page.get_by_test_id("search-input")
    # the server's outbox drainer indexes the import within seconds; suggestions appear then
    for _attempt in range(20):
        box.fill("")
        box.press_sequentially("phuong tr", delay=20)
        try:
            page.get_by_role("option", name="Phương trình bậc hai một ẩn").wait_for(timeout=1000)
            break
        except Exception:
            page.reload()
            box = page.get_by_test_id("search-input")
    box.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/content/\d+$"))

    page.goto(live_server.base + "/tim-kiem?q=phuong+trinh")
    hits = page.get_by_test_id("search-hit")
    hits.first.wait_for()
    assert hits.count() == 2
    assert page.locator(".snippet mark").first.inner_text() in ("phương", "Phương")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the results page scrolls sideways on a phone ({width}px)"

    page.get_by_test_id("facet-panel").click()  # closed on a phone: results come first
    page.get_by_test_id("facet-grade-10").click()
    page.wait_for_url(re.compile(r"grade=10"))
    assert page.get_by_test_id("search-hit").count() == 1
    assert "Phương pháp tọa độ" in page.get_by_test_id("search-hit").first.inner_text()
    # the other grade stays offered, with its count, so the teacher can widen again
    assert page.get_by_test_id("facet-grade-9").text_content().strip().endswith("1")

    page.get_by_test_id("questions-tab").click()
    page.get_by_test_id("search-hit").first.wait_for()
    assert "Nghiệm của phương trình" in page.get_by_test_id("search-hit").first.inner_text()
    context.close()


def test_a_snippet_formula_is_typeset_on_a_phone_and_shows_no_latex(live_server, browser, tmp_path):
    """Issue 18, item 3: the formulas of a snippet are whole, so KaTeX typesets them (the
    display one inline, in the line of text), and "hai" marks the word, not the formula's 2."""
    lesson = {
        "title": "Hằng đẳng thức đáng nhớ", "kind": "lecture", "subject": "toan", "grade": 8,
        "status": "published",
        "body": r"Bình phương của tổng hai số: \((a+b)^2 = a^2 + 2ab + b^2\). Hiệu hai bình "
                r"phương: \[a^2 - b^2 = (a-b)(a+b)\] với mọi số thực a, b.",
    }  # fmt: skip
    manifest = tmp_path / "identities.jsonl"
    manifest.write_text(json.dumps(lesson))
    live_server.kholieu("content", "import", str(manifest), "--json")
    live_server.kholieu("reindex", "--index", "content")  # indexed now, not when drained

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.base + "/tim-kiem?q=t%E1%BB%95ng+hai+s%E1%BB%91")
    snippet = page.locator(".snippet", has_text="Bình phương")
    snippet.locator(".katex").first.wait_for()
    assert snippet.locator(".katex").count() == 2
    shown = snippet.inner_text()
    assert "\\" not in shown and "$" not in shown, shown
    assert snippet.locator(".katex mark").count() == 0
    assert sorted(set(snippet.locator("mark").all_inner_texts())) == ["hai", "số", "tổng"]
    shape = snippet.locator(".katex-display").evaluate("e => getComputedStyle(e).display")
    assert shape == "inline", "the display formula breaks the snippet's line"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the results page scrolls sideways on a phone ({width}px)"
    context.close()
