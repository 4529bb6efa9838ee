"""Gửi duyệt through the API: a teacher sends their questions to the editors' queue; editors
list it and approve or reject with a reason. Rules in ``ReviewQueue``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from kholieu.accounts.deps import EditorDep, TeacherDep
from kholieu.bank.deps import ReviewsDep
from kholieu.bank.review import MAX_AT_ONCE, view
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/questions", tags=["questions"])


class ReviewRequest(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=MAX_AT_ONCE)


class Decision(BaseModel):
    decision: Literal["approve", "reject"]
    reason: Annotated[str, Field(max_length=2000)] = ""


class ReviewView(BaseModel):
    question_id: int
    state: Literal["pending", "approved", "rejected"]
    reason: str
    requested_at: str
    decided_at: str | None


class QueueItem(ReviewView):
    author: str
    stem: str
    type: str


@router.post("/review-request", response_model=list[ReviewView])
def request_review(
    body: ReviewRequest, user: TeacherDep, reviews: ReviewsDep, session: SessionDep
) -> list[dict[str, Any]]:
    """Send questions of mine (drafts with their key) to the editors' queue."""
    return reviews.request(session, user, body.ids)


@router.get("/review-queue", response_model=list[QueueItem])
def review_queue(user: EditorDep, reviews: ReviewsDep, session: SessionDep) -> list[dict]:
    """What teachers sent, oldest first (editors)."""
    return [
        view(review)
        | {
            "author": author.display_name if author else "",
            "type": question.type,
            "stem": (question.body or {}).get("stem", ""),
        }
        for review, question, author in reviews.queue(session, user)
    ]


@router.post("/{question_id}/review", response_model=ReviewView)
def decide(
    question_id: int, body: Decision, user: EditorDep, reviews: ReviewsDep, session: SessionDep
) -> dict[str, Any]:
    """Approve (the question joins the shared bank) or reject with a reason (422 without)."""
    return reviews.decide(session, user, question_id, body.decision == "approve", body.reason)
