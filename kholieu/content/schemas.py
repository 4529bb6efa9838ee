"""What the API and the manifest importer accept for a content item, checked field by field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from kholieu.content.models import Kind
from kholieu.curriculum import LICENCES, SERIES, SUBJECTS
from kholieu.i18n import N_, Invalid, Term

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


SUBJECT_WORD, SERIES_WORD, LICENCE_WORD = N_("môn học"), N_("bộ sách"), N_("giấy phép")


def _one_of(value: str | None, allowed: dict[str, str], what: str) -> str | None:
    if value is not None and value not in allowed:
        raise Invalid(
            "“{value}” không phải {what} được nhận ({join})",
            value=value,
            what=Term(what),
            join=", ".join(allowed),
        )
    return value


class ContentFields(BaseModel):
    """Metadata fields shared by creating and editing."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(default="", max_length=5000)
    body: str = Field(default="", max_length=200_000)
    textbook_series: str | None = None
    chapter: str = Field(default="", max_length=200)
    lesson: str = Field(default="", max_length=200)
    yccd_codes: list[Tag] = Field(default_factory=list, max_length=50)
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    language: str = Field(default="vi", pattern=r"^[a-z]{2}$")
    authors: list[Title] = Field(default_factory=list, max_length=50)
    source: str = Field(default="", max_length=300)
    # a textbook's (kept by kholieu.textbooks; ignored for other kinds)
    publisher: str = Field(default="", max_length=200)
    edition: str = Field(default="", max_length=100)

    @field_validator("textbook_series")
    @classmethod
    def _series(cls, value: str | None) -> str | None:
        return _one_of(value, SERIES, SERIES_WORD)


class ContentIn(ContentFields):
    kind: Kind
    title: Title
    subject: str
    grade: int = Field(ge=1, le=12)
    license: str = "CC-BY-4.0"
    external_id: str | None = Field(default=None, max_length=100)

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        _one_of(value, SUBJECTS, SUBJECT_WORD)
        return value

    @field_validator("license")
    @classmethod
    def _license(cls, value: str) -> str:
        _one_of(value, LICENCES, LICENCE_WORD)
        return value


class ContentPatch(ContentFields):
    """An edit: only the fields sent change."""

    title: Title | None = None
    subject: str | None = None
    grade: int | None = Field(default=None, ge=1, le=12)
    license: str | None = None

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str | None) -> str | None:
        return _one_of(value, SUBJECTS, SUBJECT_WORD)

    @field_validator("license")
    @classmethod
    def _license(cls, value: str | None) -> str | None:
        return _one_of(value, LICENCES, LICENCE_WORD)


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    note: str = Field(default="", max_length=5000)


class ContentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: str
    title: str
    summary: str
    body: str
    subject: str
    grade: int
    textbook_series: str | None
    chapter: str
    lesson: str
    yccd_codes: list[str]
    tags: list[str]
    language: str
    license: str
    authors: list[str]
    source: str
    external_id: str | None
    version: int
    review_reason: str | None
    review_note: str | None
    views: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
