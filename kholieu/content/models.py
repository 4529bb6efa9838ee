from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.content.stored import PackageSummary
from kholieu.db.base import Base, Timestamped, utcnow
from kholieu.db.types import Stored
from kholieu.video.stored import HlsSummary, MediaSummary


class Kind(enum.StrEnum):
    lecture = "lecture"
    video = "video"
    lab = "lab"
    document = "document"
    textbook = "textbook"  # a PDF read in the textbook reader (kholieu.textbooks)


class Status(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    archived = "archived"


class ContentItem(Timestamped, Base):
    __tablename__ = "content_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default=Status.draft, index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(32), index=True)
    grade: Mapped[int] = mapped_column(Integer, index=True)
    textbook_series: Mapped[str | None] = mapped_column(String(32))
    chapter: Mapped[str] = mapped_column(String(200), default="")
    lesson: Mapped[str] = mapped_column(String(200), default="")
    yccd_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    license: Mapped[str] = mapped_column(String(32))
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(300), default="")
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    review_reason: Mapped[str | None] = mapped_column(String(300))
    review_note: Mapped[str | None] = mapped_column(Text)
    views: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContentVersion(Timestamped, Base):
    """The metadata as it was after each edit (version 1 is the upload itself)."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ContentFile(Timestamped, Base):
    """The file behind an item, stored once under its SHA-256 (``blobs/ab/abcd…``)."""

    __tablename__ = "content_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), unique=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    # For zip packages: standard, entry, root, title, file count and size (PackageSummary);
    # None for other files.
    package: Mapped[dict[str, Any] | None] = mapped_column(Stored(PackageSummary))
    unpacked: Mapped[bool] = mapped_column(Boolean, default=False)
    job_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)  # extracted from PDFs, for search
    thumbnail: Mapped[bool] = mapped_column(Boolean, default=False)  # thumbs/<sha256>.png
    # Videos: what ffprobe read at upload, and the stored HLS ladder once every output is in
    # the store (None until then: the video is not playable yet).
    media: Mapped[dict[str, Any] | None] = mapped_column(Stored(MediaSummary))
    hls: Mapped[dict[str, Any] | None] = mapped_column(Stored(HlsSummary))


class UploadStatus(enum.StrEnum):
    open = "open"  # parts may be sent
    processing = "processing"  # complete; the checking job runs
    done = "done"
    failed = "failed"
    aborted = "aborted"


class Upload(Timestamped, Base):
    """A resumable upload in progress: parts go to ``incoming/<id>`` in the object store."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    part_size: Mapped[int] = mapped_column(Integer)
    store_upload_id: Mapped[str] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.open)
    error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    @property
    def key(self) -> str:
        return f"incoming/{self.id}"

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))


class ScormAttempt(Timestamped, Base):
    """A signed-in learner's SCORM state for one item (the latest commit wins)."""

    __tablename__ = "scorm_attempts"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(8))  # "1.2" or "2004"
    completion: Mapped[str] = mapped_column(String(20), default="unknown")
    success: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    score_max: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContentView(Base):
    """When a signed-in user last opened an item's page, and how often: "recently opened" in
    their space. One row per user and item, written at most once a minute."""

    __tablename__ = "content_views"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), index=True
    )
    count: Mapped[int] = mapped_column(Integer, default=1)
    last_opened: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
