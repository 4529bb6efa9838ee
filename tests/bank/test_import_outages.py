"""A web import meeting an outage, or losing its worker: what its teacher is told, and what the
bank holds afterwards.

The outage is the database refusing one batch's write (``create_many`` raising what a dropped
connection raises) after earlier batches were committed; the job waits it out and runs again.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from kholieu.bank.models import ImportStatus, Question, QuestionImport
from kholieu.db.base import utcnow
from kholieu.jobs.models import Job, JobStatus
from tests.support.jobs import run_until

COUNT = 1_200  # three batches of the importer's 500


def jsonl(count: int) -> bytes:
    rows = [
        {"type": "single_choice", "stem": f"Câu {n}: tính đạo hàm của $x^{{{n}}}$",
         "options": [f"${n}x^{{{n - 1}}}$", "0", "1", "x"], "answer": 0,
         "subject": "toan", "grade": 12}
        for n in range(2, count + 2)
    ]  # fmt: skip
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def dropped_connection() -> OperationalError:
    """What psycopg's server-closed-the-connection looks like through SQLAlchemy: its text
    carries the statement and its parameters, which no teacher may be shown."""
    return OperationalError(
        "INSERT INTO questions (type, status, stem) VALUES (%(type)s, %(status)s, %(stem)s)",
        {"type": "single_choice", "status": "draft", "stem": "Câu 501"},
        Exception("server closed the connection unexpectedly"),
    )


@pytest.fixture
def teacher(make_user, bearer) -> dict[str, str]:
    return bearer(make_user("teacher"))


def start(client, teacher: dict[str, str], content: bytes) -> dict[str, Any]:
    started = client.post(
        "/api/v1/questions/imports",
        files={"file": ("de-thi.jsonl", content, "application/octet-stream")},
        headers=teacher,
    )
    assert started.status_code == 202, started.text
    return started.json()


def fail_once_at_batch(services, monkeypatch, batch: int, error: Exception) -> list[int]:
    calls: list[int] = []
    real = services.questions.create_many

    def create_many(session, actor, items):
        calls.append(len(items))
        if len(calls) == batch:
            raise error
        return real(session, actor, items)

    monkeypatch.setattr(services.questions, "create_many", create_many)
    return calls


def test_an_import_cut_by_a_database_outage_runs_again_and_reports_its_questions_once(
    client, services, teacher, monkeypatch
):
    services.settings.job_wait_delay_s = 0.05
    calls = fail_once_at_batch(services, monkeypatch, 2, dropped_connection())
    record = start(client, teacher, jsonl(COUNT))
    job = run_until(services, record["job_id"], "succeeded")
    assert job.waits == 1 and job.attempts == 2
    assert len(calls) >= 4  # batch 1, the failed batch 2, then the second run's writes
    body = client.get(f"/api/v1/questions/imports/{record['id']}", headers=teacher).json()
    assert body["status"] == "done"
    report = body["report"]
    assert report["imported"] == COUNT and report["duplicates"] == 0
    assert report["rejected"] == [] and report["by_type"] == {"single_choice": COUNT}
    assert len(set(report["ids"])) == COUNT
    with services.sessions() as session:
        stored = session.scalar(select(func.count(Question.id)))
        own = session.scalar(
            select(func.count(Question.id)).where(Question.import_id == record["id"])
        )
    assert stored == own == COUNT  # nothing stored twice


def test_an_outage_past_the_wait_window_fails_the_import_with_a_message_and_no_sql(
    client, services, teacher, monkeypatch
):
    services.settings.job_wait_window_s = 0  # the outage outlasts the window at once
    fail_once_at_batch(services, monkeypatch, 2, dropped_connection())
    record = start(client, teacher, jsonl(600))  # the first 500 are stored, then the outage
    job = run_until(services, record["job_id"], "failed")
    body = client.get(f"/api/v1/questions/imports/{record['id']}", headers=teacher).json()
    assert body["status"] == "failed"
    for shown in (body["error"], job.error):
        assert shown.startswith("Cơ sở dữ liệu tạm thời không phản hồi")
        assert "INSERT" not in shown and "Câu 501" not in shown and "SQL" not in shown
    assert body["error"].endswith("— 500 câu hỏi đã được lưu trước khi dừng")
    jobs = client.get(f"/api/v1/jobs/{record['job_id']}", headers=teacher).json()
    assert "INSERT" not in json.dumps(jobs)


def test_an_import_whose_worker_died_fails_instead_of_running_twice(client, services, teacher):
    """The import's own retry rule (none) holds when its worker is killed: the stale job
    fails, the page says why, and it is not handed out again."""
    record = start(client, teacher, jsonl(3))  # queued: no worker runs in this test
    old = utcnow() - timedelta(seconds=services.settings.job_stale_s * 2)
    with services.sessions.begin() as session:  # what a worker killed mid-run leaves
        session.execute(
            update(Job).where(Job.id == record["job_id"])
            .values(status=JobStatus.running, attempts=1, updated_at=old)
        )  # fmt: skip
        session.execute(
            update(QuestionImport).where(QuestionImport.id == record["id"])
            .values(status=ImportStatus.running)
        )  # fmt: skip
    assert services.platform.queue.requeue_stale() == []
    body = client.get(f"/api/v1/questions/imports/{record['id']}", headers=teacher).json()
    assert body["status"] == "failed"
    assert body["error"] == (
        "tiến trình chạy lần thử 1 đã dừng giữa chừng / the worker running attempt 1 stopped"
    )
    with services.sessions() as session:
        assert session.get(Job, record["job_id"]).status == JobStatus.failed


def test_a_readers_warnings_reach_the_report_with_where_they_are(services):
    """A reader that imports a question but wants it looked at (an equation kept as its
    picture) says so on the record; the report lists it with its file and line. Rejected
    records' warnings are not listed: the rejection says enough."""
    from kholieu.bank.formats import Parsed

    good = {"type": "single_choice", "stem": "Câu có công thức", "options": ["1", "2"],
            "answer": 0}  # fmt: skip
    records = [
        Parsed("de.docx", 3, data=good, where="Câu 1",
               extra={"warnings": ["công thức hiển thị bằng ảnh / equation shown as its picture"]}),
        Parsed("de.docx", 9, error="no key", where="Câu 2", extra={"warnings": ["ignored"]}),
    ]  # fmt: skip
    report = services.importer.run_records(records).as_json()
    assert report["imported"] == 1
    assert report["warnings"] == [{"file": "de.docx", "line": 3, "where": "Câu 1",
                                   "warning": "công thức hiển thị bằng ảnh / equation shown "
                                              "as its picture"}]  # fmt: skip
