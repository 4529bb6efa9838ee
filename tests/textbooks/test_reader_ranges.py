"""The textbook reader loads a PDF by byte ranges from the content origin, from a page on the
app's origin: a cross-origin fetch, so the ranged answers must carry the CORS headers PDF.js
reads, on local storage and on S3 alike."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from starlette.testclient import TestClient

from kholieu.content.packages.origin import create_content_app, file_url
from kholieu.services import build_services
from tests.conftest import make_settings
from tests.support.content import attach, new_item, path_of

APP = "http://127.0.0.1:8000"  # the reader page's origin: PDF.js's fetches carry it
BODY = b"%PDF-1.4\n%" + bytes(range(256)) * 1024  # 256 KiB, every window distinct


@pytest.fixture(params=["local", "s3"])
def stored(request, tmp_path, database_url, monkeypatch) -> Iterator[tuple[TestClient, str]]:
    """(the content origin, the path of a stored PDF's /b/ link) on each store."""
    if request.param == "local":
        settings = make_settings(tmp_path, database_url=database_url)
        yield from _stored(settings)
        return
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kholieu-reader")
        settings = make_settings(
            tmp_path, database_url=database_url, storage_url="s3://kholieu-reader?region=us-east-1"
        )
        yield from _stored(settings)


def _stored(settings) -> Iterator[tuple[TestClient, str]]:
    services = build_services(settings)
    try:
        file = attach(services, new_item(services, kind="textbook"), BODY, "sgk.pdf")
        origin = TestClient(create_content_app(services))
        yield origin, path_of(file_url(settings, file.sha256, "sgk.pdf"))
    finally:
        services.close()


def test_a_ranged_fetch_gets_206_the_bytes_and_headers_pdfjs_may_read(stored):
    origin, path = stored
    response = origin.get(
        path, headers={"Origin": APP, "Range": "bytes=65536-131071"}, follow_redirects=False
    )
    assert response.status_code == 206
    assert response.content == BODY[65536:131072]
    assert response.headers["content-range"] == f"bytes 65536-131071/{len(BODY)}"
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].lower().split(", ")
    assert {"accept-ranges", "content-range", "content-length"} <= set(exposed)


def test_the_first_whole_file_fetch_tells_pdfjs_ranges_are_supported(stored):
    """PDF.js asks for the file without a range first and reads Accept-Ranges and
    Content-Length (then cancels it): on S3 too, that answer must come from the origin."""
    origin, path = stored
    with origin.stream("GET", path, headers={"Origin": APP}, follow_redirects=False) as response:
        assert response.status_code == 200
        assert response.headers["accept-ranges"] == "bytes"
        assert response.headers["content-length"] == str(len(BODY))
        assert "content-encoding" not in response.headers  # a gzipped answer disables ranges
        assert "content-length" in response.headers["access-control-expose-headers"].lower()


def test_a_preflight_allows_range_and_nothing_more(stored):
    origin, path = stored
    response = origin.options(
        path,
        headers={"Origin": APP, "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "range"},
    )  # fmt: skip
    assert response.status_code == 204
    assert response.headers["access-control-allow-headers"] == "Range"
    assert response.headers["access-control-allow-methods"] == "GET, HEAD"
    assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_for_a_bad_link_allows_nothing(stored):
    origin, path = stored
    response = origin.options(path.replace("/b/", "/p/"), headers={"Origin": APP})
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
