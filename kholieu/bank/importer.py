"""Importing question files: every question is validated completely before anything is written,
so one is either stored whole or reported (file, line, reason); near duplicates of what the
bank (or the same import) already holds are reported and skipped, linked, or kept.

Writes go in batches of ``BATCH`` questions per transaction. Should the database refuse a batch
anyway, it is rolled back and retried one question at a time, so only the faulty one is lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.bank import dedup
from kholieu.bank.formats import FormatError, Parsed, reader_for
from kholieu.bank.schemas import QuestionIn, first_error
from kholieu.bank.service import QuestionBank
from kholieu.errors import KholieuError

BATCH = 500
OnDuplicate = Literal["skip", "link", "keep"]
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": len(self.duplicates),
            "rejected": self.rejected,
            "by_type": dict(self.by_type),
            "duplicate_of": self.duplicates,
            "ids": self.ids,
        }


@dataclass(eq=False)
class _Ready:
    """A valid question waiting for its batch; the duplicate index knows it by this object
    until it has an id."""

    parsed: Parsed
    data: QuestionIn
    sig: dedup.Signature
    question_id: int | None = None


class QuestionImporter:
    def __init__(self, bank: QuestionBank, sessions: sessionmaker[Session]) -> None:
        self.bank = bank
        self.sessions = sessions

    def read(self, path: Path) -> list[Parsed]:
        """Parse one file; images it holds are stored as they are met (objects before rows)."""

        def sink(data: bytes, name: str) -> str:
            with self.sessions.begin() as session:
                return self.bank.store_image(session, data, name)

        try:
            records = list(reader_for(path)(path, sink))
        except FormatError as exc:
            return [Parsed(path.name, None, error=str(exc))]
        except UnicodeDecodeError as exc:
            return [
                Parsed(path.name, None, error=f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            ]
        return records or [Parsed(path.name, None, error="no questions found in the file")]

    def run(
        self,
        paths: Iterable[Path],
        *,
        actor: User | None = None,
        defaults: dict[str, Any] | None = None,
        on_duplicate: OnDuplicate = "skip",
        progress: Progress | None = None,
    ) -> ImportReport:
        records = [record for path in paths for record in self.read(path)]
        return self.run_records(
            records, actor=actor, defaults=defaults, on_duplicate=on_duplicate, progress=progress
        )

    def run_records(
        self,
        records: list[Parsed],
        *,
        actor: User | None = None,
        defaults: dict[str, Any] | None = None,
        on_duplicate: OnDuplicate = "skip",
        progress: Progress | None = None,
    ) -> ImportReport:
        report = ImportReport()
        with self.sessions() as session:
            index = self.bank.duplicate_index(session)
            taken: dict[str, Any] = self.bank.external_ids(session)
            if actor is not None:
                actor = session.merge(actor)
            batch: list[_Ready] = []
            for done, parsed in enumerate(records, start=1):
                ready = self._check(parsed, defaults or {}, report, taken)
                if ready is not None and self._is_new(ready, index, on_duplicate, report):
                    batch.append(ready)
                    if ready.data.external_id:
                        taken[ready.data.external_id] = ready
                if len(batch) >= BATCH:
                    self._write(session, actor, batch, index, report)
                    batch = []
                if progress:
                    progress(done, len(records))
            self._write(session, actor, batch, index, report)
            _resolve(report)
            if report.imported:
                files = sorted({r.file for r in records})
                audit.record(
                    session, actor, "questions_imported", "questions",
                    files=files, imported=report.imported,
                    duplicates=len(report.duplicates), rejected=len(report.rejected),
                )  # fmt: skip
                session.commit()
        return report

    # -- steps ---------------------------------------------------------------------------------
    @staticmethod
    def _check(
        parsed: Parsed, defaults: dict[str, Any], report: ImportReport, taken: dict[str, Any]
    ) -> _Ready | None:
        if parsed.error is not None or parsed.data is None:
            report.rejected.append({**parsed.location(), "error": parsed.error or "empty"})
            return None
        merged = {**{k: v for k, v in defaults.items() if v not in (None, "")}, **parsed.data}
        try:
            data = QuestionIn.model_validate(merged)
        except ValidationError as exc:
            report.rejected.append({**parsed.location(), "error": first_error(exc)})
            return None
        if data.external_id and (holder := taken.get(data.external_id)) is not None:
            where = (
                f"question {holder}" if isinstance(holder, int)
                else f"line {holder.parsed.line} of {holder.parsed.file}"
            )  # fmt: skip
            error = f"external_id {data.external_id!r} is already {where}"
            report.rejected.append({**parsed.location(), "error": error})
            return None
        return _Ready(parsed, data, dedup.signature(data.type.value, data.body()))

    @staticmethod
    def _is_new(
        ready: _Ready, index: dedup.DuplicateIndex, on_duplicate: OnDuplicate, report: ImportReport
    ) -> bool:
        if on_duplicate == "keep":
            return True
        found = index.find(ready.sig)
        if found is None:
            index.add_signature(ready, ready.sig)
            return True
        question_id, similarity = found
        report.duplicates.append(
            {**ready.parsed.location(), "question": question_id, "similarity": similarity}
        )
        if on_duplicate == "link":
            report.ids.append(question_id)  # type: ignore[arg-type]
        return False

    def _write(
        self,
        session: Session,
        actor: User | None,
        batch: list[_Ready],
        index: dedup.DuplicateIndex,
        report: ImportReport,
    ) -> None:
        if not batch:
            return
        stored: list[tuple[_Ready, int]] = []
        try:
            rows = self.bank.create_many(session, actor, [(r.data, r.sig) for r in batch])
            session.commit()
            stored = [(ready, row.id) for ready, row in zip(batch, rows, strict=True)]
        except (SQLAlchemyError, KholieuError):
            session.rollback()
            for ready in batch:  # find the one the database refused; keep the others
                try:
                    question = self.bank.create(session, actor, ready.data, audit_it=False)
                    session.commit()
                except (SQLAlchemyError, KholieuError) as exc:
                    session.rollback()
                    index.remove(ready)
                    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
                    report.rejected.append({**ready.parsed.location(), "error": message})
                else:
                    stored.append((ready, question.id))
        for ready, question_id in stored:
            index.rename(ready, question_id)
            ready.question_id = question_id
            report.imported += 1
            report.by_type[ready.data.type.value] += 1
            report.ids.append(question_id)


def _resolve(report: ImportReport) -> None:
    """Duplicates of questions from the same import name them by id once they are stored."""
    for dup in report.duplicates:
        if isinstance(dup["question"], _Ready):
            dup["question"] = dup["question"].question_id
    report.ids = [i.question_id if isinstance(i, _Ready) else i for i in report.ids]  # type: ignore[misc]
