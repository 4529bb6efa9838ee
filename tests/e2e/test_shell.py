"""A teacher signs in through the real server in Chromium, on a desktop and on a phone."""

from __future__ import annotations

from tests.support.web import sign_in_browser as sign_in


def test_teacher_signs_in_and_sees_the_home_page(live_server, browser):
    context = browser.new_context()
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    sign_in(page, live_server.base)
    assert page.get_by_test_id("welcome").inner_text() == "Xin chào, Cô Hoà!"
    assert "Giáo viên" in page.get_by_test_id("current-user").inner_text()
    # the home page shows no formula, so KaTeX is not fetched (pages with math load it:
    # test_quiz_exam, test_search_page, test_question_editor_and_import see it typeset)
    assert page.evaluate("typeof window.katex") == "undefined"
    assert failed == []
    page.click("text=Đăng xuất")
    page.wait_for_selector("a[href='/login']")
    context.close()


def test_wrong_password_is_explained(live_server, browser):
    page = browser.new_page()
    page.goto(live_server.base + "/login")
    page.fill("input[name=username]", "co.hoa")
    page.fill("input[name=password]", "not-the-password")
    page.click("form.stack button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    page.close()


def test_phone_layout_has_a_working_menu(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.base + "/")
    nav_link = page.locator("#nav a[href='/login']")
    assert not nav_link.is_visible()
    page.click(".menu-toggle")
    assert nav_link.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    page.screenshot(path=str(_screenshot_dir() / "home-phone.png"), full_page=True)
    context.close()


def _screenshot_dir():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.gettempdir()) / "kholieu-screenshots"
    path.mkdir(exist_ok=True)
    return path


def test_api_docs_render_from_vendored_swagger_ui(live_server, browser):
    page = browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.on("requestfailed", lambda request: blocked.append(request.url))
    page.goto(live_server.base + "/docs")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/auth/token']")
    assert blocked == []
    page.close()
