from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped


class Role(enum.StrEnum):
    student = "student"
    teacher = "teacher"
    editor = "editor"
    admin = "admin"


class TokenKind(enum.StrEnum):
    session = "session"  # browser session cookie
    api = "api"  # bearer token from POST /api/v1/auth/token


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # From a class list: the student's number at school (mã học sinh / số báo danh) and date
    # of birth, to tell two students of the same name apart.
    student_number: Mapped[str | None] = mapped_column(String(32), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    # Set with a one-time password (an import, a reset): the user chooses their own first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)


class AuthToken(Timestamped, Base):
    """A session or API token; only its SHA-256 is stored, so a database leak grants nothing."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
