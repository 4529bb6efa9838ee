from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped


class OutboxEntry(Timestamped, Base):
    """A searchable change, written in the same transaction as the change itself.

    Sent rows are kept for a day (``done_at``), not deleted: a rebuild replays the changes
    that happened while it ran, which the old index received but the new one may not have.
    """

    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_pending", "done_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    index: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(8))  # "upsert" or "delete"
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
