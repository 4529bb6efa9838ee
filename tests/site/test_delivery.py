"""How pages and files travel: gzip for text only, versioned static URLs with long caching,
pages no shared cache keeps, HEAD wherever GET, the favicon, the language switch's query."""

from __future__ import annotations

import gzip
import re
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from kholieu.web.assets import LONG, SHORT
from kholieu.web.compression import Compression, accepts_gzip, compressible

GZIP = {"accept-encoding": "gzip"}


def raw(client, url: str, **headers):
    """The response as it went over the wire (httpx would decode gzip for us)."""
    with client.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
    return response, body


# --- compression ----------------------------------------------------------------------------


def test_pages_are_gzipped_for_clients_that_take_it(client):
    response, body = raw(client, "/", **GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    html = gzip.decompress(body).decode()
    assert "Kho học liệu số dùng chung" in html
    assert int(response.headers["content-length"]) == len(body) < len(html.encode())
    plain, body = raw(client, "/", **{"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and b"<html" in body


def test_json_is_gzipped_but_small_answers_are_not(client):
    response, body = raw(client, "/openapi.json", **GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert b'"openapi"' in gzip.decompress(body)
    response, body = raw(client, "/healthz", **GZIP)  # a few bytes: not worth a gzip header
    assert "content-encoding" not in response.headers


def test_static_text_is_gzipped_once_and_binaries_never(app, client):
    url = app.state.assets.url("vendor/hls/hls.min.js")
    response, body = raw(client, url, **GZIP)
    assert response.headers["content-encoding"] == "gzip"
    original = (app.state.platform.settings.static_dir / "vendor/hls/hls.min.js").read_bytes()
    assert gzip.decompress(body) == original and len(body) < len(original) / 2
    assert "javascript" in response.headers["content-type"]
    static = next(r for r in app.routes if getattr(r, "name", "") == "static").app
    assert any(key[0] == "vendor/hls/hls.min.js" for key in static.packed)  # kept, not redone
    _, body_again = raw(client, url, **GZIP)
    assert body_again == body
    font = app.state.assets.url("vendor/katex/fonts/KaTeX_Main-Regular.woff2")
    response, _ = raw(client, font, **GZIP)
    assert "content-encoding" not in response.headers
    icon, _ = raw(client, app.state.assets.url("favicon.ico"), **GZIP)
    assert "content-encoding" not in icon.headers


def test_a_byte_range_of_a_static_file_is_never_compressed(app, client):
    url = app.state.assets.url("js/app.js")
    response, body = raw(client, url, range="bytes=0-99", **GZIP)
    assert response.status_code == 206 and len(body) == 100
    assert "content-encoding" not in response.headers
    assert response.headers["content-range"].startswith("bytes 0-99/")


def test_a_gzipped_static_file_revalidates_with_its_own_tag(app, client):
    url = app.state.assets.url("css/app.css")
    first, _ = raw(client, url, **GZIP)
    etag = first.headers["etag"]
    assert etag.endswith('-gzip"')
    again = client.get(url, headers={"if-none-match": etag, **GZIP})
    assert again.status_code == 304


def _echo_app():
    """Responses of every kind the rule must tell apart."""
    text = ("Bài giảng " * 400).encode()

    def respond(request):
        kind = request.path_params["kind"]
        if kind == "pdf":
            return Response(b"%PDF-1.7 " + text, media_type="application/pdf")
        if kind == "zip":
            return Response(text, media_type="application/zip")
        if kind == "segment":
            return Response(text, media_type="video/mp2t")
        if kind == "m4s":
            return Response(text, media_type="application/octet-stream")
        if kind == "png":
            return Response(text, media_type="image/png")
        if kind == "range":
            return Response(
                text[:600], status_code=206, media_type="text/plain",
                headers={"content-range": f"bytes 0-599/{len(text)}"},
            )  # fmt: skip
        if kind == "encoded":
            return Response(
                gzip.compress(text), media_type="text/plain", headers={"content-encoding": "gzip"}
            )
        if kind == "playlist":
            return Response(text, media_type="application/vnd.apple.mpegurl")
        if kind == "vtt":
            return Response(text, media_type="text/vtt")
        if kind == "svg":
            return Response(text, media_type="image/svg+xml")
        return Response(text, media_type="text/html")

    app = Starlette(routes=[Route("/{kind}", respond)])
    return TestClient(Compression(app)), text


@pytest.mark.parametrize("kind", ["html", "playlist", "vtt", "svg"])
def test_text_kinds_are_compressed(kind):
    client, text = _echo_app()
    response, body = raw(client, f"/{kind}", **GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == text


@pytest.mark.parametrize("kind", ["pdf", "zip", "segment", "m4s", "png", "range", "encoded"])
def test_binaries_ranges_and_encoded_answers_are_left_alone(kind):
    client, text = _echo_app()
    response, body = raw(client, f"/{kind}", **GZIP)
    if kind == "encoded":
        assert gzip.decompress(body) == text  # once, not twice
    else:
        assert "content-encoding" not in response.headers
        assert body in (text, text[:600], b"%PDF-1.7 " + text)


def test_streamed_text_is_compressed_as_it_goes():
    async def stream():
        for _ in range(50):
            yield ("Câu hỏi trắc nghiệm " * 100).encode()

    from starlette.responses import StreamingResponse

    app = Starlette(
        routes=[Route("/s", lambda r: StreamingResponse(stream(), media_type="text/csv"))]
    )
    response, body = raw(TestClient(Compression(app)), "/s", **GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    expected = ("Câu hỏi trắc nghiệm " * 100).encode() * 50
    assert zlib.decompress(body, 16 + zlib.MAX_WBITS) == expected


def test_what_counts_as_text_and_what_the_client_takes():
    assert compressible("text/html; charset=utf-8") and compressible("application/json")
    assert compressible("application/vnd.apple.mpegurl") and compressible("text/vtt")
    assert not compressible("application/pdf") and not compressible("video/mp4")
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert not compressible(docx)
    assert accepts_gzip(Headers({"accept-encoding": "br, gzip, deflate"}))
    assert not accepts_gzip(Headers({"accept-encoding": "gzip;q=0"}))
    assert not accepts_gzip(Headers({"accept-encoding": "identity"}))


def test_the_content_origin_compresses_what_it_serves_as_text(settings, services):
    from kholieu.content.packages.origin import SCORM_API, create_content_app

    origin = TestClient(create_content_app(services.platform))
    response, body = raw(origin, SCORM_API, **GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert b"LMSInitialize" in gzip.decompress(body) or b"Initialize" in gzip.decompress(body)


# --- caching --------------------------------------------------------------------------------


def test_every_static_link_on_a_page_is_versioned_and_cached_for_a_year(app, client):
    html = client.get("/").text
    links = re.findall(r'(?:src|href|data-katex[a-z-]*)="(/static/[^"]+)"', html)
    assert len(links) >= 4  # stylesheet, favicon, app.js, api.js, KaTeX's three
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{12}$", link), link
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.headers["cache-control"] == LONG


def test_templates_link_static_files_only_through_the_helper():
    from kholieu.web.templating import TEMPLATE_DIR

    for template in TEMPLATE_DIR.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'(?:src|href)="/static/', text), template


def test_an_unversioned_or_stale_static_url_still_works_with_a_short_cache(app, client):
    for url in ("/static/js/app.js", "/static/js/app.js?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == SHORT
    with pytest.raises(LookupError):
        app.state.assets.url("js/no-such-file.js")


def test_a_changed_file_gets_a_new_version(tmp_path):
    from kholieu.web.assets import Assets

    (tmp_path / "a.js").write_text("one")
    before = Assets(tmp_path).url("a.js")
    (tmp_path / "a.js").write_text("two")
    assert Assets(tmp_path).url("a.js") != before


def test_pages_are_private_and_revalidated(client, make_user):
    from tests.support.web import sign_in

    assert client.get("/").headers["cache-control"] == "private, no-cache"
    user = make_user("teacher")
    sign_in(client, user)
    response = client.get("/cau-hoi")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-cache"


# --- HEAD, favicon, language switch ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/hoc-lieu", "/tim-kiem", "/login", "/healthz"])
def test_head_is_answered_wherever_get_is(client, url):
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_head_of_a_missing_page_is_404_not_405(client):
    assert client.head("/khong-co-trang-nay").status_code == 404


def test_head_says_the_compressed_length(client):
    head = client.head("/hoc-lieu", headers=GZIP)
    assert head.headers["content-encoding"] == "gzip"
    _, body = raw(client, "/hoc-lieu", **GZIP)
    assert abs(int(head.headers["content-length"]) - len(body)) < 200  # a fresh CSRF token


def test_favicon_is_a_real_icon_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    from io import BytesIO

    from PIL import Image

    icon = Image.open(BytesIO(response.content))
    assert icon.size in ((16, 16), (32, 32))
    assert re.search(r'<link rel="icon" href="/static/favicon.ico\?v=', client.get("/").text)


def test_the_language_switch_keeps_the_query(client):
    page = client.get("/tim-kiem?q=ph%C6%B0%C6%A1ng+tr%C3%ACnh&subject=toan").text
    link = re.search(r'href="(/lang/en\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(link, follow_redirects=False)
    assert response.status_code == 303
    target = response.headers["location"]
    assert target.startswith("/tim-kiem?")
    params = parse_qs(urlsplit(target).query)
    assert params["q"] == ["phương trình"] and params["subject"] == ["toan"]
    assert params["lang"] == ["en"]
    # switching back replaces lang= rather than adding a second one
    back = client.get("/lang/vi?next=/tim-kiem%3Fq%3Dx%26lang%3Den", follow_redirects=False)
    assert parse_qs(urlsplit(back.headers["location"]).query)["lang"] == ["vi"]


# --- the home page --------------------------------------------------------------------------


def test_the_home_page_has_a_search_box_and_role_links_and_no_developer_sample(client):
    html = client.get("/").text
    form = re.search(r'<form class="home-search" method="get" action="/tim-kiem"[^>]*>(.*?)</form>',
                     html, re.S)  # fmt: skip
    assert form and 'name="q"' in form.group(1)
    roles = re.search(r'data-testid="roles">(.*?)</section>', html, re.S).group(1)
    assert re.findall(r'<a class="card role" id="[a-z-]+" href="([^"]+)"', roles) == [
        "/bai-kiem-tra", "/goc-hoc-tap", "/bien-tap",
    ]  # fmt: skip
    assert "Công thức toán hiển thị đúng" not in html and "math-sample" not in html
    # KaTeX is only named for app.js to fetch on demand, never loaded by the page itself
    assert not re.search(r'<(?:script|link)\b[^>]*(?:src|href)="[^"]*katex', html)


def test_a_visitor_following_a_role_card_is_asked_to_sign_in_and_sent_there(client):
    for path in ("/bai-kiem-tra", "/goc-hoc-tap", "/bien-tap"):
        response = client.get(path, headers={"accept": "text/html"}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
