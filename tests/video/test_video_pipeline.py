"""The video pipeline end to end on local storage and on S3 (moto in-process): probe at upload,
the HLS ladder in one ffmpeg run, poster and scrubbing thumbnails, the marker written last, and
a killed or cancelled job that leaves nothing half-published and no duplicate outputs."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from kholieu.content.pages import viewer
from kholieu.content.schemas import ContentIn
from kholieu.content.service import load_documents
from kholieu.errors import ValidationFailed
from kholieu.jobs.models import Job
from kholieu.jobs.queue import JobCancelled, JobContext
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from kholieu.storage import ObjectStore
from kholieu.video import transcode
from kholieu.video.media import BadVideo
from kholieu.video.transcode import hls_prefix, marker_key, read_marker
from tests.conftest import _empty_tables, make_settings
from tests.support.jobs import ffmpeg_running as _ffmpeg_running
from tests.support.jobs import run_until, wait_for
from tests.support.storage import REGION

LADDER = ["240p", "360p", "480p", "720p", "audio"]


@pytest.fixture(params=["local", "s3-moto"])
def stack(request, tmp_path, database_url, aws_credentials) -> Iterator[Services]:
    overrides: dict[str, object] = {"job_retries": 1, "job_retry_delay_s": 0.1}
    if request.param == "local":
        yield from _services(tmp_path, database_url, overrides)
        return
    bucket = f"kholieu-test-{uuid.uuid4().hex[:12]}"
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
        overrides["storage_url"] = f"s3://{bucket}/kl?region={REGION}"
        yield from _services(tmp_path, database_url, overrides)


def _services(tmp_path, database_url, overrides) -> Iterator[Services]:
    services = build_services(make_settings(tmp_path, database_url=database_url, **overrides))
    services.queue.huey.flush()
    _empty_tables(services.engine)
    yield services
    _empty_tables(services.engine)
    services.queue.huey.flush()
    services.close()


def attach_video(services: Services, path: Path, title: str = "Bài giảng truyền hình") -> int:
    with services.sessions.begin() as session:
        data = ContentIn(kind="video", title=title, subject="toan", grade=6)
        item = services.content.create(session, None, data)
        with path.open("rb") as stream:
            services.content.attach(session, None, item.id, stream, path.name)
        return item.id


def job_of(services: Services, item_id: int) -> str:
    with services.sessions() as session:
        return services.content.file(session, item_id).job_id


def run_job(services: Services, job_id: str, status: str = "succeeded") -> Job:
    return run_until(services, job_id, status)


def read(store: ObjectStore, key: str) -> bytes:
    with store.get(key) as stream:
        return stream.read()


def stored_under(store: ObjectStore, sha256: str) -> list[str]:
    return sorted(info.key for info in store.list(hls_prefix(sha256) + "/"))


def test_a_ten_second_video_becomes_a_playable_ladder(stack, videos):
    services = stack
    item_id = attach_video(services, videos["720p"])
    with services.sessions() as session:
        file = services.content.file(session, item_id)
        assert file.media["width"] == 1280 and file.media["height"] == 720
        assert file.media["duration"] == pytest.approx(10, abs=0.1)
        assert file.media["video_codec"] == "h264" and file.media["has_audio"]
        assert viewer(services.settings, file) == {"type": "processing"}
        sha = file.sha256
    job = run_job(services, job_of(services, item_id))
    assert job.progress == 1.0 and job.attempts == 1
    store = services.store
    master = read(store, f"{hls_prefix(sha)}/master.m3u8").decode()
    variants = re.findall(r"^(\S+)/index\.m3u8$", master, re.MULTILINE)
    assert variants == LADDER
    assert re.findall(r"RESOLUTION=\d+x(\d+)", master) == ["240", "360", "480", "720"]
    assert 'CODECS="mp4a.40.2"' in master  # the audio-only rendition
    for name in LADDER:
        playlist = read(store, f"{hls_prefix(sha)}/{name}/index.m3u8").decode()
        lengths = [float(x) for x in re.findall(r"#EXTINF:([\d.]+),", playlist)]
        assert "#EXT-X-TARGETDURATION:6" in playlist and "#EXT-X-ENDLIST" in playlist
        assert sum(lengths) == pytest.approx(10, abs=0.2) and max(lengths) <= 6.05
        for segment in re.findall(r"^(seg\d+\.ts)$", playlist, re.MULTILINE):
            assert read(store, f"{hls_prefix(sha)}/{name}/{segment}")[:1] == b"G"  # TS sync
    assert read(store, f"{hls_prefix(sha)}/poster.jpg")[:3] == b"\xff\xd8\xff"
    assert read(store, f"{hls_prefix(sha)}/sprite.jpg")[:3] == b"\xff\xd8\xff"
    thumbnails = read(store, f"{hls_prefix(sha)}/thumbnails.vtt").decode()
    assert thumbnails.startswith("WEBVTT") and thumbnails.count("sprite.jpg#xywh=") == 5
    marker = read_marker(store, sha)
    assert stored_under(store, sha) == [f"{hls_prefix(sha)}/{f}" for f in marker["files"]]
    with services.sessions() as session:
        file = services.content.file(session, item_id)
        assert [r["name"] for r in file.hls["renditions"]] == LADDER
        shown = viewer(services.settings, file)
        assert shown["type"] == "video" and shown["src"].endswith("/master.m3u8")


def test_a_240p_source_gets_no_higher_rung(stack, videos):
    services = stack
    item_id = attach_video(services, videos["240p"])
    run_job(services, job_of(services, item_id))
    with services.sessions() as session:
        file = services.content.file(session, item_id)
        master = read(services.store, f"{hls_prefix(file.sha256)}/master.m3u8").decode()
    assert re.findall(r"^(\S+)/index\.m3u8$", master, re.MULTILINE) == ["240p", "audio"]
    assert "720p" not in master and [r["name"] for r in file.hls["renditions"]] == ["240p", "audio"]


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("truncated", 422, "the video is truncated or damaged: no picture could be decoded at"),
        ("text", 415, "the file is text/plain, which a video cannot be"),
    ],
)
def test_bad_videos_are_rejected_with_the_reason(stack, videos, name, status, reason):
    services = stack
    with pytest.raises(ValidationFailed) as caught:
        attach_video(services, videos[name])
    assert caught.value.status_code == status
    assert caught.value.message.startswith(f"{videos[name].name}: {reason}")
    if name == "truncated":
        assert isinstance(caught.value, BadVideo) and "partial file" in caught.value.message
    assert not list(services.store.list("blobs/"))  # nothing stored


class Killed(Exception):
    """Stands for the worker dying at this point."""


def context(services: Services, item_id: int, report) -> JobContext:
    with services.sessions() as session:
        sha = services.content.file(session, item_id).sha256
    return JobContext("test", {"sha256": sha}, services.platform, report)


def test_a_job_killed_while_encoding_is_never_playable_and_its_retry_completes(stack, videos):
    services = stack
    item_id = attach_video(services, videos["720p"])

    def die_halfway(fraction: float) -> None:
        if fraction > 0.3:
            raise Killed

    ctx = context(services, item_id, die_halfway)
    with pytest.raises(Killed):
        transcode.transcode_video(ctx)
    sha = ctx.payload["sha256"]
    # Segments stored while encoding may be there, but no marker: nothing plays.
    early = stored_under(services.store, sha)
    assert all(key.endswith(".ts") for key in early)
    assert not services.store.exists(marker_key(sha))
    with services.sessions() as session:
        assert services.content.file(session, item_id).hls is None
    assert not list((services.settings.data_dir / "tmp").glob("transcode-*"))  # cleaned up
    assert not _ffmpeg_running(services.settings.data_dir)
    transcode.transcode_video(context(services, item_id, lambda f: None))
    marker = read_marker(services.store, sha)
    assert stored_under(services.store, sha) == [f"{hls_prefix(sha)}/{f}" for f in marker["files"]]


def test_a_job_killed_while_storing_is_never_playable_and_its_retry_leaves_no_duplicates(
    stack, videos
):
    services = stack
    item_id = attach_video(services, videos["240p"])
    sha = context(services, item_id, None).payload["sha256"]
    stray = f"{hls_prefix(sha)}/1080p/seg00000.ts"  # from some older attempt
    services.store.put(stray, io.BytesIO(b"old"), content_type="video/mp2t")

    def die_while_storing(fraction: float) -> None:
        if fraction > transcode.ENCODE_SHARE + 0.05:
            raise Killed

    with pytest.raises(Killed):
        transcode.transcode_video(context(services, item_id, die_while_storing))
    partial = stored_under(services.store, sha)
    assert len(partial) > 1 and not services.store.exists(marker_key(sha))
    with services.sessions() as session:
        file = services.content.file(session, item_id)
        assert file.hls is None and viewer(services.settings, file) == {"type": "processing"}
    transcode.transcode_video(context(services, item_id, lambda f: None))
    marker = read_marker(services.store, sha)
    final = stored_under(services.store, sha)
    assert final == [f"{hls_prefix(sha)}/{f}" for f in marker["files"]]
    assert stray not in final and set(partial) - {stray} <= set(final)
    with services.sessions() as session:
        assert services.content.file(session, item_id).hls is not None


def test_a_cancelled_job_stops_ffmpeg_and_publishes_nothing(stack, videos):
    services = stack
    item_id = attach_video(services, videos["720p"])
    job_id = job_of(services, item_id)
    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with services.sessions() as session:
                if session.get(Job, job_id).progress > 0.05:
                    break
            time.sleep(0.05)
        with services.sessions.begin() as session:
            services.content.cancel_processing(session, None, item_id)
        time.sleep(2)  # the next progress report notices
        with services.sessions() as session:
            job = session.get(Job, job_id)
            file = services.content.file(session, item_id)
        assert job.status == "cancelled" and job.attempts == 1 and job.progress < 0.9
        assert file.hls is None and not services.store.exists(marker_key(file.sha256))
        assert not _ffmpeg_running(services.settings.data_dir)
        # Processing again from the editor's page finishes the video.
        with services.sessions.begin() as session:
            retry = services.content.reprocess(session, None, item_id).job_id
        wait_for(services, retry, "succeeded", timeout=120)
    finally:
        work.stop()


def test_a_failing_encoder_reports_ffmpegs_error_line(tmp_path, database_url, videos):
    services = build_services(make_settings(
        tmp_path, database_url=database_url, video_preset="no-such-preset", job_retries=0,
    ))  # fmt: skip
    _empty_tables(services.engine)
    try:
        item_id = attach_video(services, videos["240p"])
        job = run_job(services, job_of(services, item_id), "failed")
        assert job.error.startswith("TranscodeFailed: ffmpeg failed: ")
        assert "no-such-preset" in job.error and "Conversion failed" not in job.error
    finally:
        _empty_tables(services.engine)
        services.close()


def test_a_cancelled_context_raises_at_the_next_report(services):
    with services.sessions.begin() as session:
        job = services.queue.enqueue(session, "system.check_storage", {})
    with services.sessions.begin() as session:
        session.get(Job, job.id).status = "running"
    services.queue._progress(job.id, 0.5)
    with services.sessions.begin() as session:
        assert services.queue.cancel(session, job.id)
    with pytest.raises(JobCancelled):
        services.queue._progress(job.id, 0.6)


def test_captions_are_searchable_with_the_video(stack, videos):
    services = stack
    item_id = attach_video(services, videos["240p"])
    with services.sessions.begin() as session:
        srt = "1\n00:00:01,000 --> 00:00:03,000\nTính chất cơ bản của <i>phân số</i>\n"
        services.content.set_captions(session, None, item_id, "vi", srt.encode(), "vi.srt")
    with services.sessions() as session:
        body = load_documents(session, [str(item_id)])[str(item_id)]["body"]
    assert "Tính chất cơ bản của phân số" in body


def test_on_s3_playlists_point_at_presigned_segments(tmp_path, database_url, aws_credentials,
                                                     moto_server, videos):  # fmt: skip
    import httpx2 as httpx
    from starlette.testclient import TestClient

    from kholieu.content.packages.origin import create_content_app, video_url
    from kholieu.web.middleware import app_csp

    bucket = f"kholieu-test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION, endpoint_url=moto_server).create_bucket(Bucket=bucket)
    url = f"s3://{bucket}?endpoint_url={moto_server}&region={REGION}&addressing_style=path"
    made = _services(tmp_path, database_url, {"storage_url": url})
    services = next(made)
    try:
        item_id = attach_video(services, videos["240p"])
        transcode.transcode_video(context(services, item_id, lambda f: None))
        sha = context(services, item_id, None).payload["sha256"]
        origin = TestClient(create_content_app(services))

        def get(name: str):
            return origin.get("/" + video_url(services.settings, sha, name).split("/", 3)[3],
                              follow_redirects=False)  # fmt: skip

        master = get("master.m3u8")
        assert master.status_code == 200 and "240p/index.m3u8" in master.text
        playlist = get("240p/index.m3u8")
        assert playlist.headers["cache-control"] == "private, max-age=60"
        segments = [line for line in playlist.text.splitlines() if line.startswith("http")]
        assert segments and all(s.startswith(moto_server) and "Signature" in s for s in segments)
        fetched = httpx.get(segments[0], timeout=30)
        assert fetched.status_code == 200 and fetched.content[:1] == b"G"
        poster = get("poster.jpg")
        assert poster.status_code == 302 and poster.headers["location"].startswith(moto_server)
        assert httpx.get(poster.headers["location"], timeout=30).content[:3] == b"\xff\xd8\xff"
        assert get("nothing.ts").status_code == 404
        assert moto_server in app_csp(services.settings.content_origin,
                                      services.settings.store_origins)  # fmt: skip
    finally:
        next(made, None)  # empties the tables, closes the services
