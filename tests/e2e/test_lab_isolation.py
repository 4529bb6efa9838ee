"""A hostile lab, opened by a signed-in teacher, runs and loads its own files but cannot read
or set cookies, reach the parent page or call the API with the teacher's session — in the
content page's frame, and opened on its own (its URL is on every public content page)."""

from __future__ import annotations

import io
import json
import zipfile

from tests.support.web import sign_in_browser as sign_in

LAB_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Con lắc</title>
<link rel="stylesheet" href="css/lab.css"></head><body>
<p id="ran">no</p><p id="cookie">?</p><p id="set">?</p><p id="parent">?</p><p id="api">?</p>
<p id="own">?</p>
<p id="outside">?</p><p id="violations"></p>
<script src="js/lab.js"></script></body></html>"""

LAB_JS = """
const show = (id, text) => { document.getElementById(id).textContent = text; };
document.addEventListener("securitypolicyviolation", (e) => {
  const line = e.violatedDirective + " " + e.blockedURI + "\\n";
  document.getElementById("violations").textContent += line;
});
show("ran", "yes");
try { show("cookie", "read:" + document.cookie); } catch (e) { show("cookie", "blocked"); }
try { document.cookie = "kholieu_session=attacker; path=/"; show("set", "set"); }
catch (e) { show("set", "blocked"); }
try { show("parent", "read:" + window.parent.document.cookie); }
catch (e) { show("parent", "blocked"); }
fetch("APP/api/v1/auth/me", { credentials: "include" })
  .then(r => r.text()).then(t => show("api", "read:" + t), () => show("api", "blocked"));
fetch("https://example.com/track.gif").then(() => show("outside", "reached"),
                                             () => show("outside", "blocked"));
fetch("data/pendulum.json").then(r => r.json()).then(d => show("own", d.name),
                                                     e => show("own", "failed: " + e));
"""


def hostile_lab(app_base: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", LAB_HTML)
        archive.writestr("js/lab.js", LAB_JS.replace("APP", app_base))
        archive.writestr("css/lab.css", "body { font-family: sans-serif; }")
        archive.writestr("data/pendulum.json", json.dumps({"name": "Con lắc đơn"}))
    return buffer.getvalue()


def test_lab_runs_isolated_from_the_signed_in_user(live_server, browser):
    item_id = live_server.import_item(
        "lab.zip",
        hostile_lab(live_server.base),
        title="Con lắc đơn",
        kind="lab",
        subject="vat-li",
        grade=10,
    )

    page = browser.new_page()
    api_responses: list[str] = []
    page.on("response", lambda r: api_responses.append(r.url) if "/api/" in r.url else None)
    sign_in(page, live_server.base)
    assert any(c["name"] == "kholieu_session" for c in page.context.cookies())
    page.goto(f"{live_server.base}/content/{item_id}")
    lab = page.frame_locator("[data-testid=package-frame]")
    for element, expected in [
        ("#ran", "yes"),  # the lab's own script ran
        ("#own", "Con lắc đơn"),  # and loaded its own JSON
        ("#cookie", "blocked"),  # but cannot read cookies
        ("#set", "blocked"),  # nor set one
        ("#parent", "blocked"),  # nor reach into the app's page
        ("#api", "blocked"),  # nor call the API as the teacher
        ("#outside", "blocked"),  # nor reach other hosts
    ]:
        locator = lab.locator(element)
        locator.wait_for()
        assert _settled(locator) == expected, element
    assert api_responses == []
    # The content origin's policy itself refused both (not just the sandbox or the network).
    violations = lab.locator("#violations").inner_text()
    assert f"connect-src {live_server.base}/api/v1/auth/me" in violations
    assert "connect-src https://example.com/track.gif" in violations

    # Opened on its own, the same URL is still sandboxed by the origin's policy: a cookie it
    # sets would reach the app (cookies ignore ports), so it must not be able to set one.
    url = page.locator("[data-testid=package-frame]").get_attribute("src")
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "kholieu_session")
    page.goto(url)
    for element in ("#cookie", "#set", "#api"):
        page.locator(element).wait_for()
        assert _settled(page.locator(element)) == "blocked", element
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["kholieu_session"] == session  # untouched: still the teacher's own
    page.close()


def _settled(locator, timeout_s: float = 10) -> str:
    """The element's text once the lab's asynchronous checks have written it."""
    import time

    deadline = time.monotonic() + timeout_s
    text = locator.inner_text()
    while text == "?" and time.monotonic() < deadline:
        time.sleep(0.05)
        text = locator.inner_text()
    return text
