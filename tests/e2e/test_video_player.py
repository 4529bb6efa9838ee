"""A student watches a transcoded lesson in Chromium: hls.js plays it (the position
advances), captions show, the quality and speed menus work, and the position is kept."""

from __future__ import annotations

import time

import pytest

from kholieu.demo.video import CAPTIONS_VI, make_test_video
from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in

CAPTIONS_EN = """WEBVTT

00:00:00.500 --> 00:00:04.000
Hello everyone, today we review fractions.
"""


def played_past(page, seconds: float, timeout_s: float = 20) -> None:
    """Wait until the video's position passes ``seconds`` (polled: the page's CSP forbids the
    string evaluation ``wait_for_function`` uses)."""
    deadline = time.monotonic() + timeout_s
    position = 0.0
    while time.monotonic() < deadline:
        position = page.evaluate("() => document.querySelector('video').currentTime")
        if position > seconds:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the video stayed at {position:.1f} s, never past {seconds} s")


def position(page) -> float:
    return page.evaluate("() => document.querySelector('video').currentTime")


def test_a_student_plays_the_stream_with_captions(live_server, browser, tmp_path):
    source = make_test_video(tmp_path / "truyen-hinh.mp4", seconds=30, width=854, height=480)
    (live_server.data / "vi.vtt").write_text(CAPTIONS_VI)
    item_id = live_server.import_item(
        "truyen-hinh.mp4", source.read_bytes(), title="Truyền hình: Ôn tập phân số",
        kind="video", subject="toan", grade=6, captions={"vi": "vi.vtt"},
    )  # fmt: skip
    live_server.kholieu("users", "create", "hs.video", "--role", "student", "--password-stdin",
                        stdin=E2E_PASSWORD + "\n")  # fmt: skip
    page = browser.new_page(viewport={"width": 412, "height": 915})  # a phone
    sign_in(page, live_server.base, "hs.video")
    page.goto(f"{live_server.base}/content/{item_id}")
    quality = page.locator("[data-testid=quality] option")
    quality.nth(1).wait_for(state="attached", timeout=15000)
    assert quality.all_inner_texts() == [
        "Tự động", "480p", "360p", "240p", "Chỉ âm thanh (tiết kiệm dữ liệu)",
    ]  # fmt: skip
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    played_past(page, 1.5)
    track = page.evaluate(
        """() => { const t = document.querySelector('video').textTracks[0];
                   return [t.language, t.mode, t.activeCues ? t.activeCues.length : 0,
                           t.cues ? t.cues[0].text : null]; }"""
    )
    assert track[:2] == ["vi", "showing"] and track[2] == 1
    assert track[3].startswith("Xin chào các em")
    # Keyboard: focus the player and jump 5 s ahead.
    before = position(page)
    page.focus("video")
    page.keyboard.press("ArrowRight")
    played_past(page, before + 4)
    # Audio only (to save data), then back to a picture at 240p: playback goes on.
    page.select_option("[data-testid=quality]", value="audio")
    played_past(page, position(page) + 1)
    assert page.evaluate("() => document.querySelector('[data-player]').dataset.source") == "audio"
    page.select_option("[data-testid=quality]", label="240p")
    played_past(page, position(page) + 1)
    assert page.evaluate("() => document.querySelector('video').videoHeight") == 240
    page.select_option("[data-testid=speed]", "2")
    assert page.evaluate("() => document.querySelector('video').playbackRate") == 2
    # Scrubbing shows the sprite thumbnail for the time under the pointer.
    page.hover("[data-scrub]")
    preview = page.locator("[data-scrub-preview]")
    assert preview.is_visible()
    assert "sprite.jpg" in preview.locator(".scrub-image").evaluate(
        "(el) => el.style.backgroundImage"
    )
    page.evaluate("() => document.querySelector('video').pause()")
    stopped = position(page)
    page.wait_for_timeout(500)
    saved = page.evaluate(
        f"() => fetch('/api/v1/content/{item_id}/position').then((r) => r.json())"
    )
    assert saved["seconds"] == pytest.approx(stopped, abs=0.2)
    page.reload()
    status = page.locator("[data-testid=player-status]")
    status.filter(has_text="Tiếp tục từ").wait_for()  # says where it will resume
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    played_past(page, 0.1)
    assert position(page) >= stopped - 1  # resumed there, not from the start
    page.close()


def test_no_segment_is_fetched_before_play_and_captions_follow_the_lessons_language(
    live_server, browser, tmp_path
):
    source = make_test_video(tmp_path / "bai-hoc.mp4", seconds=14, width=640, height=360)
    (live_server.data / "bai-hoc-vi.vtt").write_text(CAPTIONS_VI)
    (live_server.data / "bai-hoc-en.vtt").write_text(CAPTIONS_EN)
    item_id = live_server.import_item(
        "bai-hoc.mp4", source.read_bytes(), title="Bài học: Phân số bằng nhau", kind="video",
        subject="toan", grade=6, language="vi",
        captions={"en": "bai-hoc-en.vtt", "vi": "bai-hoc-vi.vtt"},
    )  # fmt: skip
    page = browser.new_page(viewport={"width": 390, "height": 844})
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{live_server.base}/content/{item_id}")
    video = page.get_by_test_id("video")
    assert video.get_attribute("preload") == "none"
    # the playlists are read (the quality menu fills from them), no segment is
    quality = page.locator("[data-testid=quality] option")
    quality.nth(1).wait_for(state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")
    segments = [u for u in fetched if u.split("?")[0].endswith((".ts", ".m4s", ".mp4"))]
    assert segments == [], segments
    assert any(".m3u8" in u for u in fetched)
    # Vietnamese captions first on a Vietnamese lesson, though "en" sorts before "vi"
    assert page.get_by_test_id("captions").input_value() == "vi"
    assert video.locator("track[default]").get_attribute("srclang") == "vi"
    # the learner drags the playhead to 0:06 before pressing play: loading starts there
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true; "
        "v.currentTime = 6; v.play(); }"
    )
    played_past(page, 6.5)  # playing from 0:06 on (setting currentTime alone passes 0.1)
    segments = [u for u in fetched if u.split("?")[0].endswith(".ts")]
    assert segments, "playing fetched no segment"
    modes = page.evaluate(
        "() => [...document.querySelector('video').textTracks].map(t => [t.language, t.mode])"
    )
    assert sorted(modes) == [["en", "disabled"], ["vi", "showing"]]
    page.close()
