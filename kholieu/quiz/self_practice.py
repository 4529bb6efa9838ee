"""Tự luyện tập: a student practises a subject, grade and topic on their own, from the shared
bank's ready questions that practice may show (``Exposure.open``). Students never browse the
bank: they see topic names and how many questions each has, nothing more.

The practice quiz is the student's alone (``Quiz.learner_id``; no teacher, listed nowhere
else) and draws anew at every attempt, as a teacher's practice quiz does; asking again for the
same subject, grade, topic and length reuses it, and a student keeps at most
``MAX_PER_STUDENT`` of them, so repeated use does not grow without bound.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu import codes
from kholieu.accounts.models import User
from kholieu.bank.models import Exposure, Question, QuestionStatus
from kholieu.curriculum import SUBJECTS
from kholieu.errors import Conflict, ValidationFailed
from kholieu.quiz import blueprint as blueprints
from kholieu.quiz.models import Quiz, QuizAccess, QuizMode

MAX_PER_STUDENT = 20
TYPES = ("single_choice", "true_false_group", "short_answer", "multiple_response")
POINTS = {"single_choice": 1.0, "true_false_group": 1.0, "short_answer": 1.0,
          "multiple_response": 1.0}  # fmt: skip


def _open_questions(subject: str, grade: int):
    return select(Question).where(
        Question.status.in_((QuestionStatus.ready, QuestionStatus.changed)),
        Question.approved_version.is_not(None), Question.exposure == Exposure.open,
        Question.subject == subject, Question.grade == grade, Question.type.in_(TYPES),
    )  # fmt: skip


def topics(session: Session, subject: str, grade: int) -> list[dict[str, Any]]:
    """The topics with practice questions, and how many each has ("" is the whole subject)."""
    query = (
        _open_questions(subject, grade)
        .with_only_columns(Question.topic, func.count(Question.id))
        .group_by(Question.topic)
        .order_by(Question.topic)
    )
    return [{"topic": topic or "", "count": n} for topic, n in session.execute(query)]


def start(
    session: Session, student: User, subject: str, grade: int, topic: str, count: int
) -> Quiz:
    """The student's practice quiz for this subject, grade, topic and length (made once)."""
    if subject not in SUBJECTS:
        raise ValidationFailed("Môn học: “{subject}” không phải mã môn học", subject=subject,
                               details={"field": "subject"})  # fmt: skip
    query = _open_questions(subject, grade)
    if topic:
        query = query.where(Question.topic == topic)
    by_type = query.with_only_columns(Question.type, func.count(Question.id))
    available = dict(session.execute(by_type.group_by(Question.type)).all())
    total = sum(available.values())
    if total < count:
        raise Conflict("Ở đây chỉ có {total} câu hỏi luyện tập", total=total,
                       details={"reason": "too_few", "available": total})  # fmt: skip
    title = f"Tự luyện: {SUBJECTS[subject]} {grade}" + (f" · {topic}" if topic else "")
    title += f" ({count} câu)"
    mine = session.scalar(select(Quiz).where(Quiz.learner_id == student.id, Quiz.title == title))
    if mine is not None:
        return mine
    kept = session.scalar(select(func.count(Quiz.id)).where(Quiz.learner_id == student.id))
    if (kept or 0) >= MAX_PER_STUDENT:
        oldest = session.scalar(
            select(Quiz).where(Quiz.learner_id == student.id).order_by(Quiz.id).limit(1)
        )
        session.delete(oldest)  # the least recent goes; its attempts with it
        session.flush()
    plan = blueprints.parse({
        "title": title, "subject": subject, "grade": grade, "duration_min": 60,
        "source": "bank", "sections": _sections(available, count, topic),
    })  # fmt: skip
    quiz = Quiz(
        title=title, owner_id=None, learner_id=student.id, mode=QuizMode.practice,
        blueprint=plan.model_dump(mode="json"), seed=secrets.randbelow(2**31),
        code=codes.new(12), token=None, review="after_submit", grading="last",
    )  # fmt: skip
    session.add(quiz)
    session.flush()
    session.add(QuizAccess(quiz_id=quiz.id, user_id=student.id))
    session.flush()
    return quiz


def _sections(available: dict[str, int], count: int, topic: str) -> list[dict[str, Any]]:
    """``count`` questions spread over the types there are, round robin."""
    wanted = dict.fromkeys(available, 0)
    left = count
    while left:
        for kind in TYPES:
            if left and wanted.get(kind, -1) >= 0 and wanted[kind] < available.get(kind, 0):
                wanted[kind] += 1
                left -= 1
    row: dict[str, Any] = {"topic": topic} if topic else {}
    return [
        {"title": f"Phần {n + 1}", "type": kind, "points_each": POINTS[kind],
         "answer_sheet": "text", "rows": [row | {"counts": {blueprints.ANY_LEVEL: wanted[kind]}}]}
        for n, kind in enumerate(k for k in TYPES if wanted.get(k))
    ]  # fmt: skip
