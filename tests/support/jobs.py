"""Waiting for background work: a job's row reaching a status, an ffmpeg process gone."""

from __future__ import annotations

import time
from pathlib import Path

from kholieu.jobs.models import Job


def wait_for(jobs, job_id: str, status: str, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with jobs.sessions() as session:
            job = session.get(Job, job_id)
            if job is not None and job.status == status:
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not reach {status!r} (last: {job and job.status})")


def run_until(services, job_id: str, status: str = "succeeded", timeout: float = 120) -> Job:
    """Background work (one job thread) runs until job ``job_id`` reaches ``status``."""
    from kholieu.jobs.runner import BackgroundWork

    work = BackgroundWork(services.platform, 1)
    work.start()
    try:
        return wait_for(services, job_id, status, timeout=timeout)
    finally:
        work.stop()


def ffmpeg_running(data_dir: Path) -> bool:
    """Whether an ffmpeg writing under this test's data directory is still alive."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"ffmpeg") and str(data_dir).encode() in b" ".join(args):
            return True
    return False
