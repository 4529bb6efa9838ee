"""Tự luyện tập (issue 19, item 5): a student practises a topic on their own from the bank's
practice-open questions; tried as one who wants more: a topic whose questions are exam-only, a
classmate or teacher reaching someone's practice, asking again and again."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kholieu.quiz import self_practice
from kholieu.quiz.models import Attempt, Quiz
from tests.support.bank import fill
from tests.support.web import csrf_from, sign_in


def bank(services) -> tuple[list[int], list[int]]:
    open_ = fill(services, "toan", 10, {"single_choice": {"nhan_biet": 6}}, topic="Hàm số",
                 exposure="open")  # fmt: skip
    exam = fill(services, "toan", 10, {"single_choice": {"nhan_biet": 6}}, topic="Bí mật",
                start=50, exposure="exam")  # fmt: skip
    return open_, exam


def test_a_student_practises_open_questions_alone(client, services, make_user, bearer,
                                                  monkeypatch):  # fmt: skip
    open_ids, _ = bank(services)
    me, classmate = bearer(make_user("student")), bearer(make_user("student"))
    teacher = bearer(make_user("teacher"))
    listed = client.get("/api/v1/practice/topics?subject=toan&grade=10", headers=me).json()
    assert listed == [{"topic": "Hàm số", "count": 6}]  # the exam-only topic is not there
    hidden = {"subject": "toan", "grade": 10, "topic": "Bí mật", "count": 5}
    secret = client.post("/api/v1/practice", headers=me, json=hidden)
    assert secret.status_code == 409 and secret.json()["error"]["details"]["available"] == 0
    wanted = {"subject": "toan", "grade": 10, "topic": "Hàm số", "count": 5}
    made = client.post("/api/v1/practice", headers=me, json=wanted)
    assert made.status_code == 201, made.text
    quiz = made.json()
    assert made.json()["link"] == ""  # no link to hand around
    again = client.post("/api/v1/practice", headers=me, json=wanted)
    assert again.json()["id"] == quiz["id"]  # reused, not one more
    attempt = client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=me).json()
    assert len(attempt["questions"]) == 5
    assert {q["id"] for q in attempt["questions"]} <= set(open_ids)
    # nobody else reaches it, code or id
    joined = client.post("/api/v1/quizzes/join", json={"code": quiz["code"]}, headers=classmate)
    assert joined.status_code == 404
    for other in (classmate, teacher):
        assert client.get(f"/api/v1/quizzes/{quiz['id']}", headers=other).status_code == 404
    # a student keeps a bounded number: the oldest goes
    monkeypatch.setattr(self_practice, "MAX_PER_STUDENT", 1)
    other = client.post("/api/v1/practice", headers=me, json=wanted | {"count": 6})
    assert other.status_code == 201
    with services.sessions() as session:
        kept = session.scalars(select(Quiz.title).where(Quiz.learner_id.is_not(None))).all()
        gone = session.scalars(select(Attempt.id).where(Attempt.id == attempt["id"])).all()
    assert kept == ["Tự luyện: Toán 10 · Hàm số (6 câu)"] and gone == []


def test_the_practice_page_lists_topics_and_starts(app, services, make_user):
    bank(services)
    page = TestClient(app)
    sign_in(page, make_user("student"))
    form = page.get("/luyen-tap?mon=toan&lop=10")
    assert form.status_code == 200 and "Hàm số (6 câu)" in form.text and "Bí mật" not in form.text
    data = {"csrf_token": csrf_from(form.text), "subject": "toan", "grade": "10",
            "topic": "Hàm số", "count": "30"}  # fmt: skip
    too_many = page.post("/luyen-tap", data=data)
    assert too_many.status_code == 409 and "chỉ có 6 câu" in too_many.text
    started = page.post("/luyen-tap", data=data | {"count": "5"}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/lam-bai/")
    assert 'data-testid="start"' in page.get(started.headers["location"]).text
