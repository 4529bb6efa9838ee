"""Gửi duyệt: a teacher sends one of their own questions to the editors, who take it into the
shared bank (it becomes ready) or send it back with a reason (it stays the teacher's private
draft, still usable in their own quizzes). The teacher sees the outcome on their questions.

Only a question's own teacher sends it, only with its key; only editors decide, and a
rejection says why. Editing a pending question keeps it pending: the editor reviews the
version that is there when they decide. Every step is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, is_in
from kholieu.audit import log as audit
from kholieu.bank.models import Question, QuestionReview, QuestionStatus, ReviewState
from kholieu.bank.schemas import lacks_key
from kholieu.bank.service import QuestionBank
from kholieu.db.base import aware, utcnow
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

MAX_QUEUE = 200
MAX_AT_ONCE = 500  # questions sent in one request (an import's)


class ReviewQueue:
    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank

    def request(self, session: Session, teacher: User, question_ids: list[int]) -> list[dict]:
        """Send questions of mine to the editors; each must have its key and be a draft."""
        if len(question_ids) > MAX_AT_ONCE:
            raise ValidationFailed("Mỗi lần tối đa {max_at_once} câu hỏi", max_at_once=MAX_AT_ONCE,
                                   details={"field": "ids"})  # fmt: skip
        out = []
        for question_id in question_ids:
            question = session.get(Question, question_id)
            if question is None or question.owner_id != teacher.id:
                raise NotFound(
                    "Bạn không có câu hỏi số {question_id}", question_id=question_id
                )  # another's: none
            if lacks_key(question.type, (question.body or {}).get("answer")):
                raise ValidationFailed(
                    "Câu hỏi số {question_id} chưa có đáp án: hãy chọn đáp án trước khi gửi",
                    question_id=question_id,
                    details={"field": "answer", "problem": "no_key", "question_id": question_id},
                )
            if question.status != QuestionStatus.draft:
                raise Conflict(
                    "Câu hỏi số {question_id} đã ở trong ngân hàng chung",
                    question_id=question_id,
                    details={"reason": "not_draft"},
                )
            review = session.get(QuestionReview, question_id) or QuestionReview(
                question_id=question_id
            )
            review.state, review.requested_by, review.requested_at = (
                ReviewState.pending,
                teacher.id,
                utcnow(),
            )
            review.decided_by, review.decided_at, review.reason = None, None, ""
            session.add(review)
            audit.record(session, teacher, "question.review_request", f"question:{question_id}")
            out.append(view(review))
        session.flush()
        return out

    def queue(self, session: Session, editor: User) -> list[tuple[QuestionReview, Question, User]]:
        """What waits for an editor, oldest first."""
        _require_editor(editor)
        rows = session.execute(
            select(QuestionReview, Question, User)
            .join(Question, Question.id == QuestionReview.question_id)
            .join(User, User.id == QuestionReview.requested_by, isouter=True)
            .where(QuestionReview.state == ReviewState.pending)
            .order_by(QuestionReview.requested_at).limit(MAX_QUEUE)
        ).all()  # fmt: skip
        return [tuple(r) for r in rows]

    def decide(
        self, session: Session, editor: User, question_id: int, approve: bool, reason: str = ""
    ) -> dict[str, Any]:
        """Approve (the question becomes ready: the shared bank) or reject with a reason."""
        _require_editor(editor)
        review = session.get(QuestionReview, question_id)
        if review is None or review.state != ReviewState.pending:
            raise NotFound(
                "Câu hỏi số {question_id} không ở trong hàng chờ duyệt", question_id=question_id
            )
        if not approve and not reason.strip():
            raise ValidationFailed("Lí do: hãy nói vì sao, để giáo viên biết",
                                   details={"field": "reason", "problem": "required"})  # fmt: skip
        if approve:
            self.bank.set_status(session, editor, question_id, QuestionStatus.ready)
        review.state = ReviewState.approved if approve else ReviewState.rejected
        review.decided_by, review.decided_at, review.reason = editor.id, utcnow(), reason.strip()
        audit.record(session, editor, "question.review", f"question:{question_id}",
                     decision=review.state, reason=review.reason)  # fmt: skip
        return view(review)

    def of(self, session: Session, question_ids: list[int]) -> dict[int, QuestionReview]:
        """The review of each question that has one (for the teacher's list)."""
        if not question_ids:
            return {}
        rows = session.scalars(
            select(QuestionReview).where(QuestionReview.question_id.in_(question_ids))
        )
        return {r.question_id: r for r in rows}


def view(review: QuestionReview) -> dict[str, Any]:
    return {
        "question_id": review.question_id, "state": review.state, "reason": review.reason,
        "requested_at": aware(review.requested_at).isoformat(),
        "decided_at": aware(review.decided_at).isoformat() if review.decided_at else None,
    }  # fmt: skip


def _require_editor(user: User) -> None:
    if not is_in(user, EDITORS):
        raise PermissionDenied("Chỉ biên tập viên duyệt câu hỏi cho ngân hàng chung")
