"""A student reads a 300-page textbook on a phone (390×844): a deep link opens page 42, the
table of contents jumps to a chapter, search inside the book lands on the one page holding a
word, thumbnails are drawn only as they scroll into view, and the network log shows the PDF
read by byte ranges, never downloaded whole. A draft's reader is 404 to a student."""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field

import pytest

from tests.support.live_quiz import api, token
from tests.support.reader_book import make_book
from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
WORD = "thiên hà"  # printed on page 217 only
STUDENT = "hs.doc.sach"
EDITOR = "bt.sach"
SHEET = "Phiếu học tập: định lí côsin"  # linked to Bài 5 (pages 200–300)


@dataclass
class PdfTraffic:
    """What Chromium fetched of one file: requests (with their Range header), statuses, and
    the bytes received over the wire (CDP's dataReceived: cancelled requests count too)."""

    marker: str
    ranges: list[str | None] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    received: int = 0

    def watch(self, context, page) -> None:
        page.on("request", self._request)
        page.on("response", self._response)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._will_send)
        cdp.on("Network.dataReceived", self._data)

    def _request(self, request) -> None:
        if self.marker in request.url and request.method == "GET":
            self.ranges.append(request.headers.get("range"))

    def _response(self, response) -> None:
        if self.marker in response.url and response.request.method == "GET":
            self.statuses.append(response.status)

    def _will_send(self, event) -> None:
        if self.marker in event["request"]["url"]:
            self.ids.add(event["requestId"])

    def _data(self, event) -> None:
        if event["requestId"] in self.ids:
            self.received += event["dataLength"]


def _user(live_server, username: str, role: str) -> None:
    live_server.kholieu("users", "create", username, "--role", role, "--password-stdin",
                        stdin=E2E_PASSWORD + "\n")  # fmt: skip


def _api(live_server, path: str) -> dict:
    with urllib.request.urlopen(live_server.base + path, timeout=10) as response:
        return json.loads(response.read())


def _read(live_server, item_id: int) -> dict:
    """The book once its pages and outline are read (a background job)."""
    deadline = time.monotonic() + 120
    while True:
        book = _api(live_server, f"/api/v1/textbooks/{item_id}")
        if book["page_count"] == 300 and book["sections"]:
            return book
        assert time.monotonic() < deadline, book
        time.sleep(0.2)


@pytest.fixture(scope="module")
def book(live_server, tmp_path_factory) -> dict:
    body = make_book(300, {217: f"Quan sát {WORD} qua kính thiên văn."})
    item_id = live_server.import_item("toan-10-sach.pdf", body, kind="textbook", title="Toán 10",
                                      subject="toan", grade=10,
                                      textbook_series="ket-noi-tri-thuc")  # fmt: skip
    _user(live_server, STUDENT, "student")
    _user(live_server, EDITOR, "editor")
    read = _read(live_server, item_id)
    sheet = live_server.import_item("phieu-cosin.pdf", make_book(1), kind="document", title=SHEET,
                                    subject="toan", grade=10)  # fmt: skip
    lesson = next(
        b for c in read["sections"] for b in c["children"] if b["title"].startswith("Bài 5")
    )
    link = {"target_kind": "content", "target_id": sheet}
    api(live_server.base, f"/api/v1/textbooks/sections/{lesson['id']}/links", link,
        token(live_server.base, EDITOR))  # fmt: skip
    return {**read, "size": len(body), "sheet": sheet}


def shown(page, number: int) -> None:
    """Page ``number`` is drawn on the canvas and named by the page box."""
    page.locator(f"[data-testid=page-canvas][data-page='{number}']").wait_for()
    assert page.get_by_test_id("page-input").input_value() == str(number)


def test_a_student_reads_a_300_page_book_on_a_phone(live_server, browser, book):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, STUDENT)
    traffic = PdfTraffic(marker=book["file_url"].rsplit("/", 1)[-1])
    traffic.watch(context, page)

    # a deep link opens page 42, and only its bytes (and the document's tables) are fetched
    page.goto(f"{live_server.base}/sach/{book['id']}#trang=42")
    shown(page, 42)
    assert page.get_by_test_id("page-count").text_content() == "300"
    first_ms = page.get_by_test_id("reader").get_attribute("data-first-page-ms")
    at_42 = traffic.received
    ranged = [r for r in traffic.ranges if r]
    print(f"\nPDF {book['size']} bytes; to show page 42: {at_42} bytes received "
          f"({100 * at_42 / book['size']:.1f}%), {len(traffic.ranges)} requests "
          f"({len(ranged)} with Range), statuses {traffic.statuses}; "
          f"first page drawn {first_ms} ms after navigation started")  # fmt: skip
    assert ranged and all(r.startswith("bytes=") for r in ranged)
    assert 206 in traffic.statuses
    assert at_42 < book["size"] * 0.5, (at_42, book["size"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # no sideways scrolling on the phone

    # the table of contents: a chapter's first page
    page.get_by_test_id("open-toc").click()
    chapter = next(s for s in book["sections"] if s["title"].startswith("Chương 3"))
    page.get_by_test_id("toc").get_by_role("button", name=chapter["title"]).click()
    shown(page, chapter["page_start"])
    assert page.evaluate("location.hash") == f"#trang={chapter['page_start']}"

    # search inside the book: the one page with the word
    page.get_by_test_id("open-search").click()
    page.get_by_test_id("book-search").fill("thien ha")  # without diacritics
    page.get_by_test_id("book-search").press("Enter")
    hit = page.get_by_test_id("book-hits").get_by_role("button", name="Trang 217")
    hit.wait_for()
    assert page.get_by_test_id("book-hits").get_by_role("button").count() == 1
    hit.click()
    shown(page, 217)
    # beside the page: what is linked to the bài holding it
    material = page.get_by_test_id("material")
    material.get_by_role("link", name=SHEET).wait_for()
    assert material.get_by_test_id("material-lesson").text_content().startswith("Bài 5")
    link = material.get_by_role("link", name=SHEET).get_attribute("href")
    assert link == f"/content/{book['sheet']}"

    # the hash moved by hand is followed; prev/next move one page
    page.evaluate("location.hash = '#trang=7'")
    shown(page, 7)
    material.get_by_text("Chưa có học liệu nào gắn với bài này.").wait_for()  # Bài 1
    assert material.get_by_test_id("material-lesson").text_content().startswith("Bài 1")
    page.get_by_test_id("next").click()
    shown(page, 8)
    page.get_by_test_id("prev").click()
    shown(page, 7)

    # zoom: larger than the screen scrolls inside its frame, not the page
    page.get_by_test_id("zoom-in").click()
    page.get_by_test_id("zoom-in").click()
    zoomed = page.locator("[data-testid=page-canvas][data-page='7'][data-zoom='1.5625']")
    zoomed.wait_for()  # drawn at 125 % of 125 %: the canvas shown before is gone
    canvas = zoomed.bounding_box()
    assert canvas["width"] > 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("zoom-fit").click()

    # thumbnails are drawn as they come into view, not all 300
    page.get_by_test_id("open-thumbs").click()
    thumbs = page.get_by_test_id("thumbs")
    thumbs.locator("button[data-page='1'] canvas").wait_for()
    assert thumbs.locator("button").count() == 300
    drawn = thumbs.locator("button[data-drawn] canvas").count()
    assert drawn < 40, drawn
    thumbs.locator("button[data-page='3']").click()
    shown(page, 3)
    assert page.get_by_test_id("thumbs").is_hidden()  # the panel made way for the page
    print(
        f"after the whole walk: {traffic.received} bytes received "
        f"({100 * traffic.received / book['size']:.1f}%), {len(traffic.ranges)} requests"
    )
    context.close()


def test_a_draft_textbook_is_not_found_for_a_student(live_server, browser, book):
    (live_server.data / "nhap.pdf").write_bytes(make_book(3))
    manifest = live_server.data / "nhap.jsonl"
    manifest.write_text(json.dumps({"file": "nhap.pdf", "kind": "textbook", "title": "Bản nháp",
                                    "subject": "toan", "grade": 10}))  # fmt: skip
    report = json.loads(live_server.kholieu("content", "import", str(manifest), "--json"))
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server.base, STUDENT)
    response = page.goto(f"{live_server.base}/sach/{report['ids'][0]}")
    assert response.status == 404
    response = page.goto(f"{live_server.base}/sach/{book['id']}")
    assert response.status == 200
    context.close()
