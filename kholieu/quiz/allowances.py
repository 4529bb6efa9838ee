"""What one student is given beyond a quiz's rules (``QuizAllowance``): more attempts, more
minutes, a later close of their own. The quiz service reads them when the student starts;
the class's teacher grants them (``classes.assignments``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.db.base import aware
from kholieu.quiz.models import Quiz, QuizAllowance

MAX_EXTRA_ATTEMPTS = 10
MAX_EXTRA_TIME_S = 24 * 3600


def of(session: Session, quiz_id: int, user_id: int) -> QuizAllowance | None:
    return session.scalar(
        select(QuizAllowance).where(
            QuizAllowance.quiz_id == quiz_id, QuizAllowance.user_id == user_id
        )
    )


def own_close(quiz: Quiz, allowance: QuizAllowance | None) -> datetime | None:
    """The student's own close, when they were given one later than the quiz's."""
    own = allowance.closes_at if allowance is not None else None
    if own is not None and quiz.closes_at is not None and aware(own) > aware(quiz.closes_at):
        return aware(own)
    return None


def closes_at(quiz: Quiz, allowance: QuizAllowance | None) -> datetime | None:
    """When this student's quiz closes: their own later close, else the quiz's."""
    own = own_close(quiz, allowance)
    return own or (aware(quiz.closes_at) if quiz.closes_at else None)


def last_close(session: Session, quiz: Quiz) -> datetime | None:
    """When the quiz has closed for everyone (a review "after the close" waits for it, so no
    key reaches a classmate of a student still sitting it); None: it never closes."""
    if quiz.closes_at is None:
        return None
    own = session.scalar(
        select(func.max(QuizAllowance.closes_at)).where(QuizAllowance.quiz_id == quiz.id)
    )
    return max(aware(quiz.closes_at), aware(own)) if own else aware(quiz.closes_at)


def grant(
    session: Session,
    quiz: Quiz,
    user_id: int,
    *,
    extra_attempts: int = 0,
    extra_time_s: int = 0,
    closes_at: datetime | None = None,
) -> QuizAllowance:
    """Set (not add to) the student's allowance: granting twice is granting once."""
    allowance = of(session, quiz.id, user_id)
    if allowance is None:
        allowance = QuizAllowance(quiz_id=quiz.id, user_id=user_id)
        session.add(allowance)
    allowance.extra_attempts, allowance.extra_time_s = extra_attempts, extra_time_s
    allowance.closes_at = closes_at
    session.flush()
    return allowance
