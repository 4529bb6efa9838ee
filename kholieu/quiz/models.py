"""Quizzes (a blueprint, its drawn exam versions, the rules of taking it) and attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped
from kholieu.db.types import Stored
from kholieu.quiz.stored import (
    Answers,
    CheckResult,
    ExamVersion,
    ItemResult,
    QuizItem,
    StoredBlueprint,
)


class QuizMode(enum.StrEnum):
    practice = "practice"  # feedback per question ("Kiểm tra"), fresh questions each time
    exam = "exam"  # timed by the server, keys hidden until the review policy allows


class Quiz(Timestamped, Base):
    """A test a teacher shares: its blueprint, mode and rules, and for exams the versions
    (mã đề) assembled once, as items with their keys (never sent to students)."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    mode: Mapped[str] = mapped_column(String(12))
    blueprint: Mapped[dict[str, Any]] = mapped_column(Stored(StoredBlueprint))
    seed: Mapped[int] = mapped_column(Integer)
    # Deferred: every save and start loads the quiz, only a start (and the teacher) its versions.
    versions: Mapped[list[dict[str, Any]]] = mapped_column(
        Stored(list[ExamVersion]), default=list, deferred=True
    )
    code: Mapped[str] = mapped_column(String(12), unique=True)  # the share code students type
    token: Mapped[str | None] = mapped_column(String(32), unique=True)  # the share link's secret
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    max_attempts: Mapped[int | None] = mapped_column(Integer)  # None: unlimited
    grading: Mapped[str] = mapped_column(String(12), default="highest")  # highest, last, average
    review: Mapped[str] = mapped_column(String(16), default="after_submit")
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Practice: how many times "Kiểm tra" may check each question (0: no check before
    # submitting). A right answer, or the last try, shows the key and locks the answer.
    practice_checks: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # A quiz assigned to a class (``classes.assignments``): only that class's students take
    # it, its teachers (co-teachers too) manage it; None: shared by code or link.
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), index=True
    )
    # A student's own practice ("Tự luyện tập"): theirs alone, no teacher's.
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )


class QuizAccess(Timestamped, Base):
    """A student who joined a quiz with its code or link: only they (and its teacher) reach
    it by its id."""

    __tablename__ = "quiz_access"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class QuizAllowance(Timestamped, Base):
    """What one student is given beyond the quiz's rules: more attempts (a reopened test),
    more minutes on the timer, a later close of their own."""

    __tablename__ = "quiz_allowances"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    extra_time_s: Mapped[int] = mapped_column(Integer, default=0)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Attempt(Timestamped, Base):
    """One student's go at a quiz. ``items`` are the questions as shown (with keys, kept on
    the server); ``answers`` what was saved, in the order shown; ``results`` once graded."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    version_code: Mapped[str] = mapped_column(String(12), default="")
    items: Mapped[list[dict[str, Any]]] = mapped_column(Stored(list[QuizItem]))
    answers: Mapped[dict[str, Any]] = mapped_column(Stored(Answers), default=dict)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column()
    max_score: Mapped[float] = mapped_column(default=0)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(Stored(list[ItemResult]))
    # Started under the student's own later close (``QuizAllowance.closes_at``): its deadline
    # is its own, not cut by the quiz's close.
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    # Practice: the feedback of each "Kiểm tra", by question id (a reload shows it again).
    checks: Mapped[dict[str, Any] | None] = mapped_column(
        Stored(dict[str, CheckResult]), default=dict
    )
    # "scan": scored from a scanned answer sheet, not taken on screen.
    source: Mapped[str] = mapped_column(String(8), default="screen")
