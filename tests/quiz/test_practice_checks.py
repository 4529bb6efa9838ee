"""Practice's "Kiểm tra" through the API, as a student would try to get around it: the tries
per question are the quiz's setting; a settled question (right, or its last try) shows its key
once and keeps its answer; nothing reaches the student of an exam."""

from __future__ import annotations

import json

import pytest

from kholieu.quiz.models import Attempt
from tests.support.quiz import make_quiz, start


def keys_of(services, attempt: dict) -> dict[int, object]:
    with services.sessions() as session:
        return {i["id"]: i["key"] for i in session.get(Attempt, attempt["id"]).items}


def stored(services, attempt: dict) -> Attempt:
    with services.sessions() as session:
        row = session.get(Attempt, attempt["id"])
        session.expunge(row)
        return row


def choices(attempt: dict) -> list[int]:
    return [q["id"] for q in attempt["questions"] if q["type"] == "single_choice"]


def check(client, headers, attempt, qid, answer):
    return client.post(f"/api/v1/attempts/{attempt['id']}/check", headers=headers,
                       json={"question_id": qid, "answer": answer})  # fmt: skip


def save(client, headers, attempt, answers):
    return client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=headers,
                      json={"answers": answers})  # fmt: skip


def test_a_wrong_check_shows_the_key_and_locks_the_answer(client, services, bank, people):
    student = people["student"]
    quiz = make_quiz(client, people["teacher"], mode="practice")
    assert quiz["practice_checks"] == 1  # the default: one check per question
    attempt = start(client, quiz, headers=student).json()
    first, second = choices(attempt)[:2]
    keys = keys_of(services, attempt)
    wrong = (keys[first] + 1) % 4

    checked = check(client, student, attempt, first, wrong)
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["correct"] is False and body["final"] is True and body["tries_left"] == 0
    assert body["key"] == keys[first] and body["explanation"].endswith("$.")
    assert stored(services, attempt).answers[str(first)] == wrong  # the checked answer is kept

    # the student tries to put the right answer in now: the whole save is refused
    changed = save(client, student, attempt, {str(first): keys[first], str(second): 0})
    assert changed.status_code == 409
    error = changed.json()["error"]
    assert error["details"] == {"field": f"answers.{first}", "reason": "answer_locked"}
    row = stored(services, attempt)
    assert row.answers == {str(first): wrong}  # nothing half-stored: not even the other one
    assert row.submitted_at is None
    # the same answer again (an autosave resending it) is fine, and so are other questions
    assert save(client, student, attempt, {str(first): wrong, str(second): 0}).status_code == 200
    # nor can it be checked again, with the right answer or the same one
    for answer in (keys[first], wrong):
        again = check(client, student, attempt, first, answer)
        assert again.status_code == 409 and again.json()["error"]["details"]["reason"] == "checked"
        assert "key" not in again.text
    assert stored(services, attempt).answers[str(first)] == wrong

    # a reload shows the settled check with its key (it was shown already), nothing more
    shown = client.get(f"/api/v1/attempts/{attempt['id']}", headers=student).json()
    assert shown["checks_allowed"] == 1
    assert shown["checks"] == {str(first): {"share": 0.0, "correct": False, "key": keys[first],
                                            "explanation": body["explanation"], "tries": 1,
                                            "final": True}}  # fmt: skip

    # once submitted, no more checks: the review shows the results
    client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=student)
    late = check(client, student, attempt, second, keys[second])
    assert late.status_code == 409 and '"key"' not in late.text


def test_tries_are_the_quizs_setting_and_the_key_waits_for_the_last(client, services, bank, people):
    student = people["student"]
    quiz = make_quiz(client, people["teacher"], mode="practice", practice_checks=2)
    assert quiz["practice_checks"] == 2
    attempt = start(client, quiz, headers=student).json()
    first, second = choices(attempt)[:2]
    keys = keys_of(services, attempt)
    wrong, other = (keys[first] + 1) % 4, (keys[first] + 2) % 4

    one = check(client, student, attempt, first, wrong).json()
    assert one["correct"] is False and one["final"] is False and one["tries_left"] == 1
    assert "key" not in one and not one.get("explanation")  # a try is left: no key yet
    kept = client.get(f"/api/v1/attempts/{attempt['id']}", headers=student).json()["checks"]
    assert kept[str(first)]["final"] is False and "key" not in kept[str(first)]
    assert not kept[str(first)].get("explanation")
    assert '"key"' not in json.dumps(kept)
    # not settled: the answer may still change
    assert save(client, student, attempt, {str(first): other}).status_code == 200

    two = check(client, student, attempt, first, other).json()
    assert two["final"] is True and two["tries"] == 2 and two["key"] == keys[first]
    assert save(client, student, attempt, {str(first): keys[first]}).status_code == 409

    # a right answer settles at the first try
    right = check(client, student, attempt, second, keys[second]).json()
    assert right["correct"] is True and right["final"] is True and right["tries_left"] == 1
    assert save(client, student, attempt, {str(second): (keys[second] + 1) % 4}).status_code == 409


def test_a_blank_check_costs_no_try(client, services, bank, people):
    student = people["student"]
    quiz = make_quiz(client, people["teacher"], mode="practice")
    attempt = start(client, quiz, headers=student).json()
    qid = choices(attempt)[0]
    blank = check(client, student, attempt, qid, None)
    assert blank.status_code == 422 and "key" not in blank.text
    assert blank.json()["error"]["details"] == {"field": "answer", "reason": "blank"}
    assert not stored(services, attempt).checks
    assert check(client, student, attempt, qid, 0).status_code == 200


def test_no_checks_when_the_quiz_allows_none_or_its_review_is_never(client, services, bank, people):
    student = people["student"]
    quiz = make_quiz(client, people["teacher"], mode="practice", practice_checks=0)
    attempt = start(client, quiz, headers=student).json()
    qid = choices(attempt)[0]
    refused = check(client, student, attempt, qid, keys_of(services, attempt)[qid])
    assert (
        refused.status_code == 403 and refused.json()["error"]["details"]["reason"] == "checks_off"
    )
    assert '"correct"' not in refused.text and not stored(services, attempt).checks
    shown = client.get(f"/api/v1/attempts/{attempt['id']}", headers=student).json()
    assert shown["checks_allowed"] == 0

    never = make_quiz(client, people["teacher"], mode="practice", review="never")
    attempt = start(client, never, headers=people["other"]).json()
    qid = choices(attempt)[0]
    wrong = (keys_of(services, attempt)[qid] + 1) % 4
    body = check(client, people["other"], attempt, qid, wrong).json()
    assert body["final"] is True and "key" not in body and not body.get("explanation")


@pytest.mark.parametrize("value", [-1, 6, "many", None, 2.5])
def test_the_setting_is_validated(client, bank, people, value):
    response = client.post("/api/v1/quizzes", headers=people["teacher"], json={
        "title": "x", "blueprint": make_blueprint(), "mode": "practice", "practice_checks": value,
    })  # fmt: skip
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == "practice_checks"


def make_blueprint() -> dict:
    from tests.support.quiz import SMALL

    return SMALL


def test_an_exam_check_reveals_nothing_to_a_student_trying(client, services, bank, people):
    """A student of an exam calls the check endpoint as the practice page would, with the
    right answer, a wrong one, every question, even a quiz made with checks: a 403 that
    carries no verdict, key or explanation, and nothing stored."""
    student = people["student"]
    quiz = make_quiz(client, people["teacher"], practice_checks=3)
    attempt = start(client, quiz, headers=student).json()
    keys = keys_of(services, attempt)
    for question in attempt["questions"]:
        qid = question["id"]
        key = keys[qid]
        for answer in {json.dumps(key), json.dumps(None), json.dumps(0)}:
            response = check(client, student, attempt, qid, json.loads(answer))
            assert response.status_code == 403, response.text
            text = response.text
            assert not any(f'"{w}"' in text for w in ("key", "correct", "share", "explanation"))
            assert json.dumps(key) not in json.dumps(response.json()["error"].get("details"))
    row = stored(services, attempt)
    assert row.answers == {} and not row.checks
    shown = client.get(f"/api/v1/attempts/{attempt['id']}", headers=student).json()
    assert "checks" not in shown and "checks_allowed" not in shown
    # another student cannot check it either: the attempt is not theirs
    assert (
        check(client, people["other"], attempt, attempt["questions"][0]["id"], 0).status_code == 404
    )


def test_a_class_copy_keeps_the_quizs_checks(client, bank, people):
    teacher = people["teacher"]
    quiz = make_quiz(client, teacher, mode="practice", practice_checks=3)
    made = client.post("/api/v1/classes", headers=teacher, json={
        "name": "10A2", "grade": 10, "school_year": "2026-2027"})  # fmt: skip
    assert made.status_code == 201, made.text
    given = client.post(f"/api/v1/classes/{made.json()['id']}/assignments", headers=teacher,
                        json={"quiz_id": quiz["id"]})  # fmt: skip
    assert given.status_code == 201, given.text
    copy = client.get(f"/api/v1/quizzes/{given.json()['quiz_id']}", headers=teacher).json()
    assert copy["id"] != quiz["id"] and copy["practice_checks"] == 3
