"""Resumable uploads through the API, on local storage (parts through the app) and on S3 over
HTTP (parts PUT straight to presigned URLs): a dropped upload resumes to identical bytes."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator

import boto3
import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from kholieu.app import create_app
from kholieu.content.files import blob_key
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from tests.conftest import PASSWORD, make_settings
from tests.support.content import PDF
from tests.support.jobs import wait_for
from tests.support.storage import REGION

PART = 8 * 1024 * 1024


@pytest.fixture(params=["local", "s3-http"])
def stack(
    request, tmp_path, database_url, aws_credentials
) -> Iterator[tuple[Services, TestClient]]:
    overrides = {}
    if request.param == "s3-http":
        endpoint = request.getfixturevalue("moto_server")
        bucket = f"kholieu-test-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", region_name=REGION, endpoint_url=endpoint).create_bucket(Bucket=bucket)
        overrides["storage_url"] = (
            f"s3://{bucket}?endpoint_url={endpoint}&region={REGION}&addressing_style=path"
        )
    settings = make_settings(tmp_path, database_url=database_url, **overrides)
    services = build_services(settings)
    request.getfixturevalue("services")  # empties the tables around the test
    with TestClient(create_app(settings, services)) as client:
        yield services, client
    services.close()


def login(client: TestClient, services: Services, role: str = "editor") -> dict[str, str]:
    name = f"{role}-{uuid.uuid4().hex[:6]}"
    with services.sessions.begin() as session:
        services.accounts.create_user(session, name, PASSWORD, role)
    token = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def new_item(client: TestClient, headers: dict[str, str], kind: str = "video") -> int:
    body = {"kind": kind, "title": "Bài giảng truyền hình", "subject": "toan", "grade": 9}
    return client.post("/api/v1/content", json=body, headers=headers).json()["id"]


def send(client, services, upload: dict, number: int, data: bytes, headers) -> None:
    if upload["part_urls"]:
        response = httpx.put(upload["part_urls"][number - 1], content=data, timeout=60)
    else:
        response = client.put(
            f"/api/v1/uploads/{upload['id']}/parts/{number}", content=data, headers=headers
        )
    assert response.status_code == 200, response.text


def run_jobs(services: Services, job_id: str) -> None:
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        wait_for(services, job_id, "succeeded")
    finally:
        work.stop()


def mp4(videos, size: int) -> bytes:
    """A real video (its index first) padded with random bytes to ``size``: ffprobe and the
    decode check accept it, and its parts differ."""
    head = videos["240p"].read_bytes()
    return head + os.urandom(size - len(head))


def test_dropped_upload_resumes_to_identical_bytes(stack, videos):
    services, client = stack
    headers = login(client, services)
    item = new_item(client, headers)
    data = mp4(videos, 2 * PART + 12345)
    upload = client.post(
        "/api/v1/uploads",
        json={"item_id": item, "filename": "bai-1.mp4", "size": len(data)},
        headers=headers,
    ).json()
    assert upload["parts"] == 3 and upload["part_size"] == PART
    assert (upload["part_urls"] is None) == (services.settings.storage_url.startswith("file"))
    send(client, services, upload, 1, data[:PART], headers)
    # The connection drops; later the page asks what arrived and sends the rest.
    status = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()
    assert [p["number"] for p in status["received"]] == [1]
    for number in (2, 3):
        send(client, services, status, number, data[(number - 1) * PART : number * PART], headers)
    done = client.post(f"/api/v1/uploads/{upload['id']}/complete", headers=headers)
    assert done.status_code == 202 and done.json()["status"] == "processing"
    run_jobs(services, done.json()["job_id"])
    final = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()
    assert final["status"] == "done" and final["error"] is None
    sha = hashlib.sha256(data).hexdigest()
    assert b"".join(services.store.get(blob_key(sha))) == data
    assert services.store.head(blob_key(sha)).content_type == "video/mp4"  # as detected
    assert not services.store.exists(f"incoming/{upload['id']}")


def test_completing_with_missing_parts_names_them(stack):
    services, client = stack
    headers = login(client, services)
    upload = client.post(
        "/api/v1/uploads",
        json={"item_id": new_item(client, headers), "filename": "x.mp4", "size": 3 * PART},
        headers=headers,
    ).json()
    send(client, services, upload, 2, b"\0" * PART, headers)
    response = client.post(f"/api/v1/uploads/{upload['id']}/complete", headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Chưa nhận được các phần: 1, 3"


def test_wrong_file_type_fails_with_the_reason_and_stores_nothing(stack):
    services, client = stack
    headers = login(client, services)
    item = new_item(client, headers, kind="document")
    data = b"plain text pretending to be a PDF\n" * 10
    final = upload_in_one_part(client, services, headers, item, "sgk.pdf", data)
    assert final["status"] == "failed"
    assert final["error"].startswith(
        "sgk.pdf: tệp có kiểu text/plain, không dùng được cho tài liệu"
    )
    # The rejected file is kept for its editor to look at, and goes when they delete it.
    assert [i.key for i in services.store.list("")] == [f"incoming/{final['id']}"]
    assert "sgk.pdf" in final["original_url"]
    assert fetch(client, final["original_url"]) == data
    assert client.delete(f"/api/v1/uploads/{final['id']}", headers=headers).status_code == 204
    assert [i.key for i in services.store.list("")] == []


def upload_in_one_part(client, services, headers, item: int, name: str, data: bytes) -> dict:
    """Upload ``data`` whole, run the checking job, return the upload's final state."""
    upload = client.post(
        "/api/v1/uploads", json={"item_id": item, "filename": name, "size": len(data)},
        headers=headers,
    ).json()  # fmt: skip
    send(client, services, upload, 1, data, headers)
    done = client.post(f"/api/v1/uploads/{upload['id']}/complete", headers=headers).json()
    run_jobs(services, done["job_id"])
    return client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()


def fetch(client: TestClient, url: str) -> bytes:
    """A download link: the app's signed /objects path, or a presigned S3 URL."""
    response = httpx.get(url, timeout=30) if url.startswith("http") else client.get(url)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers.get("content-disposition", "")
    return response.content


def test_a_video_that_does_not_decode_is_refused_and_kept(stack, videos):
    services, client = stack
    headers = login(client, services)
    data = videos["truncated"].read_bytes()
    item = new_item(client, headers)
    final = upload_in_one_part(client, services, headers, item, "bai-2.mp4", data)
    assert final["status"] == "failed"
    assert final["error"].startswith("bai-2.mp4: video bị cắt cụt hoặc hỏng")
    assert fetch(client, final["original_url"]) == data
    assert not list(services.store.list("blobs/"))


def test_limits_and_part_sizes(stack):
    services, client = stack
    headers = login(client, services)
    item = new_item(client, headers)
    services.settings.max_upload_bytes = 10 * PART
    too_big = client.post(
        "/api/v1/uploads",
        json={"item_id": item, "filename": "big.mp4", "size": 10 * PART + 1},
        headers=headers,
    )
    assert too_big.status_code == 413 and too_big.json()["error"]["details"]["field"] == "size"
    for size, said in ((-5, "big.mp4: kích thước không được âm (-5)"),
                       (0, "big.mp4: tệp rỗng")):  # fmt: skip
        refused = client.post(
            "/api/v1/uploads", json={"item_id": item, "filename": "big.mp4", "size": size},
            headers=headers,
        )  # fmt: skip
        assert refused.status_code == 422 and refused.json()["error"]["message"] == said
    if not services.settings.storage_url.startswith("file"):
        return  # S3 checks parts sent to it directly; the app checks them at completion
    upload = client.post(
        "/api/v1/uploads",
        json={"item_id": item, "filename": "a.mp4", "size": PART + 10},
        headers=headers,
    ).json()
    short = client.put(
        f"/api/v1/uploads/{upload['id']}/parts/1", content=b"x" * 10, headers=headers
    )
    assert short.status_code == 422
    assert short.json()["error"]["message"] == f"Phần 1 phải có {PART} byte, nhận được 10"


def test_who_may_upload(stack):
    services, client = stack
    owner = login(client, services)
    upload = client.post(
        "/api/v1/uploads",
        json={"item_id": new_item(client, owner), "filename": "a.pdf", "size": len(PDF)},
        headers=owner,
    ).json()
    for role, code in (("student", 403), ("teacher", 403), ("editor", 404)):
        assert (
            client.get(
                f"/api/v1/uploads/{upload['id']}", headers=login(client, services, role)
            ).status_code
            == code
        )
    assert client.get(f"/api/v1/uploads/{upload['id']}").status_code == 401
    assert client.delete(f"/api/v1/uploads/{upload['id']}", headers=owner).status_code == 204
