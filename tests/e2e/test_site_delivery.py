"""The home page's weight on a cold load, compressed; the home page's search box and role
links; HEAD; the editor's and the admin's menu on one line at 1366 px."""

from __future__ import annotations

import urllib.request

import pytest

from kholieu.demo.files import quadratic_pdf
from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in
from tests.support.weight import cold_load

HOME_BUDGET = 150 * 1024
TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")


@pytest.fixture(scope="module")
def with_documents(live_server):
    """Published PDFs on the home page's 'Học liệu mới', with their thumbnails."""
    pdf = quadratic_pdf()
    for n in range(3):
        live_server.import_item(
            f"phieu-{n}.pdf", pdf, title=f"Phiếu bài tập số {n + 1}", kind="document",
            subject="toan", grade=9,
        )  # fmt: skip
    return live_server


def test_the_home_page_weighs_at_most_150_kb_on_a_cold_load(with_documents, browser):
    weight = cold_load(browser, with_documents.base + "/")
    print(f"\n/ on a cold load: {weight.total} bytes ({weight.total / 1024:.1f} KB) transferred")
    print("\n".join(weight.lines()))
    urls = [t.url for t in weight.transfers]
    assert any("thumb.png" in u for u in urls)  # the thumbnails were part of the load
    assert not any("katex" in u or "hls" in u for u in urls)  # nothing here needs them
    for transfer in weight.transfers:  # compression was on for every text response of size
        if transfer.mime.startswith(TEXT) and transfer.bytes > 1500:
            assert transfer.encoding == "gzip", transfer
    assert weight.total <= HOME_BUDGET, "\n".join(weight.lines())


def test_the_home_page_searches_and_its_role_cards_lead_somewhere(live_server, browser):
    page = browser.new_page()
    page.goto(live_server.base + "/")
    assert page.locator("text=Công thức toán hiển thị đúng").count() == 0
    roles = page.get_by_test_id("roles")
    assert roles.locator("a[href='/bai-kiem-tra']").count() == 1
    assert roles.locator("a[href='/goc-hoc-tap']").count() == 1
    assert roles.locator("a[href='/bien-tap']").count() == 1
    search = page.get_by_test_id("home-search")
    search.locator("input[name=q]").fill("phương trình bậc hai")
    search.locator("button[type=submit]").click()
    page.wait_for_url("**/tim-kiem?q=*")
    assert page.locator("input#q").input_value() == "phương trình bậc hai"
    page.close()


def test_head_of_the_home_page_is_answered(live_server):
    request = urllib.request.Request(live_server.base + "/", method="HEAD")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.read() == b""
        assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_the_menu_fits_on_one_line_at_1366_px(live_server, browser, role):
    name = f"menu.{role}"
    live_server.kholieu(
        "users", "create", name, "--role", role, "--password-stdin",
        "--display-name", "Nguyễn Thị Thanh Hương", stdin=E2E_PASSWORD + "\n",
    )  # fmt: skip
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, live_server.base, name)
    page.goto(live_server.base + "/bien-tap")
    tops = page.locator("#nav > *:visible").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    links = page.locator("#nav > *:visible").count()
    assert links >= 9
    bar = page.locator(".topbar").bounding_box()
    assert max(tops) - min(tops) <= 8, f"the menu wraps: tops {tops}"
    assert bar["height"] < 70
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    context.close()


def test_katex_comes_only_with_a_formula_and_keeps_decimal_commas(live_server, browser):
    page = browser.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(live_server.base + "/login")
    page.wait_for_load_state("networkidle")
    assert not any("katex" in url for url in fetched)  # no formula on the page: no KaTeX
    # a page script adds a key with decimal commas, and a list with a comma, and typesets it
    page.evaluate(
        """() => { const p = document.createElement('p'); p.id = 'key';
                   p.textContent = 'Đáp án: \\\\(36,5\\\\) và \\\\(2{,}75\\\\); \\\\(a, b\\\\)';
                   document.querySelector('main').appendChild(p);
                   window.typesetMath(p); }"""
    )
    page.locator("#key .katex").nth(2).wait_for()
    assert any("katex.min.js" in url for url in fetched)
    first, second, third = page.locator("#key .katex-html").all()
    # "36,5" is one number: no thin space after its comma (KaTeX spaces a list's commas)
    assert first.locator(".mspace").count() == 0 and first.inner_text().strip() == "36,5"
    assert second.locator(".mspace").count() == 0
    assert third.locator(".mspace").count() == 1  # a comma between letters stays punctuation
    page.close()
