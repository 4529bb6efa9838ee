"""Videos on the web: HLS from the content origin (types, caching, ranges, tokens), captions
and playback positions through the API, the editor's page, and a missing ffmpeg said plainly."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from kholieu.content.models import Kind
from kholieu.content.packages.origin import create_content_app, video_url
from kholieu.content.schemas import ContentIn
from kholieu.jobs.queue import JobContext
from kholieu.video.media import MediaToolsMissing
from kholieu.video.transcode import transcode_video
from tests.support.content import path_of
from tests.support.web import sign_in

SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\nXin chào các em\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\nHôm nay học <i>phân số</i>\n"
)


def video_item(services, videos, *, publish: bool = True, transcoded: bool = True) -> int:
    with services.sessions.begin() as session:
        data = ContentIn(kind=Kind.video, title="Ôn tập phân số", subject="toan", grade=6)
        item = services.content.create(session, None, data)
        with videos["240p"].open("rb") as stream:
            file = services.content.attach(session, None, item.id, stream, "phan-so.mp4")
        if publish:
            services.content.transition(session, None, item.id, "submit")
            services.content.transition(session, None, item.id, "approve")
        sha = file.sha256
    if transcoded:
        transcode_video(JobContext("j", {"sha256": sha}, services.platform, lambda _p: None))
    return item.id


def sha_of(services, item_id: int) -> str:
    with services.sessions() as session:
        return services.content.file(session, item_id).sha256


@pytest.fixture
def origin(services) -> TestClient:
    return TestClient(create_content_app(services))


def test_hls_files_have_their_types_caching_and_ranges(services, videos, origin):
    sha = sha_of(services, video_item(services, videos))
    master = origin.get(path_of(video_url(services.settings, sha)))
    assert master.status_code == 200
    assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert master.headers["cache-control"] == "public, max-age=300"
    assert master.headers["access-control-allow-origin"] == "*"  # hls.js reads it cross-origin
    base = path_of(video_url(services.settings, sha, "240p/"))
    playlist = origin.get(base + "index.m3u8").text
    segment = re.search(r"^seg\d+\.ts$", playlist, re.MULTILINE).group(0)
    whole = origin.get(base + segment)
    assert whole.headers["content-type"] == "video/mp2t"
    assert whole.headers["cache-control"] == "public, max-age=31536000, immutable"
    part = origin.get(base + segment, headers={"Range": "bytes=188-375"})
    assert part.status_code == 206 and part.content == whole.content[188:376]
    poster = origin.get(path_of(video_url(services.settings, sha, "poster.jpg")))
    assert poster.headers["content-type"] == "image/jpeg"
    vtt = origin.get(path_of(video_url(services.settings, sha, "thumbnails.vtt")))
    assert vtt.headers["content-type"].startswith("text/vtt") and "#xywh=" in vtt.text


def test_video_links_need_a_valid_token(services, videos, origin):
    sha = sha_of(services, video_item(services, videos))
    good = path_of(video_url(services.settings, sha))
    forged = good.replace(sha, "0" * 64, 1)
    assert origin.get(forged).status_code == 403
    other_kind = good.replace("/v/", "/p/", 1)  # a video token is not a package token
    assert origin.get(other_kind).status_code == 403
    escape = path_of(video_url(services.settings, sha, "../../blobs/x"))
    assert origin.get(escape).status_code in (403, 404)


def test_the_page_plays_only_a_finished_video(client, services, videos):
    waiting = video_item(services, videos, transcoded=False)
    page = client.get(f"/content/{waiting}")
    assert "đang được xử lý" in page.text and "<video" not in page.text
    ready = video_item(services, videos)
    page = client.get(f"/content/{ready}")
    assert "data-player" in page.text and "/static/vendor/hls/hls.min.js" in page.text
    assert re.search(r'data-src="http://127\.0\.0\.1:8001/v/[0-9a-f]{64}-\d+-[0-9a-f]{64}/'
                     r'master\.m3u8"', page.text)  # fmt: skip
    csp = page.headers["content-security-policy"]
    assert "connect-src 'self' http://127.0.0.1:8001" in csp and "worker-src 'self' blob:" in csp


def test_captions_upload_convert_serve_and_search(client, services, videos, make_user, bearer):
    item_id = video_item(services, videos)
    editor = bearer(make_user("editor"))
    put = client.put(
        f"/api/v1/content/{item_id}/captions/vi",
        files={"file": ("phan-so.srt", SRT.encode(), "application/x-subrip")},
        headers=editor,
    )
    assert put.status_code == 200, put.text
    assert put.json()["cues"] == 2 and put.json()["url"] == f"/content/{item_id}/captions/vi.vtt"
    # a change to a published item goes back to review: a second editor publishes it again
    assert client.get(f"/api/v1/content/{item_id}").status_code == 404
    reviewer = bearer(make_user("editor"))
    approved = client.post(f"/api/v1/content/{item_id}/approve", headers=reviewer)
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    served = client.get(f"/content/{item_id}/captions/vi.vtt")
    assert served.headers["content-type"] == "text/vtt; charset=utf-8"
    assert served.text.startswith("WEBVTT") and "00:00:01.000 --> 00:00:03.500" in served.text
    listed = client.get(f"/api/v1/content/{item_id}/captions").json()
    assert [(c["language"], c["label"]) for c in listed] == [("vi", "Tiếng Việt")]
    page = client.get(f"/content/{item_id}")
    assert f'src="/content/{item_id}/captions/vi.vtt"' in page.text
    student = bearer(make_user("student"))
    refused = client.put(
        f"/api/v1/content/{item_id}/captions/en",
        files={"file": ("en.srt", SRT.encode())},
        headers=student,
    )
    assert refused.status_code == 403
    gone = client.delete(f"/api/v1/content/{item_id}/captions/vi", headers=editor)
    assert gone.status_code == 204
    assert client.get(f"/content/{item_id}/captions/vi.vtt").status_code == 404


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("bad.srt", "1\n00:00:01,000 --> 00:00:0x,000\nSai\n",
         "bad.srt, line 2: cannot read the cue timing '00:00:01,000 --> 00:00:0x,000'"),
        ("empty.vtt", "WEBVTT\n\n", "empty.vtt: the file holds no captions"),
        ("notes.txt", "chỉ là chữ\n", "notes.txt: not a valid SRT"),
        ("back.vtt", "WEBVTT\n\n00:05.000 --> 00:02.000\nNgược\n",
         "back.vtt: the caption at 00:00:05.000 ends before it starts"),
    ],
)  # fmt: skip
def test_bad_caption_files_say_where(client, services, videos, make_user, bearer, name, body,
                                     message):  # fmt: skip
    item_id = video_item(services, videos, transcoded=False)
    response = client.put(
        f"/api/v1/content/{item_id}/captions/vi",
        files={"file": (name, body.encode())},
        headers=bearer(make_user("editor")),
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith(message)


def test_caption_language_and_encoding_are_checked(client, services, videos, make_user, bearer):
    item_id = video_item(services, videos, transcoded=False)
    editor = bearer(make_user("editor"))
    french = client.put(f"/api/v1/content/{item_id}/captions/fr",
                        files={"file": ("fr.srt", SRT.encode())}, headers=editor)  # fmt: skip
    assert french.status_code == 422 and "'fr' is not one of vi, en" in french.text
    utf16 = SRT.encode("utf-16")
    wide = client.put(f"/api/v1/content/{item_id}/captions/vi",
                      files={"file": ("vi.srt", utf16)}, headers=editor)  # fmt: skip
    assert wide.status_code == 422 and "vi.srt: not UTF-8 text (byte 0)" in wide.text


def test_a_signed_in_learner_resumes_where_they_stopped(client, services, videos, make_user,
                                                        bearer):  # fmt: skip
    item_id = video_item(services, videos)
    student = bearer(make_user("student"))
    assert client.get(f"/api/v1/content/{item_id}/position", headers=student).json()["seconds"] == 0
    saved = client.put(f"/api/v1/content/{item_id}/position", json={"seconds": 7.26},
                       headers=student)  # fmt: skip
    assert saved.status_code == 200 and saved.json()["seconds"] == 7.3
    assert (
        client.get(f"/api/v1/content/{item_id}/position", headers=student).json()["seconds"] == 7.3
    )
    other = bearer(make_user("student"))
    assert client.get(f"/api/v1/content/{item_id}/position", headers=other).json()["seconds"] == 0
    assert client.get(f"/api/v1/content/{item_id}/position").status_code == 401
    bad = client.put(f"/api/v1/content/{item_id}/position", json={"seconds": -1}, headers=student)
    assert bad.status_code == 422
    draft = video_item(services, videos, publish=False, transcoded=False)
    hidden = client.put(f"/api/v1/content/{draft}/position", json={"seconds": 1}, headers=student)
    assert hidden.status_code == 404  # students do not see drafts


def test_editor_page_shows_the_ladder_and_retry(client, services, videos, make_user):
    item_id = video_item(services, videos)
    sign_in(client, make_user("editor"))
    page = client.get(f"/bien-tap/{item_id}")
    assert "428×240" in page.text and "h264/aac" in page.text
    assert "240p (314 kb/s), chỉ âm thanh (48 kb/s)" in page.text
    assert f'action="/bien-tap/{item_id}/phu-de"' in page.text


def test_missing_ffmpeg_is_said_by_readyz_the_editor_page_and_the_upload(
    tmp_path, database_url, videos
):
    from kholieu.app import create_app
    from kholieu.services import build_services
    from tests.conftest import _empty_tables, make_settings

    settings = make_settings(tmp_path, database_url=database_url, ffmpeg_path="/nowhere/ffmpeg")
    services = build_services(settings)
    _empty_tables(services.engine)
    try:
        with TestClient(create_app(settings, services)) as client:
            ready = client.get("/readyz")
            assert ready.status_code == 503
            check = ready.json()["checks"]["ffmpeg"]
            assert not check["ok"] and check["error"].startswith("Không tìm thấy ffmpeg")
            assert "apt install ffmpeg" in check["error"]
            with services.sessions.begin() as session:
                data = ContentIn(kind=Kind.video, title="Video", subject="toan", grade=6)
                item_id = services.content.create(session, None, data).id
            with services.sessions.begin() as session:
                user = services.accounts.create_user(session, "bt", "mat-khau-123", "editor")
            sign_in(client, user)
            page = client.get(f"/bien-tap/{item_id}")
            assert 'data-testid="ffmpeg-missing"' in page.text
            with (
                pytest.raises(MediaToolsMissing) as caught,
                services.sessions.begin() as session,
                videos["240p"].open("rb") as stream,
            ):
                services.content.attach(session, None, item_id, stream, "a.mp4")
            assert caught.value.status_code == 503 and "ffmpeg not found" in caught.value.message
    finally:
        _empty_tables(services.engine)
        services.close()


def test_captions_default_to_the_lessons_language_and_nothing_preloads(
    client, services, videos, make_user, bearer
):
    item_id = video_item(services, videos)  # a Vietnamese lesson (the default language)
    editor = bearer(make_user("editor"))
    for language in ("en", "vi"):  # "en" sorts first: it used to win
        put = client.put(
            f"/api/v1/content/{item_id}/captions/{language}",
            files={"file": (f"{language}.srt", SRT.encode())}, headers=editor,
        )  # fmt: skip
        assert put.status_code == 200, put.text
    with services.sessions.begin() as session:  # new captions went back to review
        assert services.content.get(session, None, item_id, system=True).status == "in_review"
        services.content.transition(session, None, item_id, "approve")
    page = client.get(f"/content/{item_id}").text
    assert re.findall(r'<track kind="captions" srclang="(\w+)"[^>]*?( default)?>', page) == [
        ("en", ""), ("vi", " default"),
    ]  # fmt: skip
    assert re.search(r'<option value="vi" selected>', page)
    assert not re.search(r'<option value="en" selected>', page)
    assert re.search(r'<video [^>]*preload="none"', page)


def test_the_default_captions_language():
    from kholieu.video.captions import default_language

    assert default_language(["en", "vi"], "vi") == "vi"
    assert default_language(["en", "vi"], "en") == "en"
    assert default_language(["en", "fr"], "vi") == "en"
    assert default_language(["en", "vi"], "fr") == "vi"  # none in its language: Vietnamese
    assert default_language([], "vi") is None
