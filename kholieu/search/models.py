from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped


class OutboxEntry(Timestamped, Base):
    """A searchable change, written in the same transaction as the change itself."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    index: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(8))  # "upsert" or "delete"
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
