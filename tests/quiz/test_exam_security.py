"""Exam security in a shared bank, tried as an attacker with a student account would (issue 14):
through the HTTP API, with separate teacher and student accounts.

The bank holds ``exam`` questions (the default), one ``secure`` true/false group and ``open``
questions for practice; two teachers' exams draw the same exam questions.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kholieu.bank.schemas import QuestionIn
from kholieu.quiz.models import Attempt
from tests.support.bank import fill
from tests.support.quiz import start
from tests.support.web import csrf_from, sign_in

EXAM = {
    "title": "Kiểm tra chung", "subject": "toan", "grade": 10, "duration_min": 15,
    "sections": [
        {"title": "PHẦN I", "type": "single_choice", "points_each": 1,
         "rows": [{"counts": {"nhan_biet": 4}}]},
        {"title": "PHẦN II", "type": "true_false_group", "points_each": 1,
         "rows": [{"counts": {"thong_hieu": 1}}]},
    ],
}  # fmt: skip
PRACTICE = {
    "title": "Luyện tập", "subject": "toan", "grade": 10, "duration_min": 10,
    "sections": [{"title": "Luyện", "type": "single_choice", "points_each": 1,
                  "rows": [{"counts": {"thong_hieu": 2}}]}],
}  # fmt: skip
LOCKED_UNTIL_2030 = {"review": "after_close", "closes_at": "2030-06-01T00:00:00+07:00"}


@pytest.fixture
def pools(services) -> dict[str, set[int]]:
    return {
        "exam": set(fill(services, "toan", 10, {"single_choice": {"nhan_biet": 4}})),
        "secure": set(fill(services, "toan", 10, {"true_false_group": {"thong_hieu": 1}},
                           start=100, exposure="secure")),
        "open": set(fill(services, "toan", 10, {"single_choice": {"thong_hieu": 6}},
                         start=200, exposure="open")),
    }  # fmt: skip


@pytest.fixture
def people(make_user, bearer):
    return {name: bearer(make_user(role)) for name, role in [
        ("x", "teacher"), ("y", "teacher"), ("student", "student"), ("other", "student"),
        ("editor", "editor")]}  # fmt: skip


def quiz(client, headers, blueprint=EXAM, **rules):
    made = client.post("/api/v1/quizzes", headers=headers,
                       json={"blueprint": blueprint, "mode": "exam", **rules})  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()


def keys_seen(response_json) -> dict[int, object]:
    """Question id -> key, for every key anywhere in what a student received."""
    seen = {}

    def walk(node):
        if isinstance(node, dict):
            qid = node.get("id", node.get("question_id"))
            if isinstance(qid, int) and node.get("key") is not None:
                seen[qid] = node["key"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(response_json)
    return seen


def test_practice_and_other_exams_give_no_key_of_an_exam_still_being_taken(client, pools, people):
    student = people["student"]
    locked = quiz(client, people["y"], **LOCKED_UNTIL_2030)  # Y's exam, review in 2030
    open_review = quiz(client, people["x"], review="after_submit")  # X's, same questions
    practice = client.post("/api/v1/quizzes", headers=people["x"],
                           json={"blueprint": PRACTICE, "mode": "practice"}).json()  # fmt: skip
    # practice draws only open questions: a practice quiz of the exam matrix cannot be made
    refused = client.post("/api/v1/quizzes", headers=people["x"],
                          json={"blueprint": EXAM, "mode": "practice"})  # fmt: skip
    assert refused.status_code == 422 and "PHẦN I" in refused.json()["error"]["message"]

    seen: dict[int, object] = {}
    for _ in range(5):  # practice attempts draw questions not seen yet, while the bank allows
        attempt = start(client, practice, student).json()
        for question in attempt["questions"]:
            checked = client.post(f"/api/v1/attempts/{attempt['id']}/check", headers=student,
                                  json={"question_id": question["id"], "answer": 0})  # fmt: skip
            assert checked.status_code == 200, checked.text
            seen |= keys_seen(checked.json())
        done = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=student)
        seen |= keys_seen(done.json())
        late = client.post(
            f"/api/v1/attempts/{attempt['id']}/check",
            headers=student,
            json={"question_id": attempt["questions"][0]["id"], "answer": 0},
        )
        assert late.status_code == 409  # no checks once the answers are fixed
    assert seen and set(seen) <= pools["open"]

    blank = start(client, open_review, student).json()  # sat blank, review after submit
    assert client.post(f"/api/v1/attempts/{blank['id']}/check", headers=student,
                       json={"question_id": blank["questions"][0]["id"], "answer": 0}
                       ).status_code == 403  # fmt: skip
    review = client.post(f"/api/v1/attempts/{blank['id']}/submit", headers=student).json()
    assert len(review["items"]) == 5  # right or wrong for each question, but no key:
    assert all(item["key"] is None for item in review["items"])
    withheld = {item["id"]: item["withheld"] for item in review["items"]}
    assert withheld == {**dict.fromkeys(pools["exam"], "in_use"),
                        **dict.fromkeys(pools["secure"], "secure")}  # fmt: skip
    assert all(item["statements"] == [] and item["explanation"] == "" for item in review["items"])
    locked_attempt = start(client, locked, student).json()
    mine = client.post(f"/api/v1/attempts/{locked_attempt['id']}/submit", headers=student)
    assert mine.json()["items"] == [] and mine.json()["review"] == "later"
    seen |= keys_seen(review) | keys_seen(mine.json())
    seen |= keys_seen(client.get(f"/api/v1/attempts/{blank['id']}", headers=student).json())
    assert not set(seen) & (pools["exam"] | pools["secure"])

    # once the other exam is closed, X's review shows the exam questions' keys (never the
    # secure one's), each as the version this student sat shows it
    assert client.post(f"/api/v1/quizzes/{locked['id']}/close", headers=people["y"]).is_success
    after = client.get(f"/api/v1/attempts/{blank['id']}", headers=student).json()
    shown = keys_seen(after)
    assert set(shown) == pools["exam"]
    teacher_view = client.get(f"/api/v1/quizzes/{open_review['id']}", headers=people["x"]).json()
    version = next(v for v in teacher_view["keys"] if v["code"] == blank["code"])
    assert shown == {i["id"]: i["key"] for i in version["items"] if i["id"] in pools["exam"]}


def test_quizzes_cannot_be_found_by_trying_ids(client, pools, people):
    exam = quiz(client, people["x"])
    student, other = people["student"], people["other"]
    for quiz_id in range(1, exam["id"] + 3):
        assert client.get(f"/api/v1/quizzes/{quiz_id}", headers=student).status_code == 404
        assert client.post(f"/api/v1/quizzes/{quiz_id}/attempts",
                           headers=student).status_code == 404  # fmt: skip
        assert client.get(f"/lam-bai/{quiz_id}", headers=student).status_code == 404
    assert client.post("/api/v1/quizzes/join", headers=student,
                       json={"code": "ABCD2345"}).status_code == 404  # fmt: skip
    typed = " ".join([exam["code"][:4].lower(), exam["code"][4:]])  # as read aloud in class
    joined = client.post("/api/v1/quizzes/join", headers=student, json={"code": typed})
    assert joined.status_code == 200 and joined.json()["id"] == exam["id"]
    assert not {"code", "link", "keys"} & set(joined.json())
    assert client.get(f"/api/v1/quizzes/{exam['id']}", headers=student).status_code == 200

    # the teacher sees who joined, and a new code shuts the old one (and link) out
    who = client.get(f"/api/v1/quizzes/{exam['id']}/participants", headers=people["x"]).json()
    assert [(p["started"], p["submitted"]) for p in who["participants"]] == [(0, 0)]
    fresh = client.post(f"/api/v1/quizzes/{exam['id']}/share", headers=people["x"]).json()
    assert fresh["code"] != exam["code"] and fresh["link"] != exam["link"]
    old = client.post("/api/v1/quizzes/join", headers=other, json={"code": exam["code"]})
    assert old.status_code == 404
    token = exam["link"].rsplit("/", 1)[1]
    assert client.post("/api/v1/quizzes/join", headers=other,
                       json={"token": token}).status_code == 404  # fmt: skip
    assert client.get(exam["link"], headers=other, follow_redirects=False).status_code == 404
    assert start(client, fresh, other).status_code == 201
    kept = client.post(f"/api/v1/quizzes/{exam['id']}/attempts", headers=student)
    assert kept.status_code == 201  # who joined before keeps the quiz
    who = client.get(f"/api/v1/quizzes/{exam['id']}/participants", headers=people["x"]).json()
    assert sorted(p["started"] for p in who["participants"]) == [1, 1]

    # another teacher cannot manage it (it does not exist for them); a student cannot at all
    for path in ("participants", "results"):
        assert client.get(f"/api/v1/quizzes/{exam['id']}/{path}",
                          headers=people["y"]).status_code == 404  # fmt: skip
    for path in ("close", "share"):
        assert client.post(f"/api/v1/quizzes/{exam['id']}/{path}",
                           headers=people["y"]).status_code == 404  # fmt: skip
        assert client.post(f"/api/v1/quizzes/{exam['id']}/{path}",
                           headers=student).status_code == 403  # fmt: skip
    closed = client.post(f"/api/v1/quizzes/{exam['id']}/close", headers=people["x"])
    assert closed.status_code == 200 and closed.json()["closes_at"]
    late = client.post("/api/v1/quizzes/join", headers=people["editor"], json=fresh)
    assert late.status_code == 200  # joining a closed quiz is allowed; starting is not:
    third = client.post(f"/api/v1/quizzes/{exam['id']}/attempts", headers=student)
    assert third.status_code == 409


def attempts(services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count(Attempt.id)))


def test_opening_the_exam_page_or_its_link_starts_nothing(
    client, services, pools, people, make_user
):
    exam = quiz(client, people["x"])
    student = make_user("student")
    sign_in(client, student)
    # a link from another site: joins (nothing more) and lands on the start screen
    landed = client.get(exam["link"], follow_redirects=False)
    assert landed.status_code == 303 and landed.headers["location"] == f"/lam-bai/{exam['id']}"
    screen = client.get(f"/lam-bai/{exam['id']}")
    assert screen.status_code == 200 and 'data-testid="start-screen"' in screen.text
    assert "Bắt đầu làm bài" in screen.text and 'data-testid="question-count">5<' in screen.text
    assert client.get(f"/lam-bai/{exam['id']}").status_code == 200  # a reload
    assert attempts(services) == 0
    # a form posted from another site carries no token of this browser's: refused
    assert client.post(f"/lam-bai/{exam['id']}").status_code == 403
    forged = client.post(f"/lam-bai/{exam['id']}", data={"csrf_token": "0" * 40})
    assert forged.status_code == 403 and attempts(services) == 0
    # "Bắt đầu làm bài"
    begun = client.post(f"/lam-bai/{exam['id']}", data={"csrf_token": csrf_from(screen.text)},
                        follow_redirects=False)  # fmt: skip
    assert begun.status_code == 303 and attempts(services) == 1
    page = client.get(f"/lam-bai/{exam['id']}")
    assert 'data-attempt="' in page.text and "start-screen" not in page.text
    # the API's start needs the header token too: a cookie alone is not enough
    assert client.post(f"/api/v1/quizzes/{exam['id']}/attempts").status_code == 403


def test_an_edited_ready_question_goes_back_to_review_and_quizzes_draw_the_approved_one(
    client, people
):
    author, editor, other = people["x"], people["editor"], people["y"]
    question = {"type": "single_choice", "stem": "Nghiệm của $x + 1 = 3$ là",
                "options": ["$2$", "$3$", "$4$"], "answer": 0, "subject": "toan",
                "grade": 11, "level": "nhan_biet"}  # fmt: skip
    made = client.post("/api/v1/questions", headers=author, json=question).json()
    url = f"/api/v1/questions/{made['id']}"
    assert made["exposure"] == "exam"  # the bank's default
    assert client.post(f"{url}/status", headers=editor, json={"status": "ready"}).is_success
    # the author changes the key of the approved question
    edited = client.put(url, headers=author, json={**question, "answer": 1, "status": "ready"})
    assert edited.status_code == 200, edited.text
    edited = edited.json()
    assert edited["status"] == "changed" and edited["version"] == 2
    assert edited["approved_version"] == 1
    history = client.get(f"{url}/versions", headers=author).json()
    assert [(v["version"], v["body"]["answer"]) for v in history] == [(1, 0), (2, 1)]
    plan = {
        "title": "Một câu",
        "subject": "toan",
        "grade": 11,
        "duration_min": 5,
        "sections": [
            {
                "title": "I",
                "type": "single_choice",
                "points_each": 10,
                "shuffle_options": False,
                "rows": [{"counts": {"nhan_biet": 1}}],
            }
        ],
    }
    drawn = quiz(client, other, plan)
    item = client.get(f"/api/v1/quizzes/{drawn['id']}", headers=other).json()["keys"][0]["items"][0]
    assert (item["version"], item["key"]) == (1, 0)  # the approved version, not the edit
    queue = client.get("/api/v1/questions?status=changed", headers=editor).json()
    assert [q["id"] for q in queue["items"]] == [made["id"]]
    # the status is the bank's to set: asking for "changed" or "ready" as the author does not
    # approve it; an editor does
    again = client.put(url, headers=author, json={**question, "answer": 1, "status": "changed"})
    assert again.json()["status"] == "changed" and again.json()["version"] == 2
    assert client.post(f"{url}/status", headers=author, json={"status": "ready"}).status_code == 403
    assert client.post(f"{url}/status", headers=editor, json={"status": "ready"}).is_success
    later = quiz(client, other, plan)
    item = client.get(f"/api/v1/quizzes/{later['id']}", headers=other).json()["keys"][0]["items"][0]
    assert (item["version"], item["key"]) == (2, 1)
    # once approved, its author may guard the key more, not less
    loosen = client.put(
        url, headers=author, json={**question, "answer": 1, "status": "ready", "exposure": "open"}
    )
    assert loosen.status_code == 403
    tighten = client.put(
        url, headers=author, json={**question, "answer": 1, "status": "ready", "exposure": "secure"}
    )
    assert tighten.status_code == 200 and tighten.json()["status"] == "ready"
    assert tighten.json()["exposure"] == "secure"


def short(services, answers: list[str]) -> None:
    with services.sessions.begin() as session:
        for n, answer in enumerate(answers):
            data = QuestionIn.model_validate({
                "type": "short_answer", "stem": f"Câu hỏi trả lời ngắn số {n} về {answer!r}",
                "answer": answer, "subject": "toan", "grade": 12, "level": "van_dung",
                "status": "ready"})  # fmt: skip
            services.questions.create(session, None, data, audit_it=False)


def test_part_three_draws_only_keys_the_2025_answer_sheet_holds(client, services, people):
    short(services, ["12", "-1,5", "12345", "paris2", "0,25"])

    def plan(count, sheet="2025"):  # fmt: skip
        return {"title": "Phần III", "subject": "toan", "grade": 12, "duration_min": 10,
                "sections": [{"title": "PHẦN III. Trả lời ngắn", "type": "short_answer",
                              "points_each": 0.25, "answer_sheet": sheet,
                              "rows": [{"counts": {"van_dung": count}}]}]}  # fmt: skip

    refused = client.post("/api/v1/quizzes", headers=people["x"],
                          json={"blueprint": plan(4), "mode": "exam"})  # fmt: skip
    assert refused.status_code == 422
    shortage = refused.json()["error"]["details"]["shortages"][0]
    assert shortage["found"] == 3 and shortage["message"].startswith("PHẦN III. Trả lời ngắn")
    assert "phiếu trả lời 2025" in shortage["message"]
    for seed in range(10):
        made = quiz(client, people["x"], plan(3), seed=seed)
        keys = client.get(f"/api/v1/quizzes/{made['id']}", headers=people["x"]).json()["keys"]
        assert sorted(i["key"] for i in keys[0]["items"]) == ["-1,5", "0,25", "12"]
    anything = quiz(client, people["x"], plan(5, sheet="text"))  # on screen only: any text
    assert anything["questions"] == 5
    check = client.post("/api/v1/blueprints/check", headers=people["x"], json=plan(4)).json()
    assert check["shortages"][0]["found"] == 3


def test_a_later_save_from_another_device_wins_and_the_first_device_is_told(
    client, services, pools, people
):
    exam = quiz(client, people["x"])
    student = people["student"]
    attempt = start(client, exam, student).json()
    first, second = (str(q["id"]) for q in attempt["questions"][:2])
    url = f"/api/v1/attempts/{attempt['id']}/answers"
    client.put(url, headers=student, json={"answers": {first: 0}})  # the phone
    client.put(url, headers=student, json={"answers": {first: 2}})  # the laptop, later
    told = client.put(url, headers=student, json={"answers": {second: 1}}).json()  # the phone
    assert told["answers"] == {first: 2, second: 1}


def test_review_withholds_keys_of_questions_made_secure_after_the_exam(client, pools, people):
    exam = quiz(client, people["x"], review="after_submit")
    attempt = start(client, exam, people["student"]).json()
    client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=people["student"])
    shown = client.get(f"/api/v1/attempts/{attempt['id']}", headers=people["student"]).json()
    assert set(keys_seen(shown)) == pools["exam"]  # no other quiz uses them
    one = sorted(pools["exam"])[0]
    data = client.get(f"/api/v1/questions/{one}", headers=people["editor"]).json()["data"]
    made_secure = client.put(f"/api/v1/questions/{one}", headers=people["editor"],
                             json={**data, "exposure": "secure"})  # fmt: skip
    assert made_secure.status_code == 200, made_secure.text
    again = client.get(f"/api/v1/attempts/{attempt['id']}", headers=people["student"]).json()
    assert set(keys_seen(again)) == pools["exam"] - {one}
    assert json.dumps(again).count('"withheld": "secure"') == 2  # with the secure group
