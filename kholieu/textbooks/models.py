"""A textbook's details, its pages' text, its sections and what is linked to them."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kholieu.db.base import Base, Timestamped


class Textbook(Timestamped, Base):
    """What a textbook has beyond a content item (series, subject, grade and licence are the
    item's own fields)."""

    __tablename__ = "textbooks"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True
    )
    publisher: Mapped[str] = mapped_column(String(200), default="")
    edition: Mapped[str] = mapped_column(String(100), default="")
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    # The file whose pages and outline were read (its SHA-256): a new file is read again.
    pages_sha256: Mapped[str | None] = mapped_column(String(64))
    # An editor changed the table of contents: a new file no longer replaces it from the outline.
    toc_edited: Mapped[bool] = mapped_column(Boolean, default=False)


class TextbookPage(Base):
    """One printed page's text (1-based ``page`` as PDF.js counts them), for search."""

    __tablename__ = "textbook_pages"
    __table_args__ = (UniqueConstraint("item_id", "page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), index=True
    )
    page: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")


class SectionKind(enum.StrEnum):
    chuong = "chuong"  # a chapter (chương, chủ đề, phần)
    bai = "bai"  # a lesson (bài)


class TextbookSection(Timestamped, Base):
    """A node of the table of contents; ``page_start``–``page_end`` are 1-based and inclusive."""

    __tablename__ = "textbook_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("content_items.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("textbook_sections.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8), default=SectionKind.bai)
    title: Mapped[str] = mapped_column(String(300))
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order among its siblings
    yccd_codes: Mapped[list[str]] = mapped_column(JSON, default=list)


class LinkTarget(enum.StrEnum):
    content = "content"
    question = "question"


class SectionLink(Timestamped, Base):
    """An editor linked a content item or a question to a bài."""

    __tablename__ = "section_links"
    __table_args__ = (UniqueConstraint("section_id", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("textbook_sections.id", ondelete="CASCADE"), index=True
    )
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
