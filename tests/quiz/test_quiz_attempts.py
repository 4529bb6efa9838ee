"""Quizzes and attempts through the API: exam and practice modes, and every integrity rule."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from kholieu.bank.models import Question
from kholieu.bank.schemas import QuestionIn
from kholieu.bank.service import as_native
from kholieu.db.base import utcnow
from kholieu.quiz.models import Attempt, Quiz
from tests.support.bank import fill
from tests.support.quiz import SECRETS, SMALL, join, make_quiz, start


def right_answers(services, attempt: dict) -> dict[str, object]:
    """What a perfect student would send, in the order shown."""
    with services.sessions() as session:
        items = {i["id"]: i for i in session.get(Attempt, attempt["id"]).items}
    return {str(qid): item["key"] for qid, item in items.items()}


def test_an_exam_attempt_carries_no_keys_and_grades_by_the_2025_rules(
    client, services, bank, people
):
    quiz = make_quiz(client, people["teacher"])
    assert quiz["versions"] == ["101", "102"] and quiz["time_limit_s"] == 900
    join(client, quiz, people["student"])
    before = client.get(f"/api/v1/quizzes/{quiz['id']}", headers=people["student"]).json()
    assert "keys" not in before and "blueprint" not in before and before["attempts_left"] == 1
    assert "keys" in client.get(f"/api/v1/quizzes/{quiz['id']}", headers=people["teacher"]).json()
    started = start(client, quiz, headers=people["student"])
    assert started.status_code == 201
    attempt = started.json()
    assert len(attempt["questions"]) == 8 and attempt["deadline"]
    text = json.dumps(attempt["questions"])
    assert not any(f'"{word}"' in text for word in SECRETS)
    assert set(attempt["questions"][0]) <= {"id", "type", "stem", "options", "statements", "points"}

    answers = right_answers(services, attempt)
    tfg = [q["id"] for q in attempt["questions"] if q["type"] == "true_false_group"]
    key = answers[str(tfg[0])]
    answers[str(tfg[0])] = [key[0], key[1], not key[2], None]  # two statements right: 0.25
    saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=people["student"],
                       json={"answers": answers})  # fmt: skip
    assert saved.status_code == 200
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    body = result.json()
    assert body["max_score"] == 6 and body["score"] == 5.25 and body["score_10"] == 8.75
    assert len(body["items"]) == 8  # review after submit: keys and explanations now
    again = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    assert again.json() == body  # idempotent


def test_reload_resumes_the_same_attempt_and_saved_answers(client, services, bank, people):
    quiz = make_quiz(client, people["teacher"])
    first = start(client, quiz, headers=people["student"]).json()
    qid = str(first["questions"][0]["id"])
    client.put(f"/api/v1/attempts/{first['id']}/answers", headers=people["student"],
               json={"answers": {qid: 1}})  # fmt: skip
    client.put(f"/api/v1/attempts/{first['id']}/answers", headers=people["student"],
               json={"answers": {qid: 2}})  # the last autosave wins  # fmt: skip
    again = start(client, quiz, headers=people["student"]).json()
    assert again["id"] == first["id"] and again["answers"] == {qid: 2}
    assert again["deadline"] == first["deadline"]


def test_no_student_reads_or_writes_anothers_attempt(client, bank, people):
    quiz = make_quiz(client, people["teacher"])
    mine = start(client, quiz, headers=people["student"]).json()
    qid = str(mine["questions"][0]["id"])
    assert client.get(f"/api/v1/attempts/{mine['id']}", headers=people["other"]).status_code == 404
    put = client.put(f"/api/v1/attempts/{mine['id']}/answers", headers=people["other"],
                     json={"answers": {qid: 0}})  # fmt: skip
    assert put.status_code == 404
    post = client.post(f"/api/v1/attempts/{mine['id']}/submit", headers=people["other"])
    assert post.status_code == 404
    assert client.get(f"/api/v1/attempts/{mine['id']}").status_code == 401


def test_late_answers_are_refused_and_the_attempt_submits_itself(client, services, bank, people):
    quiz = make_quiz(client, people["teacher"])
    attempt = start(client, quiz, headers=people["student"]).json()
    answers = right_answers(services, attempt)
    first = next(iter(answers))
    client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=people["student"],
               json={"answers": {first: answers[first]}})  # fmt: skip
    with services.sessions.begin() as session:  # the time is up
        session.execute(update(Attempt).where(Attempt.id == attempt["id"])
                        .values(deadline=utcnow() - timedelta(seconds=1)))  # fmt: skip
    late = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=people["student"],
                      json={"answers": answers})  # fmt: skip
    assert late.status_code == 409
    result = client.get(f"/api/v1/attempts/{attempt['id']}", headers=people["student"]).json()
    assert result["submitted"] is True and result["score"] == 0.5  # only the answer in time
    with services.sessions() as session:
        row = session.get(Attempt, attempt["id"])
        assert row.answers == {first: answers[first]}
    again = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    assert again.json()["score"] == 0.5


def test_one_attempt_only_unless_the_quiz_allows_more(client, bank, people):
    quiz = make_quiz(client, people["teacher"])
    attempt = start(client, quiz, headers=people["student"]).json()
    client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    refused = start(client, quiz, headers=people["student"])
    assert refused.status_code == 409 and "no attempts left" in refused.text


def test_review_after_close_hides_keys_until_the_quiz_closes(client, services, bank, people):
    closes = (utcnow() + timedelta(hours=1)).isoformat()
    quiz = make_quiz(client, people["teacher"], review="after_close", closes_at=closes)
    attempt = start(client, quiz, headers=people["student"]).json()
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    body = result.json()
    assert body["items"] == [] and body["review"] == "later" and "score" in body
    assert '"key"' not in json.dumps(client.get(f"/api/v1/attempts/{attempt['id']}",
                                                headers=people["student"]).json())  # fmt: skip


def test_bad_answers_are_named(client, bank, people):
    quiz = make_quiz(client, people["teacher"])
    attempt = start(client, quiz, headers=people["student"]).json()
    sc = next(q for q in attempt["questions"] if q["type"] == "single_choice")
    tfg = next(q for q in attempt["questions"] if q["type"] == "true_false_group")
    for answers, field in [({str(sc["id"]): 7}, f"answers.{sc['id']}"),
                           ({str(tfg["id"]): [True]}, f"answers.{tfg['id']}"),
                           ({"999999": 1}, "answers.999999")]:  # fmt: skip
        response = client.put(f"/api/v1/attempts/{attempt['id']}/answers",
                              headers=people["student"], json={"answers": answers})  # fmt: skip
        assert response.status_code == 422 and field in response.text


def test_a_blueprint_the_bank_cannot_fill_is_refused_with_the_cells(client, bank, people):
    big = {**SMALL, "sections": [{**SMALL["sections"][0], "rows": [{"counts": {"nhan_biet": 40}}]}]}
    response = client.post("/api/v1/quizzes", headers=people["teacher"],
                           json={"title": "x", "blueprint": big, "mode": "exam"})  # fmt: skip
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "bank_shortage"
    assert "cần 40 câu Nhận biết, ngân hàng có 10 (thiếu 30)" in error["message"]
    assert error["details"]["shortages"][0]["available"] == {"nhan_biet": 10}
    student = client.post("/api/v1/quizzes", headers=people["student"],
                          json={"title": "x", "blueprint": SMALL, "mode": "exam"})  # fmt: skip
    assert student.status_code == 403


def test_practice_gives_feedback_and_new_questions_each_time(client, services, bank, people):
    quiz = make_quiz(client, people["teacher"], mode="practice")
    assert quiz["max_attempts"] is None and quiz["time_limit_s"] is None
    first = start(client, quiz, headers=people["student"]).json()
    answers = right_answers(services, first)
    qid = first["questions"][0]["id"]
    check = client.post(f"/api/v1/attempts/{first['id']}/check", headers=people["student"],
                        json={"question_id": qid, "answer": answers[str(qid)]})  # fmt: skip
    assert check.json()["correct"] is True and "explanation" in check.json()
    # a reload (the page asks for the attempt again, or starts it again) finds the same
    # attempt with the check it made
    again = start(client, quiz, headers=people["student"]).json()
    assert again["id"] == first["id"]
    kept = client.get(f"/api/v1/attempts/{first['id']}", headers=people["student"]).json()
    assert kept["checks"][str(qid)]["correct"] is True
    assert set(kept["checks"]) == {str(qid)}
    client.post(f"/api/v1/attempts/{first['id']}/submit", headers=people["student"])
    second = start(client, quiz, headers=people["student"]).json()
    assert second["id"] != first["id"]
    seen = {q["id"] for q in first["questions"]}
    fresh = [q["id"] for q in second["questions"] if q["type"] == "single_choice"]
    assert not seen & set(fresh)  # 10 in the bank, 4 a time: none repeated
    exam = make_quiz(client, people["teacher"])
    attempt = start(client, exam, headers=people["student"]).json()
    data = {"question_id": attempt["questions"][0]["id"], "answer": 0}
    refused = client.post(
        f"/api/v1/attempts/{attempt['id']}/check", headers=people["student"], json=data
    )
    assert refused.status_code == 403
    shown = client.get(f"/api/v1/attempts/{attempt['id']}", headers=people["student"]).json()
    assert "checks" not in shown  # an exam's payload never carries practice feedback


def test_an_exam_marks_its_questions_used(client, services, bank, people):
    quiz = make_quiz(client, people["teacher"])
    with services.sessions() as session:
        used = [q for q in session.query(Question) if services.questions.where_used(session, q.id)]
    assert len(used) == 8 and quiz["questions"] == 8


def test_teachers_see_results_item_analysis_and_running_difficulty(
    client, services, bank, people, make_user, bearer
):
    quiz = make_quiz(client, people["teacher"])
    students = [people["student"], people["other"], bearer(make_user("student"))]
    for n, headers in enumerate(students):
        attempt = start(client, quiz, headers=headers).json()
        answers = right_answers(services, attempt) if n < 2 else {}
        client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=headers,
                   json={"answers": answers})  # fmt: skip
        client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers)
    results = client.get(f"/api/v1/quizzes/{quiz['id']}/results", headers=people["teacher"])
    assert results.status_code == 200
    body = results.json()
    assert sorted(a["score_10"] for a in body["attempts"]) == [0, 10, 10]
    assert sum(body["stats"]["histogram"]) == 3 and body["stats"]["histogram"][9] == 2
    assert len(body["stats"]["items"]) == 8
    assert all(i["facility"] == pytest.approx(2 / 3, abs=1e-3) for i in body["stats"]["items"])
    assert body["stats"]["alpha"] == pytest.approx(496 / 504, abs=1e-4)  # worked by hand
    assert client.get(f"/api/v1/quizzes/{quiz['id']}/results",
                      headers=people["student"]).status_code == 403  # fmt: skip
    report = client.get(f"/api/v1/quizzes/{quiz['id']}/report", headers=people["teacher"])
    lines = report.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("question_id,type,answered,facility") and len(lines) == 9
    xlsx = client.get(f"/api/v1/quizzes/{quiz['id']}/report", params={"format": "xlsx"},
                      headers=people["teacher"])  # fmt: skip
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    with services.sessions() as session:
        graded = [q for q in session.query(Question) if q.times_graded]
    assert len(graded) == 8 and all(q.times_graded == 3 for q in graded)
    assert all(q.facility == pytest.approx(2 / 3, abs=1e-3) for q in graded)


def test_essays_wait_for_the_teachers_mark(client, services, people, make_user, bearer):
    fill(services, "ngu-van", 9, {"essay": {"van_dung": 2}, "single_choice": {"nhan_biet": 2}})
    blueprint = {"title": "Văn", "subject": "ngu-van", "grade": 9, "duration_min": 45,
                 "sections": [{"title": "I", "type": "single_choice", "points_each": 2,
                               "rows": [{"counts": {"nhan_biet": 1}}]},
                              {"title": "II", "type": "essay", "points_each": 8,
                               "rows": [{"counts": {"van_dung": 1}}]}]}  # fmt: skip
    quiz = make_quiz(client, people["teacher"], blueprint=blueprint)
    attempt = start(client, quiz, headers=people["student"]).json()
    essay = next(q for q in attempt["questions"] if q["type"] == "essay")
    client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=people["student"],
               json={"answers": {str(essay["id"]): "Bài văn của em…"}})  # fmt: skip
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    assert result.json()["pending"] is True and result.json()["score"] == 0
    url = f"/api/v1/attempts/{attempt['id']}/grade"
    too_many = client.post(
        url, headers=people["teacher"], json={"question_id": essay["id"], "points": 9}
    )
    assert too_many.status_code == 422 and "points" in too_many.text
    other_teacher = bearer(make_user("teacher"))
    other = client.post(url, headers=other_teacher, json={"question_id": essay["id"], "points": 6})
    assert other.status_code == 404  # another teacher's attempt looks like none
    marked = client.post(
        url, headers=people["teacher"], json={"question_id": essay["id"], "points": 6.5}
    )
    assert marked.json() == {"score": 6.5, "max_score": 10, "pending": False}
    review = client.get(f"/api/v1/attempts/{attempt['id']}", headers=people["student"]).json()
    assert review["score_10"] == 6.5 and review["pending"] is False


def test_a_practice_attempt_keeps_the_question_version_it_showed(client, services, bank, people):
    quiz = make_quiz(client, people["teacher"], mode="practice")
    attempt = start(client, quiz, headers=people["student"]).json()
    shown = attempt["questions"][0]
    with services.sessions.begin() as session:
        question = session.get(Question, shown["id"])
        assert services.questions.where_used(session, question.id)  # marked when drawn
        data = QuestionIn.model_validate({**as_native(question), "stem": "Đề đã sửa"})
        services.questions.update(session, None, question.id, data)
    again = client.get(f"/api/v1/attempts/{attempt['id']}", headers=people["student"]).json()
    assert again["questions"][0]["stem"] == shown["stem"] != "Đề đã sửa"


def test_an_untimed_exam_refuses_answers_after_the_quiz_closes(client, services, bank, people):
    """Issue 14: with no time limit, an attempt opened before the close stays writable after
    it; the close is the deadline of every attempt, timed or not."""
    closes = (utcnow() + timedelta(hours=1)).isoformat()
    quiz = make_quiz(
        client, people["teacher"], review="after_close", closes_at=closes, time_limit_s=None
    )
    student = people["student"]
    attempt = start(client, quiz, headers=student).json()
    assert attempt["deadline"] is not None and attempt["deadline"].startswith(closes[:16])
    first = str(attempt["questions"][0]["id"])
    url = f"/api/v1/attempts/{attempt['id']}"
    assert client.put(f"{url}/answers", headers=student, json={"answers": {first: 0}}).is_success
    with services.sessions.begin() as session:  # the close passes (and keys may be published)
        session.execute(
            update(Quiz).where(Quiz.id == quiz["id"]).values(closes_at=utcnow() - timedelta(1))
        )
    late = client.put(f"{url}/answers", headers=student, json={"answers": {first: 1}})
    assert late.status_code == 409
    shown = client.get(url, headers=student).json()
    assert shown["submitted"] is True and shown["answers"] == {first: 0}
    with services.sessions() as session:
        assert session.get(Attempt, attempt["id"]).answers == {first: 0}
