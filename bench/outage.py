"""S3 outages with the production defaults (no shortened waits): the issue-16 scenarios in real
time. S3 is moto's server behind the fault switch of the test suite.

1. A 150 MB upload whose finish job meets a 60 s outage a third of the way into its download:
   prints whether it ended attached with the right SHA-256, the job's waits, and how long after
   S3 came back it was done.
2. `/readyz` while S3 accepts connections and never answers: prints how long it took and what
   it said about storage.

    python bench/outage.py [--outage 60] [--size-mb 150]

Exits 1 when the upload did not end attached with the right SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
import httpx2 as httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from kholieu.accounts.roles import Role  # noqa: E402
from kholieu.app import create_app  # noqa: E402
from kholieu.config import load_settings  # noqa: E402
from kholieu.content.files import blob_key  # noqa: E402
from kholieu.db.migrate import upgrade  # noqa: E402
from kholieu.jobs.models import Job, JobStatus  # noqa: E402
from kholieu.jobs.runner import BackgroundWork  # noqa: E402
from kholieu.services import build_services  # noqa: E402
from tests.support.content import PDF  # noqa: E402
from tests.support.faults import Switch  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

PASSWORD = "mat-khau-bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=60.0, help="seconds S3 stays down")
    parser.add_argument("--size-mb", type=int, default=150)
    args = parser.parse_args()

    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    switch = Switch("127.0.0.1", port)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            data_dir=Path(tmp), in_process_workers=0, search_url="null://", log_format="json",
            storage_url=f"s3://{bucket}?endpoint_url={switch.url}&region=us-east-1"
            "&addressing_style=path",
            allowed_hosts="testserver", password_time_cost=1, password_memory_kib=1024,
        )  # fmt: skip
        services = build_services(settings)
        upgrade(services.engine)
        try:
            with TestClient(create_app(settings, services)) as client:
                ok = upload_through_outage(services, client, switch, args)
                readyz_while_hanging(client, switch)
        finally:
            services.close()
            switch.close()
            moto.stop()
    return 0 if ok else 1


def upload_through_outage(services, client, switch: Switch, args) -> bool:
    with services.sessions.begin() as session:
        services.accounts.create_user(session, "bench-editor", PASSWORD, Role.editor)
    token = client.post(
        "/api/v1/auth/token", data={"username": "bench-editor", "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    item = client.post(
        "/api/v1/content", headers=headers,
        json={"kind": "document", "title": "Đề thi", "subject": "toan", "grade": 12},
    ).json()["id"]  # fmt: skip
    size = args.size_mb * 2**20
    data = PDF[:9] + os.urandom(size) + b"\ntrailer <<>>\n%%EOF\n"
    upload = client.post(
        "/api/v1/uploads", headers=headers,
        json={"item_id": item, "filename": "de-thi.pdf", "size": len(data)},
    ).json()  # fmt: skip
    part = upload["part_size"]
    for number, url in enumerate(upload["part_urls"], start=1):
        httpx.put(url, content=data[(number - 1) * part : number * part], timeout=120)
    job_id = client.post(f"/api/v1/uploads/{upload['id']}/complete", headers=headers).json()[
        "job_id"
    ]
    switch.down_after(size // 3)
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        switch.wait_down()
        down_at = time.monotonic()
        time.sleep(args.outage)
        switch.set("up")
        back_at = time.monotonic()
        while (job := _job(services, job_id)).status not in (
            JobStatus.succeeded, JobStatus.failed
        ):  # fmt: skip
            time.sleep(0.1)
        done_at = time.monotonic()
    finally:
        work.stop()
    final = client.get(f"/api/v1/uploads/{upload['id']}", headers=headers).json()
    sha = hashlib.sha256(data).hexdigest()
    stored = hashlib.sha256()
    if services.store.exists(blob_key(sha)):
        for chunk in services.store.get(blob_key(sha)):
            stored.update(chunk)
    right = final["status"] == "done" and stored.hexdigest() == sha
    print(f"upload of {args.size_mb} MB, S3 down {back_at - down_at:.1f} s during its finish job")
    print(f"  job {job.status} after {job.attempts} runs, {job.waits} of them put off")
    print(f"  upload {final['status']}, SHA-256 {'right' if right else 'WRONG'}")
    print(f"  done {done_at - back_at:.1f} s after S3 came back")
    return right


def readyz_while_hanging(client, switch: Switch) -> None:
    switch.set("hang")
    for attempt in (1, 2):
        started = time.monotonic()
        response = client.get("/readyz")
        took = time.monotonic() - started
        storage = response.json()["checks"]["storage"]
        print(f"/readyz with S3 hanging (call {attempt}): {response.status_code} in {took:.2f} s;"
              f" storage: {storage.get('error')}")  # fmt: skip
    switch.set("up")


def _job(services, job_id: str) -> Job:
    with services.sessions() as session:
        return session.get(Job, job_id)


if __name__ == "__main__":
    sys.exit(main())
