"""Jobs through the real queue and real consumer threads, on SQLite and (if set) Redis."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from kholieu.errors import StorageUnavailable
from kholieu.jobs.models import Job
from kholieu.jobs.queue import JobContext
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from tests.conftest import REDIS_URL, TEST_QUEUE, make_settings
from tests.support.jobs import wait_for


@pytest.fixture(params=["sqlite", *(["redis"] if REDIS_URL else [])])
def jobs(request, tmp_path, database_url) -> Iterator[Services]:
    queue_url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path}/queue.db"
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        queue_url=queue_url,
        queue_name=TEST_QUEUE,
        job_retries=2,
        job_retry_delay_s=1.0,
        job_retry_backoff=4.0,  # 1 s then 4 s: well clear of huey's 1 s scheduler tick
    )
    services = build_services(settings)
    services.queue.huey.flush()
    request.getfixturevalue("services")  # empties the tables before and after
    yield services
    services.queue.huey.flush()
    services.close()


@pytest.fixture
def running(jobs: Services) -> Iterator[Callable[[], None]]:
    work = BackgroundWork(jobs, workers=2)
    started = []

    def start() -> None:
        work.start()
        started.append(True)

    yield start
    if started:
        work.stop()


def test_job_is_queued_only_after_commit_and_runs(jobs, running):
    with jobs.sessions() as session:
        job = jobs.queue.enqueue(session, "system.check_storage", {"text": "xin chào"})
        session.flush()
        assert jobs.queue.huey.pending_count() == 0  # not before the commit
        session.commit()
    assert jobs.queue.huey.pending_count() == 1
    running()
    done = wait_for(jobs, job.id, "succeeded")
    assert done.attempts == 1 and done.progress == 1.0 and done.error is None
    assert list(jobs.store.list("_probe/")) == []


def test_rolled_back_request_queues_nothing(jobs):
    with jobs.sessions() as session:
        jobs.queue.enqueue(session, "system.check_storage")
        session.rollback()
    assert jobs.queue.huey.pending_count() == 0
    with jobs.sessions() as session:
        assert session.scalar(select(func.count(Job.id))) == 0


def test_failing_job_retries_with_backoff_then_fails_with_its_error(jobs, running, make_user):
    attempts: list[float] = []

    def broken(ctx: JobContext) -> None:
        attempts.append(time.monotonic())
        raise RuntimeError(f"ffmpeg exited with 1 (attempt {len(attempts)})")

    jobs.queue.register("test.broken", broken)
    teacher = make_user("teacher")
    with jobs.sessions.begin() as session:
        job = jobs.queue.enqueue(session, "test.broken", started_by=teacher.id)
    running()
    failed = wait_for(jobs, job.id, "failed")
    assert len(attempts) == 3 and failed.attempts == 3  # the first try and two retries
    assert failed.error == "RuntimeError: ffmpeg exited with 1 (attempt 3)"
    first_gap, second_gap = attempts[1] - attempts[0], attempts[2] - attempts[1]
    assert second_gap - first_gap > 1.5, (first_gap, second_gap)  # backoff, not a fixed delay


def test_transient_failure_recovers(jobs, running):
    calls: list[int] = []

    def flaky(ctx: JobContext) -> None:
        calls.append(1)
        ctx.report(0.5)
        if len(calls) == 1:
            raise ConnectionError("storage timed out")

    jobs.queue.register("test.flaky", flaky)
    with jobs.sessions.begin() as session:
        job = jobs.queue.enqueue(session, "test.flaky")
    running()
    done = wait_for(jobs, job.id, "succeeded")
    assert done.attempts == 2 and done.error is None


def test_unknown_job_name_is_refused(jobs):
    from kholieu.errors import ValidationFailed

    with jobs.sessions() as session, pytest.raises(ValidationFailed):
        jobs.queue.enqueue(session, "no.such.job")


def test_queue_ping(jobs):
    jobs.queue.ping()


def test_unreachable_queue_marks_the_job_failed_after_commit(tmp_path, database_url, services):
    settings = make_settings(tmp_path, database_url=database_url, queue_url="redis://127.0.0.1:1/0")
    broken = build_services(settings)
    with broken.sessions.begin() as session:
        job = broken.queue.enqueue(session, "system.check_storage")
    with broken.sessions() as session:
        row = session.get(Job, job.id)
        assert row.status == "failed"
        assert row.error.startswith("job queue unreachable: ")
    broken.close()


def test_a_job_waits_out_an_outage_without_spending_its_retries(jobs, running):
    """Four runs meet storage down — more than the job's two retries — and the fifth gets
    through: the waits are not failures, and the row said what it waited for meanwhile."""
    jobs.settings.job_wait_delay_s, jobs.settings.job_wait_max_delay_s = 0.05, 0.2
    seen: list[str | None] = []

    def needs_storage(ctx: JobContext) -> None:
        with jobs.sessions() as session:
            seen.append(session.get(Job, ctx.job_id).error)
        if len(seen) <= 4:
            raise StorageUnavailable("S3 endpoint unreachable: connection refused")

    jobs.queue.register("test.needs_storage", needs_storage)
    with jobs.sessions.begin() as session:
        job = jobs.queue.enqueue(session, "test.needs_storage")
    running()
    done = wait_for(jobs, job.id, "succeeded")
    assert (done.attempts, done.waits, done.error, done.waiting_since) == (5, 4, None, None)
    assert seen[1:] == ["đang chờ kho lưu trữ / storage: S3 endpoint unreachable: "
                        "connection refused"] * 4  # fmt: skip


def test_put_off_delays_double_with_jitter_up_to_the_ceiling_within_the_window(jobs):
    jobs.settings.job_wait_delay_s, jobs.settings.job_wait_max_delay_s = 1.0, 30.0
    jobs.queue.register("test.delays", lambda ctx: None)
    scheduled: list[tuple[tuple, float]] = []
    task = jobs.queue._tasks["test.delays"]
    task.schedule = lambda args, delay: scheduled.append((args, delay))  # type: ignore[method-assign]
    outage = StorageUnavailable("down")
    since = time.time()
    for waits in range(8):
        assert jobs.queue._put_off("test.delays", "job", outage, [since, waits])
    ceilings = [min(30.0, 2.0**n) for n in range(8)]
    for (args, delay), ceiling in zip(scheduled, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
        assert args[1][0] == since  # the outage's start travels with the message
    assert [args[1][1] for args, _ in scheduled] == list(range(1, 9))
    late = [since - jobs.settings.job_wait_window_s, 3]
    assert not jobs.queue._put_off("test.delays", "job", outage, late)  # past the window
    assert len(scheduled) == 8
