"""A class (lớp 10A1 of a school year) and who belongs to it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped


class MemberRole(enum.StrEnum):
    teacher = "teacher"  # the class's teacher or a co-teacher: manages it
    student = "student"


class SchoolClass(Timestamped, Base):
    """A class as a school names it. ``code`` is what students type to join; a new one
    replaces it (the old stops working); an archived class (a past school year) is read-only."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    school: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[int] = mapped_column(Integer)
    school_year: Mapped[str] = mapped_column(String(9))  # "2026-2027"
    code: Mapped[str] = mapped_column(String(12), unique=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The teacher lets a new student make their own account with the code (the only
    # self-registration there is); off by default.
    signup_open: Mapped[bool] = mapped_column(Boolean, default=False)


class ClassMember(Timestamped, Base):
    """A user in a class: a (co-)teacher or a student, with the student's number at school
    (mã học sinh / số báo danh) when the roster gave one."""

    __tablename__ = "class_members"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    student_number: Mapped[str] = mapped_column(String(40), default="")


class AssignmentKind(enum.StrEnum):
    lesson = "lesson"  # a published content item to study
    practice = "practice"  # a practice quiz: feedback per question
    exam = "exam"  # a test: timed, keys kept until the review policy allows


class Assignment(Timestamped, Base):
    """Something a class's teacher gives the class, open from ``opens_at`` to ``closes_at``.
    A quiz is assigned as a copy of the teacher's quiz made for this class alone
    (``Quiz.class_id``), with its own times, attempts and review policy, so each class's
    attempts, gradebook and item analysis stand apart."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), index=True
    )
    quiz_id: Mapped[int | None] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), unique=True
    )
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
