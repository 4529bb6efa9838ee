"""S3 going away while the background jobs use it: a good upload is never rejected for it, a
transcode waits and finishes by itself, a web request meets a clear 503 within its timeouts.

S3 is moto's server behind ``tests.support.faults.Switch``: the outage starts at a byte count
(in the middle of the finish job's download), lasts until the job has been put off at least
twice — the state the test waits for, not a time — and ends when the test says so. The wait
delays are shortened (0.2–0.5 s) so the test does not sit through minutes of backoff; the
production defaults are 1 s doubling to 30 s for 15 minutes (README, "Faults").
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterator

import boto3
import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kholieu.app import create_app
from kholieu.content.files import blob_key
from kholieu.content.models import ContentFile, Upload, UploadStatus
from kholieu.jobs.models import Job, JobStatus
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from kholieu.video.transcode import hls_prefix, read_marker
from tests.conftest import make_settings
from tests.content.test_uploads import PART, login, new_item
from tests.support.content import PDF
from tests.support.faults import Switch, switch_in_front_of
from tests.support.storage import REGION
from tests.video.test_video_pipeline import attach_video, job_of, stored_under

SIZE = 150 * 2**20


@pytest.fixture
def s3_behind_switch(
    request, tmp_path, database_url, aws_credentials, moto_server
) -> Iterator[tuple[Services, TestClient, Switch]]:
    # A short read timeout only where a test is about it: moto assembling a 150 MB upload on
    # a busy machine may take longer than 2 s to answer, and that is not an outage.
    marker = request.node.get_closest_marker("read_timeout")
    read_timeout = marker.args[0] if marker else 30
    bucket = f"kholieu-test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION, endpoint_url=moto_server).create_bucket(Bucket=bucket)
    with switch_in_front_of(moto_server) as switch:
        settings = make_settings(
            tmp_path, database_url=database_url,
            storage_url=f"s3://{bucket}?endpoint_url={switch.url}&region={REGION}"
            "&addressing_style=path",
            storage_read_timeout_s=read_timeout, storage_attempts=1,
            job_wait_delay_s=0.2, job_wait_max_delay_s=0.5,
        )  # fmt: skip
        services = build_services(settings)
        request.getfixturevalue("services")  # empties the tables around the test
        with TestClient(create_app(settings, services)) as client:
            yield services, client, switch
        services.close()


def wait_until(check, what, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what() if callable(what) else what}")


def pdf_of(size: int) -> bytes:
    """A PDF's header and trailer around ``size`` random bytes: accepted as a document."""
    return PDF[:9] + os.urandom(size) + b"\ntrailer <<>>\n%%EOF\n"


def upload_whole(client, headers, item: int, name: str, data: bytes) -> tuple[dict, str]:
    """Every part PUT to its presigned URL, then completed: (the upload, its check job)."""
    upload = client.post(
        "/api/v1/uploads", json={"item_id": item, "filename": name, "size": len(data)},
        headers=headers,
    ).json()  # fmt: skip
    for number, url in enumerate(upload["part_urls"], start=1):
        part = data[(number - 1) * PART : number * PART]
        assert httpx.put(url, content=part, timeout=60).status_code == 200
    done = client.post(f"/api/v1/uploads/{upload['id']}/complete", headers=headers)
    assert done.status_code == 202, done.text
    return upload, done.json()["job_id"]


def finished(services: Services, job_id: str, timeout: float = 120) -> Job:
    return wait_until(
        lambda: (j := job(services, job_id)).status in (JobStatus.succeeded, JobStatus.failed)
        and j, "the job to finish", timeout,
    )  # fmt: skip


def job(services: Services, job_id: str) -> Job:
    with services.sessions() as session:
        return session.get(Job, job_id)


def test_an_outage_during_the_finish_job_delays_a_good_upload_and_never_rejects_it(
    s3_behind_switch,
):
    services, client, switch = s3_behind_switch
    headers = login(client, services)
    item = new_item(client, headers, kind="document")
    data = pdf_of(SIZE)
    upload, job_id = upload_whole(client, headers, item, "de-thi.pdf", data)

    switch.down_after(SIZE // 3)  # S3 goes away a third of the way into the job's download
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        switch.wait_down()
        waiting = wait_until(
            lambda: (j := job(services, job_id)).waits >= 2 and j,
            lambda: (
                f"two waits; the job is {job(services, job_id).__dict__}, the upload "
                + str(client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json())
            ),
        )
        assert waiting.status in (JobStatus.retrying, JobStatus.running)
        assert waiting.error.startswith("đang chờ kho lưu trữ / storage: ")
        with services.sessions() as session:
            assert session.get(Upload, upload["id"]).status == UploadStatus.processing
        shown = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()
        assert shown["status"] == "processing" and shown["error"] is None

        switch.set("up")
        done = finished(services, job_id)
    finally:
        work.stop()
    assert done.status == JobStatus.succeeded and done.waiting_since is None
    final = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()
    assert final["status"] == "done" and final["error"] is None
    sha = hashlib.sha256(data).hexdigest()
    stored = hashlib.sha256()
    for chunk in services.store.get(blob_key(sha)):
        stored.update(chunk)
    assert stored.hexdigest() == sha
    assert not services.store.exists(f"incoming/{upload['id']}")
    with services.sessions() as session:
        attached = session.scalar(select(ContentFile).where(ContentFile.item_id == item))
        assert (attached.sha256, attached.size) == (sha, len(data))


@pytest.mark.read_timeout(2)
def test_a_slow_s3_is_not_an_outage(s3_behind_switch):
    """Answers that come late but keep coming (every chunk held back, the whole download far
    longer than the read timeout) are waited for: the read timeout is per read, not per
    transfer, so the job neither waits nor fails."""
    services, client, switch = s3_behind_switch
    headers = login(client, services)
    item = new_item(client, headers, kind="document")
    data = pdf_of(12 * 2**20)
    upload, job_id = upload_whole(client, headers, item, "sgk.pdf", data)
    switch.set("slow", delay_s=0.03)  # 12 MiB: over 5 s, the read timeout is 2 s
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        done = finished(services, job_id)
    finally:
        work.stop()
    assert done.status == JobStatus.succeeded and done.waits == 0
    final = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()
    assert final["status"] == "done"
    sha = hashlib.sha256(data).hexdigest()
    assert services.store.head(blob_key(sha)).size == len(data)


@pytest.mark.read_timeout(2)
def test_a_web_request_meeting_a_hung_s3_answers_503_within_its_timeouts(s3_behind_switch):
    services, client, switch = s3_behind_switch
    headers = login(client, services)
    item = new_item(client, headers, kind="document")
    switch.set("hang")
    started = time.monotonic()
    response = client.post(
        "/api/v1/uploads", json={"item_id": item, "filename": "a.pdf", "size": 100},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable" and "Không kết nối được S3" in error["message"]
    assert time.monotonic() - started < 60  # one try of 2 s; hung for minutes before
    # The next requests do not wait again: S3 was found away a moment ago (the breaker).
    tried = switch.refused
    again = client.post(
        "/api/v1/uploads", json={"item_id": item, "filename": "b.pdf", "size": 100},
        headers=headers,
    )  # fmt: skip
    assert again.status_code == 503 and switch.refused == tried
    assert "Vừa rồi không kết nối được S3" in again.json()["error"]["message"]
    assert again.headers["Retry-After"]
    ready = client.get("/readyz")  # its storage check cannot finish before the 2 s timeout
    assert ready.status_code == 503
    storage = ready.json()["checks"]["storage"]
    assert storage["ok"] is False and storage["timed_out"] is True
    assert storage["error"].startswith("storage did not answer within")
    assert ready.json()["checks"]["database"]["ok"] is True


def test_a_transcode_meeting_an_outage_finishes_by_itself_once_s3_is_back(s3_behind_switch, videos):
    """S3 goes away while the ladder's segments are being stored: the job waits (its row says
    for what) instead of spending its retries, and once S3 is back it completes with exactly
    the outputs its marker lists — no stray and no missing segment."""
    services, _client, switch = s3_behind_switch
    item = attach_video(services, videos["720p"])
    job_id = job_of(services, item)
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        wait_until(lambda: job(services, job_id).progress >= 0.2, "encoding under way")
        switch.set("down")
        waiting = wait_until(lambda: (j := job(services, job_id)).waits >= 2 and j, "two waits")
        assert waiting.error.startswith("đang chờ kho lưu trữ / storage: ")
        assert waiting.status in (JobStatus.retrying, JobStatus.running)
        switch.set("up")
        done = finished(services, job_id, timeout=300)
    finally:
        work.stop()
    assert done.status == JobStatus.succeeded, done.error
    with services.sessions() as session:
        file = services.content.file(session, item)
        assert file.hls is not None
        marker = read_marker(services.store, file.sha256)
        stored = stored_under(services.store, file.sha256)
    assert stored == sorted(f"{hls_prefix(file.sha256)}/{name}" for name in marker["files"])
    assert any(name.endswith(".ts") for name in marker["files"])
