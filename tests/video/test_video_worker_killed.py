"""A `kholieu worker` killed in the middle of a transcode: its ffmpeg dies with it, the job's
heartbeat stops, and another worker takes the job again and finishes it without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kholieu.content.schemas import ContentIn
from kholieu.jobs.models import Job
from kholieu.services import build_services
from kholieu.video.transcode import hls_prefix, read_marker
from tests.conftest import TEST_QUEUE, _empty_tables, make_settings
from tests.support.jobs import ffmpeg_running as _ffmpeg_running
from tests.support.jobs import wait_for
from tests.support.sweep import assert_swept_clean


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "kholieu", "worker", "--threads", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip


def test_a_killed_worker_job_is_retried_elsewhere_without_duplicates(
    tmp_path: Path, database_url, videos
):
    queue_url = f"sqlite:///{tmp_path}/queue.db"
    overrides = {"queue_url": queue_url, "queue_name": TEST_QUEUE, "job_stale_s": 2.0}
    here = build_services(make_settings(tmp_path, database_url=database_url, **overrides))
    _empty_tables(here.engine)
    env = {
        **os.environ, "KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
        "KHOLIEU_QUEUE_URL": queue_url, "KHOLIEU_QUEUE_NAME": TEST_QUEUE,
        "KHOLIEU_JOB_STALE_S": "2", "KHOLIEU_LOG_FORMAT": "json",
        "KHOLIEU_VIDEO_PRESET": "veryfast",  # slow enough to be caught in the middle
    }  # fmt: skip
    first = start_worker(env, tmp_path / "worker-1.log")
    second = None
    try:
        with here.sessions.begin() as session:
            data = ContentIn(kind="video", title="Bài giảng", subject="toan", grade=6)
            item = here.content.create(session, None, data)
            with videos["720p"].open("rb") as stream:
                file = here.content.attach(session, None, item.id, stream, "bai.mp4")
            job_id, sha = file.job_id, file.sha256
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with here.sessions() as session:
                if session.get(Job, job_id).progress >= 0.2:
                    break
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        time.sleep(0.5)
        assert not _ffmpeg_running(tmp_path), "ffmpeg outlived its worker"
        with here.sessions() as session:
            job = session.get(Job, job_id)
            assert job.status == "running" and job.attempts == 1 and job.progress < 0.9
            assert here.content.file(session, item.id).hls is None
        second = start_worker(env, tmp_path / "worker-2.log")
        done = wait_for(here, job_id, "succeeded", timeout=120)
        assert done.attempts == 2
        marker = read_marker(here.store, sha)
        stored = sorted(info.key for info in here.store.list(hls_prefix(sha) + "/"))
        assert stored == [f"{hls_prefix(sha)}/{name}" for name in marker["files"]]
        with here.sessions() as session:
            assert here.content.file(session, item.id).hls is not None
        assert_swept_clean(here)  # the killed attempt's leftovers go, the ladder stays
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        _empty_tables(here.engine)
        here.queue.huey.flush()
        here.close()
