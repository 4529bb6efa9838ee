"""One writer per attempt, over real HTTP with requests really at the same time (issue 14):
what two tabs, a phone and a laptop, or a double tap send. On SQLite and PostgreSQL alike
(the ``database_url`` fixture runs each test on both).

Each race is started by a barrier, so the requests leave together; what is asserted holds for
any order the server takes them in, so no test depends on timing.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest

from kholieu.quiz.models import Attempt
from tests.support import live
from tests.support.bank import fill
from tests.support.quiz import join

TEN = {
    "title": "Mười câu", "subject": "toan", "grade": 10, "duration_min": 30,
    "sections": [{"title": "PHẦN I", "type": "single_choice", "points_each": 1,
                  "shuffle_questions": False, "shuffle_options": False,
                  "rows": [{"counts": {"nhan_biet": 10}}]}],
}  # fmt: skip


@pytest.fixture
def ten(services):
    fill(services, "toan", 10, {"single_choice": {"nhan_biet": 10}})


def together(calls, workers: int = 50) -> list[httpx.Response]:
    """Run the calls at once (released by one barrier) and return their responses. A 503
    (the server shedding load: nothing was done) is sent again, as the quiz page does."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        for _ in range(100):
            response = call()
            if response.status_code != 503:
                return response
        return response

    with ThreadPoolExecutor(max_workers=max(workers, len(calls))) as pool:
        return list(pool.map(run, calls))


def exam(client, teacher, **rules) -> dict:
    made = client.post("/api/v1/quizzes", headers=teacher,
                       json={"blueprint": TEN, "mode": "exam", **rules})  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()


def test_200_saves_at_once_to_20_attempts_all_land(app, client, services, ten, make_user, bearer):
    quiz = exam(client, bearer(make_user("teacher")))
    students = [bearer(make_user("student")) for _ in range(20)]
    started = []
    for headers in students:
        join(client, quiz, headers)
        attempt = client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=headers).json()
        started.append((headers, attempt["id"], [q["id"] for q in attempt["questions"]]))
    with live.served(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        calls = [
            (lambda h=h, a=a, q=q, n=n: http.put(
                f"/api/v1/attempts/{a}/answers", headers=h, json={"answers": {str(q): n % 4}}))
            for h, a, ids in started for n, q in enumerate(ids)
        ]  # fmt: skip
        responses = together(calls)
    assert len(responses) == 200 and [r.status_code for r in responses] == [200] * 200
    with services.sessions() as session:
        for _, attempt_id, ids in started:
            stored = session.get(Attempt, attempt_id).answers
            assert stored == {str(q): n % 4 for n, q in enumerate(ids)}


def test_an_autosave_racing_the_submit_is_graded_or_refused_never_stored_after(
    app, client, services, ten, make_user, bearer
):
    quiz = exam(client, bearer(make_user("teacher")), max_attempts=None, review="never")
    student = bearer(make_user("student"))
    join(client, quiz, student)
    outcomes = set()
    with live.served(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(50):
            attempt = http.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=student)
            assert attempt.status_code == 201, attempt.text
            attempt = attempt.json()
            with services.sessions() as session:
                items = session.get(Attempt, attempt["id"]).items
            first = items[0]  # the key of the first question: a save that counts scores 1
            answer = {str(first["id"]): first["key"]}
            url = f"/api/v1/attempts/{attempt['id']}"
            save, submit = together([
                lambda url=url, answer=answer: http.put(
                    f"{url}/answers", headers=student, json={"answers": answer}),
                lambda url=url: http.post(f"{url}/submit", headers=student),
            ])  # fmt: skip
            assert save.status_code in (200, 409) and submit.status_code == 200, (save, submit)
            with services.sessions() as session:
                row = session.get(Attempt, attempt["id"])
                stored, results = row.answers, row.results
            graded = results[0]["share"] == 1
            # what is stored is exactly what was graded, and an acknowledged save was graded
            assert (str(first["id"]) in stored) == graded == (save.status_code == 200)
            assert submit.json()["score"] == (1 if graded else 0)
            outcomes.add(save.status_code)
    assert outcomes <= {200, 409}


def test_20_starts_at_once_of_a_one_attempt_exam_make_one_attempt(
    app, client, services, ten, make_user, bearer
):
    quiz = exam(client, bearer(make_user("teacher")))
    assert quiz["max_attempts"] == 1
    student = bearer(make_user("student"))
    join(client, quiz, student)
    with live.served(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        url = f"/api/v1/quizzes/{quiz['id']}/attempts"
        responses = together([lambda: http.post(url, headers=student)] * 20)
    assert {r.status_code for r in responses} == {201}  # the new attempt, then the same again
    assert len({r.json()["id"] for r in responses}) == 1
    with services.sessions() as session:
        assert session.query(Attempt).filter_by(quiz_id=quiz["id"]).count() == 1
