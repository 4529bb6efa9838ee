"""The outcome catalogue's one table."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped


class Outcome(Timestamped, Base):
    """One yêu cầu cần đạt. ``code`` is stable: content, sections and questions keep it, so an
    outcome is retired rather than deleted once anything may name it."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(32), index=True)
    grade: Mapped[int] = mapped_column(Integer, index=True)
    strand: Mapped[str] = mapped_column(String(200))  # mạch / chủ đề, e.g. "Đại số — Hàm số"
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within its subject+grade
    # The code, strand and text folded (no tone marks, đ → d, lower case): the picker matches
    # what a teacher types with or without diacritics against it.
    folded: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
