"""S3Store turns botocore's failures into the project's own errors."""

from __future__ import annotations

import io

import boto3
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from moto import mock_aws

from kholieu.errors import ObjectNotFound, StorageUnavailable, UploadNotFound
from kholieu.storage.s3 import S3Store


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kholieu-test")
        yield


def test_missing_bucket_is_storage_unavailable(aws):
    with pytest.raises(StorageUnavailable, match="no-such-bucket"):
        S3Store("no-such-bucket", region="us-east-1").ping()


def test_missing_key_and_upload(aws):
    store = S3Store("kholieu-test", region="us-east-1")
    with pytest.raises(ObjectNotFound):
        store.get("a/b")
    with pytest.raises(UploadNotFound):
        store.list_parts("a/b", "not-an-upload")


def test_unreachable_endpoint_is_storage_unavailable(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    store = S3Store(
        "kholieu-test",
        endpoint_url="http://127.0.0.1:1",
        region="us-east-1",
        connect_timeout=1,
        max_attempts=1,
    )
    with pytest.raises(StorageUnavailable, match="unreachable"):
        store.put("a/b", io.BytesIO(b"x"))


def test_from_url_reads_bucket_prefix_and_options():
    store = S3Store.from_url(
        "s3://bucket/some/prefix?endpoint_url=http://minio:9000&region=hn-1&addressing_style=path"
    )
    assert store.bucket == "bucket" and store.prefix == "some/prefix/"
    assert store._client.meta.endpoint_url == "http://minio:9000"
    assert store._client.meta.region_name == "hn-1"


def test_a_download_that_breaks_off_is_storage_unavailable(aws, monkeypatch):
    from botocore.exceptions import ResponseStreamingError
    from botocore.response import StreamingBody

    store = S3Store("kholieu-test", region="us-east-1")
    store.put("a/b", io.BytesIO(b"x" * 100_000))
    stream = store.get("a/b")
    assert stream.read(10) == b"x" * 10

    def broken(self, amt=None):
        raise ResponseStreamingError(error="Connection broken: IncompleteRead(10 bytes read)")

    monkeypatch.setattr(StreamingBody, "read", broken)
    with pytest.raises(StorageUnavailable, match="broke off"):
        stream.read(10)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionClosedError(endpoint_url="http://s3:9000/b/k"),
        ReadTimeoutError(endpoint_url="http://s3:9000/b/k"),
        ClientError({"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate"},
                     "ResponseMetadata": {"HTTPStatusCode": 503}}, "GetObject"),
        ClientError({"Error": {"Code": "InternalError", "Message": "We encountered an error"},
                     "ResponseMetadata": {"HTTPStatusCode": 500}}, "GetObject"),
    ],
)  # fmt: skip
def test_an_endpoint_that_drops_or_fails_the_request_is_unavailable_not_a_bad_request(
    aws, monkeypatch, error
):
    """What a restarting S3 answers: a job meeting it waits (transient), rather than marking
    a good upload rejected (StorageError was taken for a refusal of the file)."""
    store = S3Store("kholieu-test", region="us-east-1")

    def fail(**_kwargs):
        raise error

    monkeypatch.setattr(store._client, "get_object", fail)
    with pytest.raises(StorageUnavailable):
        store.get("a/b")
