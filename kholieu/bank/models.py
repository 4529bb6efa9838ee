"""Questions in the bank, the versions attempts refer to, where each one was used, images in
questions, and import runs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped, utcnow


class QuestionType(enum.StrEnum):
    single_choice = "single_choice"
    multiple_response = "multiple_response"
    true_false_group = "true_false_group"
    short_answer = "short_answer"
    essay = "essay"


class QuestionStatus(enum.StrEnum):
    draft = "draft"
    ready = "ready"  # approved by an editor: quizzes draw it
    changed = "changed"  # edited after approval: quizzes draw the approved version until review
    retired = "retired"


class Exposure(enum.StrEnum):
    """Who may ever see a question's key (README, "Exposure levels")."""

    open = "open"  # practice may draw it, and a practice check shows its key
    exam = "exam"  # exams only; its key only in the review of the quiz that used it
    secure = "secure"  # exams only; review says right or wrong, never the key


class Question(Timestamped, Base):
    """One question; ``body`` holds its content in the native format's shape (docs/DESIGN.md):
    stem, options or statements, answer, explanation and per-type extras."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(24), index=True)
    status: Mapped[str] = mapped_column(String(12), default=QuestionStatus.draft, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str | None] = mapped_column(String(32), index=True)
    grade: Mapped[int | None] = mapped_column(Integer, index=True)
    topic: Mapped[str] = mapped_column(String(300), default="", index=True)
    level: Mapped[str | None] = mapped_column(String(16), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Learning outcomes (kholieu.outcomes) the question assesses, by catalogue code.
    yccd_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(300), default="")
    license: Mapped[str] = mapped_column(String(32), default="CC-BY-4.0")
    author: Mapped[str] = mapped_column(String(200), default="")
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    exposure: Mapped[str] = mapped_column(
        String(12), default=Exposure.exam, server_default=Exposure.exam.value, index=True
    )
    # The version an editor approved: what quizzes draw while a later edit awaits review.
    approved_version: Mapped[int | None] = mapped_column(Integer)
    # Near-duplicate detection (quiz/dedup.py): the normalised text's hash, and the four
    # smallest shingle hashes of that text, one of which a near duplicate almost surely shares.
    fingerprint: Mapped[str] = mapped_column(String(40), index=True)
    sketch: Mapped[list[int]] = mapped_column(JSON, default=list)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The web import that stored it: a re-run of that import knows its own rows (import_jobs.py).
    import_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Running difficulty from graded attempts, for balancing exam versions later.
    times_graded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    facility: Mapped[float | None] = mapped_column()


class QuestionVersion(Timestamped, Base):
    """A question as it was shown: attempts and papers keep (question, version)."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(24))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class QuestionUse(Timestamped, Base):
    """Where a question version was used: a quiz, a printed paper, an exam version."""

    __tablename__ = "question_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))  # quiz, paper, ...
    ref: Mapped[str] = mapped_column(String(100))  # e.g. "quiz:12"
    label: Mapped[str] = mapped_column(String(300), default="")


class QuestionImage(Timestamped, Base):
    """An image a question shows, stored once as ``qimages/<sha256>`` in the object store."""

    __tablename__ = "question_images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)


class ImportStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class QuestionImport(Timestamped, Base):
    """A question file uploaded from the web page: kept in the object store (``imports/<id>``)
    until its job has read it; the report says what became of each question."""

    __tablename__ = "question_imports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=ImportStatus.queued)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(2000))
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When its starter first read the finished report (the sweeper's clock for the kept file).
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewState(enum.StrEnum):
    pending = "pending"  # sent by its teacher ("Gửi duyệt"), waiting for an editor
    approved = "approved"  # in the shared bank (the question is ready)
    rejected = "rejected"  # stays the teacher's private draft, with the editor's reason


class QuestionReview(Base):
    """A teacher's request that an editor take their question into the shared bank, and its
    outcome: one row per question, the latest request."""

    __tablename__ = "question_reviews"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(12), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(2000), default="")
