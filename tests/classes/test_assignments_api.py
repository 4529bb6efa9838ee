"""Assignments, the gradebook and essay marking through the HTTP API (issue 19, items 2–4),
tried as the people who would get around them: a student of another class holding the
exam's code, another teacher guessing ids, a student asking for the teacher's view."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kholieu.audit.models import AuditEntry
from kholieu.content.models import ContentItem
from kholieu.db.base import utcnow
from kholieu.quiz.models import Attempt, Quiz
from kholieu.video import positions
from tests.support.content import new_item
from tests.support.quiz import SMALL

CLASS = {"name": "10A1", "school": "THPT Chu Văn An", "grade": 10, "school_year": "2026-2027"}
ESSAY_EXAM = {
    "title": "Kiểm tra có tự luận", "subject": "toan", "grade": 10, "duration_min": 45,
    "sections": [
        {"title": "PHẦN I", "type": "single_choice", "points_each": 1,
         "rows": [{"counts": {"nhan_biet": 2}}]},
        {"title": "PHẦN TỰ LUẬN", "type": "essay", "points_each": 2,
         "rows": [{"counts": {"van_dung": 1}}]},
    ],
}  # fmt: skip


@pytest.fixture
def people(make_user, bearer, services):
    users = {
        "teacher": make_user("teacher"), "co": make_user("teacher"),
        "other": make_user("teacher"), "an": make_user("student"),
        "binh": make_user("student"), "outsider": make_user("student"),
    }  # fmt: skip
    with services.sessions.begin() as session:  # names as a class list has them
        for key, name in (("an", "Nguyễn Văn An"), ("binh", '=HYPERLINK("x")')):
            session.merge(users[key]).display_name = name
    return {name: (user, bearer(user)) for name, user in users.items()}


@pytest.fixture
def klass(client, people):
    """10A1: its teacher, a co-teacher, and two students who joined with the code."""
    _, t = people["teacher"]
    made = client.post("/api/v1/classes", json=CLASS, headers=t).json()
    co = people["co"][0].username
    assert client.post(f"/api/v1/classes/{made['id']}/teachers", json={"username": co},
                       headers=t).status_code == 201  # fmt: skip
    for name in ("an", "binh"):
        joined = client.post("/api/v1/classes/join", json={"code": made["code"]},
                             headers=people[name][1])  # fmt: skip
        assert joined.status_code == 200
    return made


def quiz_of(client, headers, blueprint=SMALL, **extra) -> dict:
    data = {"title": blueprint["title"], "blueprint": blueprint, "mode": "exam", **extra}
    response = client.post("/api/v1/quizzes", headers=headers, json=data)
    assert response.status_code == 201, response.text
    return response.json()


def assign(client, headers, class_id, **body):
    return client.post(f"/api/v1/classes/{class_id}/assignments", json=body, headers=headers)


def answer_all(client, services, headers, attempt_id: int, right: bool = True) -> dict:
    with services.sessions() as session:
        items = session.get(Attempt, attempt_id).items

    def given(item):
        wrong = not right and item["type"] == "single_choice"
        return (item["key"] + 1) % 4 if wrong else item["key"]

    answers = {str(i["id"]): given(i) for i in items if i["type"] != "essay"}
    answers |= {str(i["id"]): "Bài làm tự luận của em." for i in items if i["type"] == "essay"}
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers", json={"answers": answers},
                      headers=headers).status_code == 200  # fmt: skip
    return client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers).json()


def test_an_exam_assigned_to_a_class_is_for_its_students_only(client, services, bank, people,
                                                              klass):  # fmt: skip
    _, t = people["teacher"]
    quiz = quiz_of(client, t)
    closes = (utcnow() + timedelta(days=2)).isoformat()
    made = assign(client, t, klass["id"], quiz_id=quiz["id"], closes_at=closes, max_attempts=1,
                  review="after_close")  # fmt: skip
    assert made.status_code == 201, made.text
    given = made.json()
    assert given["kind"] == "exam" and given["quiz_id"] != quiz["id"] and given["window"] == "open"
    class_quiz = given["quiz_id"]
    with services.sessions() as session:  # the class's copy: same versions, its own rules
        copy, original = session.get(Quiz, class_quiz), session.get(Quiz, quiz["id"])
        assert copy.versions == original.versions and copy.class_id == klass["id"]
        assert copy.review == "after_close" and copy.token is None

    # a class student starts it without any code
    _, an = people["an"]
    started = client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=an)
    assert started.status_code == 201
    # a student of no class, even holding the code, cannot join it or reach it
    _, outsider = people["outsider"]
    code = client.get(f"/api/v1/quizzes/{class_quiz}", headers=t).json()["code"]
    refused = client.post("/api/v1/quizzes/join", json={"code": code}, headers=outsider)
    assert refused.status_code == 403 and refused.json()["error"]["details"]["reason"] == (
        "other_class"
    )
    assert (
        client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=outsider).status_code == 404
    )
    # the co-teacher manages it; another teacher finds nothing
    _, co = people["co"]
    assert client.get(f"/api/v1/quizzes/{class_quiz}/results", headers=co).status_code == 200
    _, other = people["other"]
    assert client.get(f"/api/v1/quizzes/{class_quiz}/results", headers=other).status_code == 404
    progress = client.get(f"/api/v1/assignments/{given['id']}/progress", headers=other)
    assert progress.status_code == 404
    # the teacher's own quiz list does not fill up with class copies
    with services.sessions() as session:
        mine = [q.id for q in services.quizzes.owned_by(session, people["teacher"][0])]
    assert mine == [quiz["id"]]

    progress = client.get(f"/api/v1/assignments/{given['id']}/progress", headers=co).json()
    by_name = {s["name"]: s["status"] for s in progress["students"]}
    assert by_name == {"Nguyễn Văn An": "in_progress", '=HYPERLINK("x")': "not_started"}
    assert progress["counts"] == {"in_progress": 1, "not_started": 1}

    # the student finishes: the score is kept, the review waits for the close
    result = answer_all(client, services, an, started.json()["id"])
    assert result["score_10"] == 10 and result["items"] == [] and result["review"] == "later"
    history = client.get("/api/v1/attempts", headers=an).json()
    assert [(h["quiz_id"], h["score_10"], h["review"]) for h in history] == [
        (class_quiz, 10, False)
    ]
    assert client.get("/api/v1/me/assignments", headers=outsider).json() == []
    other_attempt = client.get(f"/api/v1/attempts/{started.json()['id']}", headers=outsider)
    assert other_attempt.status_code == 404  # a classmate's attempt looks like none
    listed = client.get("/api/v1/me/assignments", headers=an).json()
    assert [(a["id"], a["status"], a["score_10"], a["class_name"]) for a in listed] == [
        (given["id"], "submitted", 10, "10A1")
    ]
    # a student asks for the teacher's view of their attempt, or the gradebook: refused
    assert client.get(f"/api/v1/attempts/{started.json()['id']}/marking",
                      headers=an).status_code == 403  # fmt: skip
    assert client.get(f"/api/v1/classes/{klass['id']}/gradebook", headers=an).status_code == 403


def test_one_student_gets_another_attempt_and_their_own_later_close(client, services, bank,
                                                                    people, klass):  # fmt: skip
    _, t = people["teacher"]
    quiz = quiz_of(client, t)
    closes = utcnow() + timedelta(hours=1)
    given = assign(client, t, klass["id"], quiz_id=quiz["id"], max_attempts=1,
                   closes_at=closes.isoformat(), review="after_close").json()  # fmt: skip
    class_quiz = given["quiz_id"]
    an_user, an = people["an"]
    _, binh = people["binh"]
    first = client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=an).json()
    answer_all(client, services, an, first["id"], right=False)
    again = client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=an)
    assert again.status_code == 409  # one attempt, used

    # only for a student of the class; only by its teachers
    url = f"/api/v1/assignments/{given['id']}/allowances"
    outsider = people["outsider"][0]
    assert client.post(url, json={"user_id": outsider.id, "extra_attempts": 1},
                       headers=t).status_code == 404  # fmt: skip
    assert client.post(url, json={"user_id": an_user.id, "extra_attempts": 1},
                       headers=an).status_code == 403  # fmt: skip
    later = closes + timedelta(days=1)
    granted = client.post(url, headers=t, json={"user_id": an_user.id, "extra_attempts": 1,
                                                "extra_minutes": 10,
                                                "closes_at": later.isoformat()})  # fmt: skip
    assert granted.status_code == 200 and granted.json()["extra_attempts"] == 1
    second = client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=an)
    assert second.status_code == 201
    with services.sessions() as session:
        attempt = session.get(Attempt, second.json()["id"])
        assert attempt.number == 2 and attempt.extended  # 15 + 10 minutes, its own close
        assert (attempt.deadline.replace(tzinfo=None) - attempt.created_at.replace(tzinfo=None)
                ).total_seconds() >= 25 * 60 - 5  # fmt: skip
    assert client.get(f"/api/v1/quizzes/{class_quiz}", headers=an).json()["attempts_left"] == 0

    # the quiz closes for the class; An's own close is a day later
    with services.sessions.begin() as session:
        session.get(Quiz, class_quiz).closes_at = utcnow() - timedelta(seconds=1)
    late = client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=binh)
    assert late.status_code == 409  # Bình has no allowance: closed
    resumed = client.post(f"/api/v1/quizzes/{class_quiz}/attempts", headers=an)
    assert resumed.status_code == 201 and resumed.json()["id"] == second.json()["id"]
    result = answer_all(client, services, an, second.json()["id"])
    # a review "after the close" waits for the last student's close: nobody sees keys while
    # An may still sit the test
    assert result["items"] == [] and result["review"] == "later"
    with services.sessions() as session:
        audit = session.scalars(select(AuditEntry.action)).all()
    assert "assignment.allow" in audit and "assignment.create" in audit


def test_the_gradebook_shows_names_scores_with_commas_and_exports_safe_cells(
    client, services, bank, people, klass
):
    _, t = people["teacher"]
    quiz = quiz_of(client, t)
    given = assign(client, t, klass["id"], quiz_id=quiz["id"]).json()
    _, an = people["an"]
    attempt = client.post(f"/api/v1/quizzes/{given['quiz_id']}/attempts", headers=an).json()
    answer_all(client, services, an, attempt["id"], right=False)  # PHẦN I wrong: 2 of 6

    table = client.get(f"/api/v1/classes/{klass['id']}/gradebook", headers=t).json()
    assert table["class"]["name"] == "10A1"
    assert [a["title"] for a in table["assignments"]] == ["Kiểm tra 15 phút"]
    cells = {r["name"]: r["cells"][0] for r in table["rows"]}
    assert cells["Nguyễn Văn An"]["status"] == "submitted"
    assert cells["Nguyễn Văn An"]["score_10"] == 6.67
    assert cells['=HYPERLINK("x")']["status"] == "not_started"
    # the co-teacher sees it too; another teacher does not
    assert client.get(f"/api/v1/classes/{klass['id']}/gradebook",
                      headers=people["co"][1]).status_code == 200  # fmt: skip
    assert client.get(f"/api/v1/classes/{klass['id']}/gradebook",
                      headers=people["other"][1]).status_code == 404  # fmt: skip

    xlsx = client.get(f"/api/v1/classes/{klass['id']}/gradebook/export?format=xlsx", headers=t)
    assert xlsx.status_code == 200 and "so-diem-lop" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["STT", "Họ và tên", "Mã học sinh", "Tên đăng nhập", "Kiểm tra 15 phút"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Nguyễn Văn An"][4] == 6.67  # a number cell, for the record book's sums
    assert by_name['=HYPERLINK("x")'][4] == "Chưa làm"
    formula = next(c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")')
    assert formula.data_type == "s"  # text, never a formula

    csv = client.get(f"/api/v1/classes/{klass['id']}/gradebook/export?format=csv", headers=t)
    text = csv.content.decode("utf-8-sig")
    assert '"6,67"' in text and "'=HYPERLINK" in text  # decimal comma; the formula defused


def test_essays_are_marked_in_steps_with_a_comment_and_audited(client, services, bank, people,
                                                              klass):  # fmt: skip
    _, t = people["teacher"]
    quiz = quiz_of(client, t, ESSAY_EXAM)
    given = assign(client, t, klass["id"], quiz_id=quiz["id"], review="after_submit").json()
    _, an = people["an"]
    attempt = client.post(f"/api/v1/quizzes/{given['quiz_id']}/attempts", headers=an).json()
    submitted = answer_all(client, services, an, attempt["id"])
    assert submitted["pending"] is True and submitted["score"] == 2

    queue = client.get(f"/api/v1/assignments/{given['id']}/essays", headers=t).json()
    [essay] = queue["essays"]
    assert essay["student"] == "Nguyễn Văn An" and essay["answer"] == "Bài làm tự luận của em."
    assert essay["points"] == 2 and essay["earned"] is None and "Trình bày" in essay["stem"]
    progress = client.get(f"/api/v1/assignments/{given['id']}/progress", headers=t).json()
    assert progress["counts"]["needs_marking"] == 1

    url = f"/api/v1/attempts/{attempt['id']}/grade"
    mark = {"question_id": essay["question_id"], "points": 1.3, "step": 0.25,
            "comment": "Thiếu bước kết luận."}  # fmt: skip
    refused = client.post(url, json=mark, headers=t)
    assert refused.status_code == 422 and refused.json()["error"]["details"]["problem"] == "step"
    assert (
        client.post(url, json=mark | {"points": 1.25}, headers=people["other"][1]).status_code
        == 404
    )
    assert client.post(url, json=mark | {"points": 2.0}, headers=an).status_code == 403
    marked = client.post(url, json=mark | {"points": 1.25}, headers=people["co"][1])
    assert marked.status_code == 200 and marked.json() == {
        "score": 3.25,
        "max_score": 4,
        "pending": False,
    }
    assert client.get(f"/api/v1/assignments/{given['id']}/essays", headers=t).json()["essays"] == []
    done = client.get(f"/api/v1/assignments/{given['id']}/essays?marked=true", headers=t).json()
    assert [(e["earned"], e["comment"]) for e in done["essays"]] == [(1.25, "Thiếu bước kết luận.")]

    # the student's review shows the mark and the comment; the teacher's view every answer
    review = client.get(f"/api/v1/attempts/{attempt['id']}", headers=an).json()
    essay_item = next(i for i in review["items"] if i["id"] == essay["question_id"])
    assert essay_item["earned"] == 1.25 and essay_item["comment"] == "Thiếu bước kết luận."
    assert "marked_by" not in essay_item
    view = client.get(f"/api/v1/attempts/{attempt['id']}/marking", headers=t).json()
    assert view["student"] == "Nguyễn Văn An" and view["score_10"] == 8.13
    assert all("key" in i and "answer" in i and i["result"] for i in view["items"])
    assert client.get(f"/api/v1/attempts/{attempt['id']}/marking",
                      headers=people["other"][1]).status_code == 404  # fmt: skip
    with services.sessions() as session:
        marks = session.scalars(select(AuditEntry).where(AuditEntry.action == "attempt.mark")).all()
        assert [m.actor_id for m in marks] == [people["co"][0].id]


def video_item(services, status: str) -> int:
    item_id = new_item(services, kind="video")
    with services.sessions.begin() as session:
        session.get(ContentItem, item_id).status = status
    return item_id


def test_a_lesson_is_assigned_only_when_published_and_shows_who_watched(
    client, services, people, klass
):
    _, t = people["teacher"]
    draft = video_item(services, "draft")
    refused = assign(client, t, klass["id"], item_id=draft)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["problem"] == "not_published"
    published = video_item(services, "published")
    given = assign(client, t, klass["id"], item_id=published)
    assert given.status_code == 201 and given.json()["kind"] == "lesson"
    an_user, an = people["an"]
    with services.sessions.begin() as session:
        positions.save(session, session.get(ContentItem, published), an_user.id, 30.0)
    progress = client.get(f"/api/v1/assignments/{given.json()['id']}/progress", headers=t).json()
    assert progress["counts"] == {"opened": 1, "not_started": 1}
    mine = client.get(f"/api/v1/classes/{klass['id']}/assignments", headers=an).json()
    assert [(a["kind"], a["status"]) for a in mine] == [("lesson", "opened")]
    # the outsider sees no class and no assignment
    outsider = people["outsider"][1]
    assert client.get(f"/api/v1/classes/{klass['id']}/assignments",
                      headers=outsider).status_code == 404  # fmt: skip
    assert client.delete(f"/api/v1/assignments/{given.json()['id']}", headers=an).status_code == 403
    assert client.delete(f"/api/v1/assignments/{given.json()['id']}", headers=t).status_code == 204


def test_times_given_in_vietnams_offset_are_kept_as_the_same_moment(client, bank, people,
                                                                    klass):  # fmt: skip
    """SQLite keeps a time's wall clock and drops its offset: 17:00+07:00 must be stored as
    10:00 UTC, or a class's exam would close seven hours late."""
    _, t = people["teacher"]
    quiz = quiz_of(client, t)
    given = assign(client, t, klass["id"], quiz_id=quiz["id"],
                   closes_at="2099-06-01T17:00:00+07:00").json()  # fmt: skip
    assert given["closes_at"] == "2099-06-01T10:00:00+00:00"
    shown = client.get(f"/api/v1/quizzes/{given['quiz_id']}", headers=t).json()
    assert shown["closes_at"].startswith("2099-06-01T10:00:00")
