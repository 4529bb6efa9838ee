"""Fixtures: storage targets for the ObjectStore contract and the upload tests: LocalStore,
S3Store on moto in-process, and S3Store over HTTP against moto's server (presigned URLs and
parts cross a real socket)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import boto3
import httpx2 as httpx
import pytest
import requests
from fastapi.testclient import TestClient
from moto import mock_aws
from moto.server import ThreadedMotoServer

from kholieu.app import create_app
from kholieu.services import build_services
from kholieu.storage import ObjectStore
from kholieu.storage.s3 import S3Store
from tests.conftest import make_settings
from tests.support.ports import free_port

REGION = "us-east-1"


@dataclass
class Target:
    store: ObjectStore
    fetch: Callable[..., tuple[int, dict[str, str], bytes]]  # (url, headers) -> response
    put: Callable[[str, bytes], tuple[int, dict[str, str]]]  # PUT to a presigned part URL


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _over(http) -> tuple[Callable, Callable]:
    """fetch/put through an HTTP module: requests (which moto's in-process mock intercepts) or
    httpx2 (a real socket to moto's server)."""

    def fetch(url: str, headers: dict[str, str] | None = None):
        response = http.get(url, headers=headers or {}, timeout=30)
        return response.status_code, dict(response.headers), response.content

    def put(url: str, body: bytes):
        response = (
            http.put(url, data=body, timeout=30)
            if http is requests
            else http.put(url, content=body, timeout=30)
        )
        return response.status_code, dict(response.headers)

    return fetch, put


@pytest.fixture(params=["local", "s3-moto", "s3-http"])
def target(request: pytest.FixtureRequest, tmp_path, aws_credentials) -> Iterator[Target]:
    bucket = f"kholieu-test-{uuid.uuid4().hex[:12]}"
    if request.param == "local":
        settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path}/unused.db")
        services = build_services(settings)
        with TestClient(create_app(settings, services)) as client:

            def fetch(url: str, headers: dict[str, str] | None = None):
                response = client.get(url, headers=headers or {})
                return response.status_code, dict(response.headers), response.content

            yield Target(services.store, fetch, put=lambda url, body: (405, {}))
        services.close()
    elif request.param == "s3-moto":
        with mock_aws():
            boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
            yield Target(S3Store(bucket, prefix="kl", region=REGION), *_over(requests))
    else:
        endpoint = request.getfixturevalue("moto_server")
        client = boto3.client("s3", region_name=REGION, endpoint_url=endpoint)
        client.create_bucket(Bucket=bucket)
        store = S3Store.from_url(
            f"s3://{bucket}/kl?endpoint_url={endpoint}&region={REGION}&addressing_style=path"
        )
        yield Target(store, *_over(httpx))
