"""A lab on a phone (390×844): its frame fits the screen (the package's own shape when its
launch page declares one, else the screen's height, never a fixed 4:3 that puts the lab's
controls out of sight); "Toàn màn hình" puts the frame's stage in full screen with the
Fullscreen API, and where a browser has none, opens the lab alone on a page of its own. The
frame stays sandboxed (no allow-same-origin) everywhere."""

from __future__ import annotations

import io
import re
import zipfile

from playwright.sync_api import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}

# A pendulum lab as an HTML5 export lays it out: a stage, then its controls below it.
LAB = """<!doctype html><html><head><meta charset="utf-8">{viewport}<title>Con lắc</title>
<link rel="stylesheet" href="css/lab.css"></head><body>
<canvas id="stage" width="300" height="420"></canvas>
<label>Chiều dài dây <input id="length" type="range" min="0.2" max="2" step="0.1" value="1"></label>
<button id="go" type="button">Thả con lắc</button><p id="ran">no</p>
<script src="js/lab.js"></script></body></html>"""
LAB_JS = 'document.getElementById("ran").textContent = "yes";'
LAB_CSS = "body{font-family:sans-serif;margin:8px} canvas{display:block;background:#eef}"

# Browsers without the Fullscreen API on elements (an iPhone's Safari), as a page sees them.
NO_FULLSCREEN = """
delete Element.prototype.requestFullscreen; delete Element.prototype.webkitRequestFullscreen;
Object.defineProperty(Document.prototype, "fullscreenEnabled", { get: () => false });
"""


def lab_zip(viewport: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("con-lac/index.html", LAB.format(viewport=viewport))
        archive.writestr("con-lac/js/lab.js", LAB_JS)
        archive.writestr("con-lac/css/lab.css", LAB_CSS)
    return buffer.getvalue()


def lab(live_server, name: str, viewport: str) -> int:
    return live_server.import_item(name, lab_zip(viewport), title="Con lắc đơn", kind="lab",
                                   subject="vat-li", grade=10)  # fmt: skip


def inside(box: dict, outer: dict, slack: float = 1) -> bool:
    return (box["x"] >= outer["x"] - slack and box["y"] >= outer["y"] - slack
            and box["x"] + box["width"] <= outer["x"] + outer["width"] + slack
            and box["y"] + box["height"] <= outer["y"] + outer["height"] + slack)  # fmt: skip


SCREEN = {"x": 0, "y": 0, "width": 390, "height": 844}


def test_a_lab_fits_a_phone_and_goes_full_screen(live_server, browser):
    item = lab(live_server, "fit.zip", '<meta name="viewport" content="width=device-width">')
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.base}/content/{item}")
    frame = page.get_by_test_id("package-frame")
    assert "allow-same-origin" not in frame.get_attribute("sandbox")
    assert frame.get_attribute("src").startswith("http://127.0.0.1:")  # the content origin
    inner = page.frame_locator("[data-testid=package-frame]")
    expect(inner.locator("#ran")).to_have_text("yes")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    assert inside(box, SCREEN), box  # the whole frame on the screen, no sideways scroll
    assert box["height"] > 600  # as tall as the screen allows, not 4:3 of its width (268)
    go = inner.locator("#go")
    assert inside(go.bounding_box(), box), (go.bounding_box(), box)  # the lab's controls show
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.get_by_test_id("lab-fullscreen")  # above the frame: on screen with it
    button.evaluate("b => b.scrollIntoView({block: 'start'})")
    assert inside(button.bounding_box(), SCREEN) and inside(frame.bounding_box(), SCREEN)

    button.click()
    stage = page.get_by_test_id("lab-stage")
    expect(stage).to_have_class(re.compile(r"\bis-fullscreen\b"))
    assert page.evaluate(
        "document.fullscreenElement === document.querySelector('[data-lab-stage]')"
    )
    full = frame.bounding_box()
    assert abs(full["width"] - 390) <= 1 and abs(full["height"] - 844) <= 1, full
    assert page.url.endswith(f"/content/{item}")  # full screen, not another page
    page.get_by_test_id("lab-exit").click()
    expect(stage).not_to_have_class(re.compile(r"\bis-fullscreen\b"))
    assert page.evaluate("document.fullscreenElement === null")
    context.close()


def test_a_lab_keeps_the_shape_its_launch_page_declares(live_server, browser):
    item = lab(live_server, "wide.zip", '<meta name="viewport" content="width=800, height=450">')
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.base}/content/{item}")
    frame = page.get_by_test_id("package-frame")
    expect(page.frame_locator("[data-testid=package-frame]").locator("#ran")).to_have_text("yes")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    assert inside(box, SCREEN), box
    assert abs(box["width"] / box["height"] - 800 / 450) < 0.02, box
    context.close()


def test_without_the_fullscreen_api_the_lab_opens_on_a_page_of_its_own(live_server, browser):
    item = lab(live_server, "alone.zip", '<meta name="viewport" content="width=device-width">')
    context = browser.new_context(**PHONE)
    context.add_init_script(NO_FULLSCREEN)
    page = context.new_page()
    page.goto(f"{live_server.base}/content/{item}")
    page.get_by_test_id("lab-fullscreen").click()
    page.wait_for_url(re.compile(rf"/content/{item}/toan-man-hinh$"))
    page.get_by_test_id("package-alone").wait_for()
    frame = page.get_by_test_id("package-frame")
    assert "allow-same-origin" not in frame.get_attribute("sandbox")
    inner = page.frame_locator("[data-testid=package-frame]")
    expect(inner.locator("#ran")).to_have_text("yes")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    assert inside(box, SCREEN) and box["height"] > 700, box
    assert inside(inner.locator("#go").bounding_box(), box)
    page.get_by_test_id("lab-back").click()
    page.wait_for_url(re.compile(rf"/content/{item}$"))
    context.close()
