"""On a phone, the search page's outcome facet shows each code with its outcome's text (long
ones cut short, the page never wider than the screen), and picking one narrows the results."""

from __future__ import annotations

import json
import re

from tests.support.outcome_rows import add_to_server

LONG = (
    "Vận dụng được kiến thức về hàm số bậc hai và đồ thị vào giải quyết một số bài toán thực "
    "tiễn, chẳng hạn xác định độ cao cực đại của một vật được ném lên theo phương thẳng đứng."
)
OUTCOMES = {"TOAN.10.E2E.21": LONG, "TOAN.10.E2E.22": "Vẽ đồ thị hàm số bậc hai (kiểm thử)."}
LESSONS = [
    {"title": "Hàm số bậc hai: bài toán ném vật", "kind": "lecture", "subject": "toan",
     "grade": 10, "body": "Quỹ đạo parabol kiểm-thử-yccd.", "yccd_codes": ["TOAN.10.E2E.21"]},
    {"title": "Đồ thị hàm số bậc hai", "kind": "lecture", "subject": "toan", "grade": 10,
     "body": "Parabol kiểm-thử-yccd và đỉnh.", "yccd_codes": ["toan.10.e2e.22"]},
]  # fmt: skip


def test_phone_outcome_facet_names_outcomes_and_filters(live_server, browser, tmp_path):
    add_to_server(live_server.data, OUTCOMES)
    manifest = tmp_path / "lessons.jsonl"
    manifest.write_text("\n".join(json.dumps({**x, "status": "published"}) for x in LESSONS))
    live_server.kholieu("content", "import", str(manifest), "--json")

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    facet = page.get_by_test_id("facet-outcome-TOAN.10.E2E.21")
    for _attempt in range(30):  # the server's outbox drainer indexes the import within seconds
        page.goto(live_server.base + "/tim-kiem?q=kiem+thu+yccd")
        if facet.count():
            break
        page.wait_for_timeout(500)
    page.get_by_test_id("facet-panel").click()  # closed on a phone: results come first
    facet.wait_for()
    assert page.get_by_test_id("search-hit").count() == 2
    assert facet.locator(".outcome-code").inner_text() == "TOAN.10.E2E.21"
    shown = facet.get_by_test_id("outcome-text").inner_text()
    assert shown.endswith("…") and LONG.startswith(shown[:-1].rstrip())
    assert facet.get_by_test_id("outcome-text").get_attribute("title") == LONG
    # the lesson typed its code in lower case: it is counted under the catalogue's code
    other = page.get_by_test_id("facet-outcome-TOAN.10.E2E.22")
    assert "Vẽ đồ thị hàm số bậc hai" in other.inner_text()
    box = facet.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the facet makes the page scroll sideways on a phone ({width}px)"

    facet.click()
    page.wait_for_url(re.compile(r".*outcome=TOAN.10.E2E.21.*"))
    hits = page.get_by_test_id("search-hit")
    assert hits.count() == 1 and "ném vật" in hits.first.inner_text()
    context.close()
