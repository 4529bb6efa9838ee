"""The same task code runs in `kholieu worker` processes and in `kholieu serve`'s threads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REDIS_URL, TEST_QUEUE, make_settings
from tests.support.jobs import wait_for
from tests.support.ports import free_port
from tests.support.sweep import assert_swept_clean

QUEUES = ["sqlite", *(["redis"] if REDIS_URL else [])]


@pytest.mark.parametrize("queue", QUEUES)
@pytest.mark.parametrize("command", ["worker", "serve"])
def test_job_runs_in_another_process(tmp_path, database_url, services, queue, command):
    queue_url = REDIS_URL if queue == "redis" else f"sqlite:///{tmp_path}/queue.db"
    env = {
        **os.environ,
        "KHOLIEU_DATA_DIR": str(tmp_path),
        "KHOLIEU_DATABASE_URL": database_url,
        "KHOLIEU_QUEUE_URL": queue_url,
        "KHOLIEU_QUEUE_NAME": TEST_QUEUE,
        "KHOLIEU_LOG_FORMAT": "json",
    }
    if command == "serve":  # serve runs job threads itself, whichever queue it is given
        env["KHOLIEU_IN_PROCESS_WORKERS"] = "1"
        args = ["serve", "--port", str(free_port())]
    else:
        args = ["worker", "--threads", "1"]
    producer = make_settings(
        tmp_path, database_url=database_url, queue_url=queue_url, queue_name=TEST_QUEUE
    )
    from kholieu.services import build_services

    here = build_services(producer)
    here.queue.huey.flush()
    process = subprocess.Popen(
        [sys.executable, "-m", "kholieu", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with here.sessions.begin() as session:
            job = here.queue.enqueue(session, "system.check_storage", {"text": "từ xa"})
        done = wait_for(here, job.id, "succeeded", timeout=60)
        assert done.attempts == 1 and done.progress == 1.0
        assert_swept_clean(here)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        here.queue.huey.flush()
        here.close()
    assert process.returncode in (0, -signal.SIGINT), stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
