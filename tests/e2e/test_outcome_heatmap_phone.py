"""The class × outcome heatmap on a phone (390×844) in Chromium: the page itself never scrolls
sideways, the table scrolls inside its box, and the students' column stays in view while it
does. Chromium's requests are answered by the app in this process (the TestClient of the
signed-in teacher), so the page is the app's own HTML, CSS and scripts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.classes.test_outcome_heatmap import graded, signed_in  # noqa: F401  (the fixture)

ORIGIN = "http://kholieu.test"
PHONE = {"width": 390, "height": 844}


def _served_by(client: TestClient):
    def answer(route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        response = client.get(path)
        headers = {k: v for k, v in response.headers.items()
                   if k.lower() not in ("content-length", "content-encoding")}  # fmt: skip
        route.fulfill(status=response.status_code, headers=headers, body=response.content)

    return answer


def test_the_heatmap_scrolls_inside_its_box_on_a_phone(graded, browser):  # noqa: F811
    teacher = signed_in(graded["app"], graded["teacher"])
    page = browser.new_page(viewport=PHONE, is_mobile=True)
    page.route(f"{ORIGIN}/**", _served_by(teacher))
    page.goto(f"{ORIGIN}/lop/{graded['class_id']}/yccd")
    table = page.get_by_test_id("heatmap")
    table.wait_for()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    box = page.get_by_test_id("heatmap-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # wider than the phone: it scrolls
    name = page.locator("[data-testid=heat-row] th.heat-name").first
    before = name.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=heatmap-scroll]').scrollLeft > 0"
    )
    assert abs(name.bounding_box()["x"] - before) < 1  # the students' column stays
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.close()
