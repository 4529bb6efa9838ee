"""Deleting a question: its author deletes a draft nobody used (versions and review request go
with it, the search index forgets it); a question a quiz used, or one in the shared bank, is
kept (409 question_in_use: retire it instead); another teacher's is not theirs to delete."""

from __future__ import annotations

import pytest

from kholieu.bank.models import Question, QuestionReview, QuestionUse, QuestionVersion
from kholieu.search.outbox import OutboxEntry

SINGLE = {"type": "single_choice", "stem": "Số nguyên tố nhỏ nhất là", "options": ["2", "1", "3"],
          "answer": 0, "subject": "toan", "grade": 6}  # fmt: skip


@pytest.fixture
def people(make_user, bearer):
    return {name: bearer(make_user(role)) for name, role in
            (("an", "teacher"), ("binh", "teacher"), ("editor", "editor"))}  # fmt: skip


def _add(client, who, **extra):
    made = client.post("/api/v1/questions", json={**SINGLE, **extra}, headers=who)
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_the_author_deletes_an_unused_draft(client, services, people):
    qid = _add(client, people["an"])
    assert client.post("/api/v1/questions/review-request", json={"ids": [qid]},
                       headers=people["an"]).status_code == 200  # fmt: skip
    not_hers = client.delete(f"/api/v1/questions/{qid}", headers=people["binh"])
    assert not_hers.status_code == 404  # another teacher's draft: as if it were not there
    gone = client.delete(f"/api/v1/questions/{qid}", headers=people["an"])
    assert gone.status_code == 204
    assert client.get(f"/api/v1/questions/{qid}", headers=people["an"]).status_code == 404
    with services.sessions() as session:
        assert session.get(Question, qid) is None
        assert session.query(QuestionVersion).filter_by(question_id=qid).count() == 0
        assert session.get(QuestionReview, qid) is None
        last = session.query(OutboxEntry).order_by(OutboxEntry.id.desc()).first()
        assert (last.doc_id, last.op) == (str(qid), "delete")
    # the same text may be saved again: nothing of the deleted one is left to match
    assert client.post("/api/v1/questions", json=SINGLE, headers=people["an"]).status_code == 201


def test_a_used_or_shared_question_is_kept(client, services, people):
    used = _add(client, people["an"])
    with services.sessions.begin() as session:
        session.add(QuestionUse(question_id=used, version=1, kind="quiz", ref="quiz:1"))
    refused = client.delete(f"/api/v1/questions/{used}?lang=vi", headers=people["editor"])
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "question_in_use" and "Ngừng dùng" in error["message"]
    shared = _add(client, people["an"], stem="Số chính phương nhỏ nhất khác 0 là",
                  options=["1", "4", "9"])  # fmt: skip
    ready = client.post(f"/api/v1/questions/{shared}/status", json={"status": "ready"},
                        headers=people["editor"])  # fmt: skip
    assert ready.status_code == 200
    assert client.delete(f"/api/v1/questions/{shared}", headers=people["an"]).status_code == 409
    assert client.delete(f"/api/v1/questions/{shared}", headers=people["editor"]).status_code == 204
    with services.sessions() as session:
        assert session.get(Question, used) is not None
