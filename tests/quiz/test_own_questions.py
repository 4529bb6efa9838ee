"""A teacher's own questions in their own quizzes at once (issue 19, item 6): drafts with a
key are drawn for the quiz's teacher and nobody else, a draft without a key never; a test made
in one step from one import's questions. Tried as another teacher would: their quiz of the
same subject and grade cannot reach the drafts, nor can their ``?nhap=``."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from kholieu.bank.models import Question
from kholieu.bank.schemas import QuestionIn
from kholieu.quiz.models import Quiz
from tests.support.bank import body
from tests.support.web import csrf_from, sign_in

MINE = {"title": "Đề của tôi", "subject": "hoa-hoc", "grade": 8, "duration_min": 15,
        "source": "mine", "sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                                        "rows": [{"counts": {"bat_ky": 2}}]}]}  # fmt: skip


def drafts(services, teacher, n: int, *, keyless: int = 0, import_id: str | None = None):
    ids = []
    with services.sessions.begin() as session:
        actor = session.merge(teacher)
        for k in range(n + keyless):
            data = body("single_choice", 700 + k + 100 * teacher.id)
            if k >= n:
                data["answer"] = None  # a Word question whose key was not marked
            question = services.questions.create(session, actor, QuestionIn.model_validate(
                {"type": "single_choice", **data, "subject": "hoa-hoc", "grade": 8}))  # fmt: skip
            question.import_id = import_id
            ids.append(question.id)
    return ids


def test_drafts_with_a_key_make_their_teachers_quiz_and_nobody_elses(
    client, services, make_user, bearer
):
    owner, other = make_user("teacher"), make_user("teacher")
    keyed = drafts(services, owner, 2, keyless=1)
    with services.sessions() as session:
        assert {q.status for q in session.scalars(select(Question))} == {"draft"}
    made = client.post("/api/v1/quizzes", headers=bearer(owner),
                       json={"blueprint": MINE, "mode": "exam"})  # fmt: skip
    assert made.status_code == 201, made.text
    with services.sessions() as session:
        items = session.get(Quiz, made.json()["id"]).versions[0]["items"]
    assert sorted(i["id"] for i in items) == keyed[:2]  # never the keyless one
    # three wanted, two with a key: the check says what is missing
    three = MINE | {"sections": [MINE["sections"][0] | {"rows": [{"counts": {"bat_ky": 3}}]}]}
    short = client.post("/api/v1/blueprints/check", headers=bearer(owner), json=three).json()
    assert [(s["needed"], s["found"]) for s in short["shortages"]] == [(3, 2)]

    # another teacher: the same subject and grade, from the whole bank or "mine": nothing
    for source in ("all", "mine"):
        data = {"blueprint": MINE | {"source": source}, "mode": "exam"}
        theirs = client.post("/api/v1/quizzes", headers=bearer(other), json=data)
        assert theirs.status_code == 422, source
    # a student takes the owner's quiz and sees the questions
    student = bearer(make_user("student"))
    quiz = made.json()
    assert client.post("/api/v1/quizzes/join", json={"code": quiz["code"]},
                       headers=student).status_code == 200  # fmt: skip
    attempt = client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=student).json()
    assert len(attempt["questions"]) == 2 and "Tính giá trị" in attempt["questions"][0]["stem"]


def test_a_test_from_one_import_in_one_step(app, services, make_user):
    owner, other = make_user("teacher"), make_user("teacher")
    drafts(services, owner, 1, import_id="imp-a")  # an earlier import: not in this test
    ours = drafts(services, owner, 3, keyless=1, import_id="imp-b")
    page = TestClient(app)
    sign_in(page, owner)
    form = page.get("/bai-kiem-tra/moi?nhap=imp-b")
    assert form.status_code == 200 and "&#34;import_id&#34;: &#34;imp-b&#34;" in form.text
    with services.sessions() as session:
        plan = services.quizzes.blueprint_of_import(session, owner, "imp-b")
    assert plan["sections"][0]["rows"] == [{"counts": {"bat_ky": 3}}]
    made = page.post("/bai-kiem-tra/moi", follow_redirects=False, data={
        "csrf_token": csrf_from(form.text), "source": "yaml", "title": "Đề 15 phút",
        "blueprint": json.dumps(plan), "mode": "exam",
    })  # fmt: skip
    assert made.status_code == 303, made.text
    with services.sessions() as session:
        quiz = session.scalars(select(Quiz).where(Quiz.title == "Đề 15 phút")).one()
        assert sorted(i["id"] for i in quiz.versions[0]["items"]) == ours[:3]
    stranger = TestClient(app)
    sign_in(stranger, other)
    assert stranger.get("/bai-kiem-tra/moi?nhap=imp-b").status_code == 404
