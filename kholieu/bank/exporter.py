"""Exporting the bank: questions chosen by filters, in the native shape, handed to a writer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from kholieu.bank.formats import writer_for
from kholieu.bank.models import Question
from kholieu.bank.service import as_native, image_key
from kholieu.storage import ObjectStore


@dataclass
class Filters:
    subject: str | None = None
    grade: int | None = None
    topic: str | None = None
    level: str | None = None
    type: str | None = None
    status: str | None = None
    tag: str | None = None
    exposure: str | None = None

    def apply(self, query: Select[tuple[Question]]) -> Select[tuple[Question]]:
        for column, value in (
            (Question.subject, self.subject), (Question.grade, self.grade),
            (Question.topic, self.topic), (Question.level, self.level),
            (Question.type, self.type), (Question.status, self.status),
            (Question.exposure, self.exposure),
        ):  # fmt: skip
            if value not in (None, ""):
                query = query.where(column == value)
        return query

    def keep(self, question: Question) -> bool:
        """Tags live in a JSON list, filtered here so SQLite and PostgreSQL agree."""
        return not self.tag or self.tag in (question.tags or [])


def selected(
    session: Session, query: Select[tuple[Question]], filters: Filters
) -> Iterator[dict[str, Any]]:
    rows = session.scalars(
        filters.apply(query).order_by(Question.id).execution_options(yield_per=500)
    )
    for question in rows:
        if filters.keep(question):
            yield as_native(question)


def image_reader(store: ObjectStore):
    """For writers that embed images (DOCX, QTI packages): sha256 -> bytes."""

    def read(sha256: str) -> bytes:
        with store.get(image_key(sha256)) as stream:
            return stream.read()

    return read


def export(
    session: Session,
    store: ObjectStore,
    query: Select[tuple[Question]],
    fmt: str,
    out: Path,
    filters: Filters,
) -> tuple[int, list[str]]:
    """Write the chosen questions to ``out``; return how many were written and the writer's
    notes (questions left out or written without something, and why). Written to a temporary
    name and renamed, so a failed export never leaves a half-written file under that name."""
    writer = writer_for(fmt)
    questions = list(selected(session, query, filters))
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "wb") as fh:
            skipped = writer(questions, fh, images=image_reader(store))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    left_out = sum(1 for note in skipped if not note.endswith("feedback"))
    return len(questions) - left_out, skipped
