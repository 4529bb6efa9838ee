"""A small exam blueprint, the field names that carry a key, and creating a quiz through the
API, for the quiz tests."""

from __future__ import annotations

SMALL = {
    "title": "Kiểm tra 15 phút", "subject": "toan", "grade": 10, "duration_min": 15,
    "versions": 2,
    "sections": [
        {"title": "PHẦN I", "type": "single_choice", "points_each": 0.5,
         "rows": [{"counts": {"nhan_biet": 4}}]},
        {"title": "PHẦN II", "type": "true_false_group", "points_each": 1,
         "rows": [{"counts": {"thong_hieu": 2}}]},
        {"title": "PHẦN III", "type": "short_answer", "points_each": 1, "shuffle_options": False,
         "rows": [{"counts": {"van_dung": 2}}]},
    ],
}  # fmt: skip
SECRETS = ("answer", "key", "explanation", "correct", "share", "weights", "option_feedback",
           "accept", "statements_right")  # fmt: skip


def make_quiz(client, headers, **extra):
    data = {"title": "Kiểm tra", "blueprint": SMALL, "mode": "exam", **extra}
    response = client.post("/api/v1/quizzes", headers=headers, json=data)
    assert response.status_code == 201, response.text
    return response.json()


def join(client, quiz, headers):
    """Join a quiz with its share code, as a student does before anything else."""
    response = client.post("/api/v1/quizzes/join", headers=headers, json={"code": quiz["code"]})
    assert response.status_code == 200, response.text
    return response.json()


def start(client, quiz, headers):
    """Join the quiz and press start: the response of ``POST /quizzes/{id}/attempts``."""
    join(client, quiz, headers)
    return client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=headers)
