"""Gửi duyệt (issue 19, item 6): a teacher sends their own drafts to the editors, who approve
them into the shared bank or reject them with a reason the teacher then reads. Tried as those
who would get around it: a teacher sending another's question or approving their own, a
question with no key, a rejection without a reason, a student."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kholieu.audit.models import AuditEntry
from kholieu.bank.models import Question
from kholieu.bank.schemas import QuestionIn
from tests.support.bank import body
from tests.support.web import csrf_from, sign_in


def draft(services, teacher, n: int, *, keyless: bool = False) -> int:
    data = body("single_choice", 800 + n)
    if keyless:
        data["answer"] = None
    with services.sessions.begin() as session:
        given = {"type": "single_choice", **data, "subject": "toan", "grade": 7}
        question = services.questions.create(
            session, session.merge(teacher), QuestionIn.model_validate(given)
        )
        return question.id


def test_a_teachers_draft_is_approved_or_rejected_with_a_reason(client, services, make_user,
                                                               bearer):  # fmt: skip
    teacher_user, other_user = make_user("teacher"), make_user("teacher")
    teacher, other, editor = bearer(teacher_user), bearer(other_user), bearer(make_user("editor"))
    student = bearer(make_user("student"))
    first, second = draft(services, teacher_user, 1), draft(services, teacher_user, 2)
    keyless = draft(services, teacher_user, 3, keyless=True)
    url = "/api/v1/questions/review-request"
    assert client.post(url, json={"ids": [first]}, headers=other).status_code == 404
    no_key = client.post(url, json={"ids": [keyless]}, headers=teacher)
    assert no_key.status_code == 422 and no_key.json()["error"]["details"]["field"] == "answer"
    assert client.post(url, json={"ids": [first]}, headers=student).status_code == 403
    sent = client.post(url, json={"ids": [first, second]}, headers=teacher)
    assert sent.status_code == 200 and [s["state"] for s in sent.json()] == ["pending"] * 2

    # only editors see the queue and decide; a teacher cannot approve their own any way
    assert client.get("/api/v1/questions/review-queue", headers=teacher).status_code == 403
    assert client.post(f"/api/v1/questions/{first}/review", json={"decision": "approve"},
                       headers=teacher).status_code == 403  # fmt: skip
    assert client.post(f"/api/v1/questions/{first}/status", json={"status": "ready"},
                       headers=teacher).status_code == 403  # fmt: skip
    queue = client.get("/api/v1/questions/review-queue", headers=editor).json()
    assert [q["question_id"] for q in queue] == [first, second]
    assert "Tính giá trị" in queue[0]["stem"]
    bare = client.post(f"/api/v1/questions/{second}/review", json={"decision": "reject"},
                       headers=editor)  # fmt: skip
    assert bare.status_code == 422 and bare.json()["error"]["details"]["field"] == "reason"
    approved = client.post(f"/api/v1/questions/{first}/review", json={"decision": "approve"},
                           headers=editor)  # fmt: skip
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    why = {"decision": "reject", "reason": "Phương án B trùng với C."}
    rejected = client.post(f"/api/v1/questions/{second}/review", headers=editor, json=why)
    assert rejected.json()["state"] == "rejected"
    with services.sessions() as session:
        assert session.get(Question, first).status == "ready"  # the shared bank
        assert session.get(Question, second).status == "draft"  # still the teacher's
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "question.review_request" in actions and "question.review" in actions
    # the other teacher now sees the approved one, never the rejected draft
    seen = client.get("/api/v1/questions?subject=toan&grade=7", headers=other).json()
    assert [q["id"] for q in seen["items"]] == [first]
    assert client.get("/api/v1/questions/review-queue", headers=editor).json() == []


def test_the_pages_send_show_the_outcome_and_let_editors_decide(app, services, make_user):
    teacher_user, editor_user = make_user("teacher"), make_user("editor")
    question = draft(services, teacher_user, 9)
    teacher = TestClient(app)
    sign_in(teacher, teacher_user)
    page = teacher.get(f"/cau-hoi/{question}")
    assert 'data-testid="send-review"' in page.text
    sent = teacher.post(f"/cau-hoi/{question}/gui-duyet", follow_redirects=False,
                        data={"csrf_token": csrf_from(page.text)})  # fmt: skip
    assert sent.status_code == 303
    assert "Chờ duyệt" in teacher.get(f"/cau-hoi/{question}").text

    editor = TestClient(app)
    sign_in(editor, editor_user)
    queue = editor.get("/cau-hoi/duyet")
    assert queue.status_code == 200 and queue.text.count('data-testid="review-item"') == 1
    bare = editor.post(f"/cau-hoi/duyet/{question}", data={
        "csrf_token": csrf_from(queue.text), "decision": "reject", "reason": " "})  # fmt: skip
    assert bare.status_code == 422 and "Hãy ghi lí do từ chối" in bare.text
    done = editor.post(f"/cau-hoi/duyet/{question}", follow_redirects=False, data={
        "csrf_token": csrf_from(queue.text), "decision": "reject",
        "reason": "Thiếu lời giải."})  # fmt: skip
    assert done.status_code == 303
    listed = teacher.get("/cau-hoi").text
    assert "Bị từ chối" in listed and "Thiếu lời giải." in listed
    assert teacher.get("/cau-hoi/duyet").status_code == 403
