"""What the textbook API takes and sends."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SectionOut(BaseModel):
    id: int
    kind: str
    title: str
    page_start: int
    page_end: int
    yccd_codes: list[str]
    children: list[SectionOut] = Field(default_factory=list)


class TextbookOut(BaseModel):
    id: int
    title: str
    subject: str
    grade: int
    series: str | None
    publisher: str
    edition: str
    license: str
    status: str
    page_count: int
    file_url: str | None  # the PDF, fetched by byte ranges (the content origin answers Range)
    toc_edited: bool
    sections: list[SectionOut]


class PageHitOut(BaseModel):
    page: int
    snippet: str  # HTML: escaped text with <mark> around the match


class BookSearchOut(BaseModel):
    total: int
    hits: list[PageHitOut]


class SectionIn(BaseModel):
    """One node of an edited table of contents (``id``: an existing section, links kept).
    Ranges, depth and codes are checked by the service, naming the row."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    kind: Literal["chuong", "bai"] | None = None
    title: str = Field(max_length=1000)
    page_start: int
    page_end: int
    yccd_codes: list[str] = Field(default_factory=list, max_length=50)
    children: list[SectionIn] = Field(default_factory=list, max_length=500)


class SectionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sections: list[SectionIn] = Field(max_length=500)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_kind: Literal["content", "question"]
    target_id: int = Field(ge=1)


class LinkOut(BaseModel):
    id: int
    section_id: int
    target_kind: str
    target_id: int


class LinkedItemOut(BaseModel):
    link_id: int
    id: int
    kind: str
    title: str
    url: str


class LinkedOut(BaseModel):
    content: list[LinkedItemOut]
    questions: list[LinkedItemOut]
