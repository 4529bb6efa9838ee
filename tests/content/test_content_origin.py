"""The content origin and the content page: uploaded code is served apart from the app."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from kholieu.content.packages.origin import create_content_app, file_url, package_url
from kholieu.content.tasks import unpack_package
from kholieu.jobs.queue import JobContext
from tests.support.content import PDF, attach, lab_zip, new_item, path_of


@pytest.fixture
def origin(services) -> TestClient:
    return TestClient(create_content_app(services))


def unpacked_lab(services, status: str = "published"):
    item_id = new_item(services, kind="lab")
    file = attach(services, item_id, lab_zip(), "con-lac.zip")
    unpack_package(JobContext("j", {"sha256": file.sha256}, services.platform, lambda _p: None))
    if status == "published":
        with services.sessions.begin() as session:
            services.content.transition(session, None, item_id, "submit")
            services.content.transition(session, None, item_id, "approve")
    return item_id, file


def test_package_files_are_served_with_a_locked_down_policy(services, origin):
    _, file = unpacked_lab(services)
    response = origin.get(path_of(package_url(services.settings, file.sha256, "index.html")))
    assert response.status_code == 200 and b"<canvas>" in response.content
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "default-src 'self' data: blob:" in csp
    assert "frame-ancestors http://127.0.0.1:8000 http://localhost:8000" in csp
    assert "set-cookie" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_relative_assets_ranges_and_etags(services, origin):
    _, file = unpacked_lab(services)
    base = path_of(package_url(services.settings, file.sha256, "index.html")).rsplit("/", 1)[0]
    script = origin.get(f"{base}/sim.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    part = origin.get(f"{base}/sim.js", headers={"Range": "bytes=0-7"})
    assert part.status_code == 206 and part.content == b"document"
    assert part.headers["content-range"].startswith("bytes 0-7/")
    cached = origin.get(f"{base}/sim.js", headers={"If-None-Match": script.headers["etag"]})
    assert cached.status_code == 304


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head(services, origin, method):
    _, file = unpacked_lab(services)
    url = path_of(package_url(services.settings, file.sha256, "index.html"))
    assert getattr(origin, method)(url).status_code == 405
    assert origin.head(url).status_code == 200


def test_tampered_expired_or_escaping_links_are_refused(services, origin):
    _, file = unpacked_lab(services)
    url = path_of(package_url(services.settings, file.sha256, "index.html"))
    token = url.split("/")[2]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert origin.get(url.replace(token, forged)).status_code == 403
    services.settings.content_link_ttl_s = -10
    expired = path_of(package_url(services.settings, file.sha256, "index.html"))
    assert origin.get(expired).status_code == 403
    services.settings.content_link_ttl_s = 3600
    fresh = path_of(package_url(services.settings, file.sha256, "index.html"))
    escaping = fresh.replace("index.html", "..%2F..%2Fblobs%2Fx")
    assert origin.get(escaping).status_code == 404


def test_package_is_served_only_once_fully_unpacked(services, origin):
    item_id = new_item(services, kind="lab")
    file = attach(services, item_id, lab_zip(), "con-lac.zip")
    url = path_of(package_url(services.settings, file.sha256, "index.html"))
    assert origin.get(url).status_code == 404


def test_content_page_frames_the_package_in_a_sandbox(services, client):
    item_id, _ = unpacked_lab(services)
    page = client.get(f"/content/{item_id}")
    assert page.status_code == 200
    assert 'sandbox="allow-scripts allow-forms allow-popups allow-modals allow-pointer-lock"' in (
        page.text
    )
    assert "allow-same-origin" not in page.text
    assert 'src="http://127.0.0.1:8001/p/' in page.text
    assert "frame-src http://127.0.0.1:8001" in page.headers["content-security-policy"]


def test_a_package_alone_on_a_page_of_its_own(services, client):
    """The full-screen fallback: the same sandboxed frame alone, for whoever may see the
    item; a draft is a 404 to a visitor, an item without a package goes back to its page."""
    item_id, _ = unpacked_lab(services)
    page = client.get(f"/content/{item_id}")
    assert f'href="/content/{item_id}/toan-man-hinh"' in page.text
    alone = client.get(f"/content/{item_id}/toan-man-hinh")
    assert alone.status_code == 200 and 'data-testid="package-alone"' in alone.text
    assert 'sandbox="allow-scripts allow-forms allow-popups allow-modals allow-pointer-lock"' in (
        alone.text
    )
    assert "allow-same-origin" not in alone.text and 'src="http://127.0.0.1:8001/p/' in alone.text
    assert "frame-src http://127.0.0.1:8001" in alone.headers["content-security-policy"]
    draft, _ = unpacked_lab(services, status="draft")
    assert client.get(f"/content/{draft}/toan-man-hinh").status_code == 404
    text_only = new_item(services, body="<p>Bài giảng</p>")
    with services.sessions.begin() as session:
        services.content.transition(session, None, text_only, "submit")
        services.content.transition(session, None, text_only, "approve")
    back = client.get(f"/content/{text_only}/toan-man-hinh", follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == f"/content/{text_only}"


def test_content_page_counts_views_and_sanitises_the_body(services, client):
    item_id = new_item(
        services, body='<p onclick="steal()">Định lí <b>Pi-ta-go</b></p><script>alert(1)</script>'
    )
    with services.sessions.begin() as session:
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")
    client.get(f"/content/{item_id}")
    page = client.get(f"/content/{item_id}")
    assert "<p>Định lí <b>Pi-ta-go</b></p>" in page.text
    assert "alert(1)" not in page.text and "onclick" not in page.text
    with services.sessions() as session:
        assert services.content.get(session, None, item_id).views == 2


def test_pdf_is_shown_from_the_content_origin(services, client, origin):
    item_id = new_item(services)
    file = attach(services, item_id, PDF, "sgk.pdf")
    with services.sessions.begin() as session:
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")
    page = client.get(f"/content/{item_id}")
    assert 'data-testid="pdf-frame"' in page.text
    response = origin.get(path_of(file_url(services.settings, file.sha256, "sgk.pdf")))
    assert response.status_code == 200 and response.content == PDF


def test_drafts_are_not_shown_to_students(services, client, make_user, bearer):
    item_id, _ = unpacked_lab(services, status="draft")
    assert client.get(f"/content/{item_id}", headers={"accept": "text/html"}).status_code == 404
    editor = bearer(make_user("editor"))
    assert client.get(f"/content/{item_id}", headers=editor).status_code == 200


def test_related_items_share_subject_and_grade(services, client):
    from kholieu.content.schemas import ContentIn

    ids = []
    for title, grade in (("Bài A", 9), ("Bài B", 9), ("Bài C", 10)):
        with services.sessions.begin() as session:
            item = services.content.create(
                session,
                None,
                ContentIn(kind="lecture", title=title, subject="toan", grade=grade, body="Bài"),
            )
            services.content.transition(session, None, item.id, "submit")
            services.content.transition(session, None, item.id, "approve")
            ids.append(item.id)
    page = client.get(f"/content/{ids[0]}").text
    related = page.split('data-testid="related"')[1]
    assert "Bài B" in related and "Bài C" not in related and "Bài A" not in related


def test_stored_files_on_s3_come_from_presigned_urls(tmp_path, database_url, services, monkeypatch):
    import boto3
    from moto import mock_aws

    from kholieu.services import build_services
    from tests.conftest import make_settings

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kholieu-test")
        settings = make_settings(
            tmp_path, database_url=database_url, storage_url="s3://kholieu-test?region=us-east-1"
        )
        s3_services = build_services(settings)
        file = attach(s3_services, new_item(s3_services), PDF, "sgk.pdf")
        response = TestClient(create_content_app(s3_services)).get(
            path_of(file_url(settings, file.sha256, "sgk.pdf")), follow_redirects=False
        )
        s3_services.close()
    assert response.status_code == 302
    assert "kholieu-test" in response.headers["location"]
    assert "X-Amz-Signature=" in response.headers["location"]


@pytest.mark.parametrize("name", ["a//b.ts", "a/%2e%2e/b.ts", "x.ts"])
def test_a_bad_path_inside_a_valid_video_link_is_404(services, origin, name):
    from kholieu.content.packages.origin import video_url

    response = origin.get(path_of(video_url(services.settings, "ab" * 32, name)))
    assert response.status_code == 404
    assert "content-security-policy" in response.headers


def test_ranges_the_file_path_does_not_take_keep_the_origin_s_answers(services, origin):
    """Starlette serves local files, but an unsatisfiable range still gets our 416 with the
    sandbox's headers, and a malformed or multiple range the whole file, as before."""
    _, file = unpacked_lab(services)
    url = path_of(package_url(services.settings, file.sha256, "sim.js"))
    whole = origin.get(url)
    assert whole.status_code == 200 and whole.headers["content-security-policy"]
    size = len(whole.content)
    beyond = origin.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
    assert beyond.headers["access-control-allow-origin"] == "*"
    assert beyond.headers["content-security-policy"] == whole.headers["content-security-policy"]
    for odd in ("bytes=abc", "bytes=0-1,3-4", "items=0-1"):
        response = origin.get(url, headers={"Range": odd})
        assert response.status_code == 200 and response.content == whole.content, odd
    part = origin.get(url, headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.content == whole.content[:4]
    assert part.headers["etag"] == whole.headers["etag"]


def test_a_range_of_thousands_of_digits_is_416_not_a_crash(services, origin):
    _, file = unpacked_lab(services)
    url = path_of(package_url(services.settings, file.sha256, "sim.js"))
    size = len(origin.get(url).content)
    for huge in ("bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000):
        response = origin.get(url, headers={"Range": huge})
        assert response.status_code == 416, huge[:20]
        assert response.headers["content-range"] == f"bytes */{size}"
