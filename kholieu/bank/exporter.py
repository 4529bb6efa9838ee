"""Exporting the bank: questions chosen by filters, in the native shape, handed to a writer.

One bad question never fails an export: the writers leave out what they cannot hold and say
why in their notes, an image missing from storage is such a reason, and the notes name each
question by its bank id (``question #12``), so a teacher can open it and fix it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from kholieu.bank.formats import Unrepresentable, name_of, writer_for
from kholieu.bank.models import Question
from kholieu.bank.service import as_native, image_key
from kholieu.errors import InvalidKey, ObjectNotFound
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
    yccd: str | None = None  # an outcome code the question names (upper case, as stored)

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

    @property
    def in_lists(self) -> bool:
        """Whether a filter reads a JSON list (``keep``), which SQL here does not."""
        return bool(self.tag or self.yccd)

    def keep(self, question: Question) -> bool:
        """Tags and outcome codes live in JSON lists, filtered here so SQLite and PostgreSQL
        agree."""
        return (not self.tag or self.tag in (question.tags or [])) and (
            not self.yccd or self.yccd in (question.yccd_codes or [])
        )


def selected(
    session: Session, query: Select[tuple[Question]], filters: Filters
) -> Iterator[dict[str, Any]]:
    for _, native in _chosen(session, query, filters):
        yield native


def _chosen(
    session: Session,
    query: Select[tuple[Question]],
    filters: Filters,
    only: Sequence[int] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    query = filters.apply(query)
    if only is not None:  # the matches of the bank page's words (listing.matching_ids)
        query = query.where(Question.id.in_(list(only)))
    rows = session.scalars(query.order_by(Question.id).execution_options(yield_per=500))
    for question in rows:
        if filters.keep(question):
            yield question.id, as_native(question)


def image_reader(store: ObjectStore):
    """For writers that embed images (DOCX, QTI packages): sha256 -> bytes."""

    def read(sha256: str) -> bytes:
        with store.get(image_key(sha256)) as stream:
            return stream.read()

    return read


def _export_images(store: ObjectStore):
    """``image_reader`` for an export: an image gone from storage makes its question one the
    writer leaves out (and names), not the end of the export."""
    read = image_reader(store)

    def read_or_refuse(sha256: str) -> bytes:
        try:
            return read(sha256)
        except (ObjectNotFound, InvalidKey):
            raise Unrepresentable(f"its image {sha256[:12]}… is missing from storage") from None

    return read_or_refuse


def _with_ids(notes: list[str], ids: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """Writers name a question by its external id or the start of its stem; the export knows
    its bank id too, and puts it first."""
    by_name: dict[str, list[int]] = {}
    for question_id, native in ids:
        by_name.setdefault(name_of(native), []).append(question_id)
    named = []
    for note in notes:
        # The name may hold ": " itself ("Câu 1: …"): try each split, the shortest first.
        splits = [m.start() for m in re.finditer(": ", note)]
        cut = next((at for at in splits if note[:at] in by_name), None)
        found = by_name[note[:cut]] if cut is not None else []
        if found and len(found) <= 3:  # a stem's start many questions share names none
            ids_ = ", ".join(f"#{i}" for i in found)
            named.append(f"question {ids_} ({note[:cut]}): {note[cut + 2 :]}")
        else:
            named.append(note)
    return named


def export(
    session: Session,
    store: ObjectStore,
    query: Select[tuple[Question]],
    fmt: str,
    out: Path,
    filters: Filters,
    only: Sequence[int] | None = None,
) -> tuple[int, list[str]]:
    """Write the chosen questions to ``out`` (those of ``query`` and ``filters``, and, when
    given, only those of ``only``: the matches of a keyword); return how many were written and
    the writer's notes (questions left out or written without something, and why). Written to
    a temporary name and renamed, so a failed export never leaves a half-written file under
    that name."""
    writer = writer_for(fmt)
    chosen = list(_chosen(session, query, filters, only))
    questions = [native for _, native in chosen]
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "wb") as fh:
            skipped = writer(questions, fh, images=_export_images(store))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    left_out = sum(1 for note in skipped if not note.endswith("feedback"))
    return len(questions) - left_out, _with_ids(skipped, chosen)
