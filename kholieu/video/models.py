"""The video capability's tables: caption tracks per language, and where each viewer
stopped each video."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped, utcnow


class Caption(Timestamped, Base):
    """A video's captions in one language, kept as WebVTT (SRT is converted on upload)."""

    __tablename__ = "captions"
    __table_args__ = (UniqueConstraint("item_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    vtt: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)  # the cues' words, for search
    cues: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlaybackPosition(Base):
    """Where a signed-in learner stopped watching a video, to resume there."""

    __tablename__ = "playback_positions"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seconds: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
