"""A quiz's results for its teacher: every submitted attempt with its score, each student's
counted score, and the item analysis. The API and the teacher's page show the same."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.db.base import aware
from kholieu.quiz import grading
from kholieu.quiz.models import Quiz
from kholieu.quiz.service import QuizService


def names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Display names of these users only (never the whole table)."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return dict(rows.all())


def of(quizzes: QuizService, session: Session, quiz: Quiz) -> dict[str, Any]:
    """Attempts with scores, each student's counted score, and the item analysis."""
    attempts = quizzes.submitted(session, quiz)
    names_ = names(session, {a.user_id for a in attempts})
    analysis = quizzes.analysis(session, quiz, attempts)
    counted = quizzes.counted(quiz, attempts)
    return {
        "attempts": [
            {"id": a.id, "student": names_.get(a.user_id, ""), "user_id": a.user_id,
             "number": a.number, "code": a.version_code, "score": a.score,
             "max_score": a.max_score, "score_10": grading.on_ten(a.score or 0, a.max_score),
             "submitted_at": aware(a.submitted_at).isoformat()}
            for a in attempts
        ],
        "counted": [{"user_id": u, "student": names_.get(u, ""), "score_10": s}
                    for u, s in counted.items()],
        "stats": asdict(analysis),
    }  # fmt: skip
