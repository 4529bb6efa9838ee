"""The quiz API of DESIGN.md: teachers create quizzes from a blueprint; signed-in students
start, autosave, submit and review attempts. Every rule is in ``quizzes.QuizService``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field

from kholieu.accounts.authz import SignedInDep, teachers
from kholieu.accounts.models import User
from kholieu.quiz.models import Attempt
from kholieu.quiz.quizzes import _aware
from kholieu.web.deps import ServicesDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["quizzes"])
TeacherDep = Annotated[User, Depends(teachers)]


class Answers(BaseModel):
    answers: dict[str, Any] = Field(max_length=500)


class Check(BaseModel):
    question_id: int
    answer: Any = None


def quiz_summary(quiz) -> dict[str, Any]:
    return {
        "id": quiz.id, "title": quiz.title, "mode": quiz.mode, "code": quiz.code,
        "time_limit_s": quiz.time_limit_s, "max_attempts": quiz.max_attempts,
        "grading": quiz.grading, "review": quiz.review,
        "opens_at": _aware(quiz.opens_at).isoformat() if quiz.opens_at else None,
        "closes_at": _aware(quiz.closes_at).isoformat() if quiz.closes_at else None,
        "versions": [v["code"] for v in quiz.versions],
        "questions": len(quiz.versions[0]["items"]) if quiz.versions else None,
    }  # fmt: skip


@router.post("/quizzes", status_code=201)
def create_quiz(
    user: TeacherDep, services: ServicesDep, session: SessionDep, data: Annotated[dict, Body()]
) -> dict[str, Any]:
    """``{"title", "blueprint": {...}, "mode": "practice"|"exam", "time_limit_s", ...}``;
    422 naming each matrix cell the bank cannot fill."""
    quiz = services.quizzes.create(session, user, data)
    session.commit()
    return quiz_summary(quiz)


@router.get("/quizzes/{quiz_id}")
def get_quiz(quiz_id: int, user: SignedInDep, services: ServicesDep, session: SessionDep) -> dict:
    """What a student needs before starting (no questions); its teacher also gets the keys."""
    quiz = services.quizzes.get(session, quiz_id)
    out = quiz_summary(quiz) | {
        "attempts_left": services.quizzes.attempts_left(session, quiz, user)
    }
    if user.id == quiz.owner_id or user.role in ("editor", "admin"):
        out["blueprint"], out["keys"] = quiz.blueprint, quiz.versions
    else:
        out.pop("code")
    return out


@router.post("/quizzes/{quiz_id}/attempts", status_code=201)
def start_attempt(
    quiz_id: int, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    """A new attempt, or the open one again (a reload, another device)."""
    quiz = services.quizzes.get(session, quiz_id)
    attempt = services.quizzes.start(session, user, quiz)
    session.commit()
    return services.quizzes.payload(session, attempt)


def _mine(services, session, user: User, attempt_id: int) -> Attempt:
    return services.quizzes.attempt_for(session, user, attempt_id)


@router.get("/attempts/{attempt_id}")
def get_attempt(
    attempt_id: int, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    attempt = _mine(services, session, user, attempt_id)
    payload = services.quizzes.payload(session, attempt)
    session.commit()  # an attempt past its deadline was just submitted
    return payload


@router.put("/attempts/{attempt_id}/answers")
def save_answers(
    attempt_id: int, body: Answers, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    """Autosave (idempotent): 409 once the attempt is submitted or its time is up."""
    attempt = _mine(services, session, user, attempt_id)
    try:
        services.quizzes.save(session, attempt, body.answers)
    finally:
        session.commit()  # keeps an automatic submission at the deadline
    return {"saved": len(body.answers), "saved_at": attempt.saved_at.isoformat()}


@router.post("/attempts/{attempt_id}/submit")
def submit(
    attempt_id: int, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    """Grade the attempt (idempotent: a second submit returns the first result)."""
    attempt = _mine(services, session, user, attempt_id)
    services.quizzes.submit(session, attempt)
    session.commit()
    quiz = services.quizzes.get(session, attempt.quiz_id)
    return services.quizzes.result(session, attempt, quiz)


@router.post("/attempts/{attempt_id}/check")
def check(
    attempt_id: int, body: Check, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> dict[str, Any]:
    """Practice mode: whether one answer is right, with the key and the explanation."""
    attempt = _mine(services, session, user, attempt_id)
    return services.quizzes.practice_check(session, attempt, body.question_id, body.answer)
