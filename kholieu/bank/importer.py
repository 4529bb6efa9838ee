"""Importing question files: every question is validated completely before anything is written,
so one is either stored whole or reported (file, line, reason); near duplicates of what the
bank (or the same import) already holds are reported and skipped, linked, or kept.

Writes go in batches of ``BATCH`` questions per transaction. Should the database refuse a batch
anyway, it is rolled back and retried one question at a time, so only the faulty one is lost.

A report tells the importer nothing the bank would not show them (``policy.visible``: editors
and the command line see the whole bank, teachers ready questions and their own). A near
duplicate they may not read is "a similar question exists in the bank" (``HIDDEN``), with no id,
text or similarity; an external id such a question holds is "already used in the bank". Rows of
the same import are the importer's own and are always named.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.bank import dedup, richtext
from kholieu.bank.formats import FormatError, Parsed, choose, too_large
from kholieu.bank.models import Question, QuestionStatus
from kholieu.bank.policy import visible
from kholieu.bank.schemas import NO_KEY_TAG, QuestionIn, first_error, lacks_key
from kholieu.bank.service import QuestionBank
from kholieu.errors import Conflict, KholieuError, is_transient
from kholieu.i18n import N_, Message, gettext
from kholieu.outcomes.catalogue import unknown_codes

BATCH = 500
OnDuplicate = Literal["skip", "link", "keep"]
Progress = Callable[[float], None]  # the share of the import done (0–1)
READING = 0.5  # of the progress: reading the files (the rest is checking and writing)
# What a report says of a near duplicate the importer may not read (Vietnamese first).
HIDDEN = "đã có một câu hỏi tương tự trong kho / a similar question exists in the bank"
NO_KEY = (
    f"chưa có đáp án: đã lưu ở dạng nháp với thẻ “{NO_KEY_TAG}”, hãy chọn đáp án trong trình "
    f"soạn câu hỏi / no key: stored as a draft tagged “{NO_KEY_TAG}”; choose its key "
    "in the question editor"
)


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    ids: list[int] = field(default_factory=list)
    # imported, but the teacher should look: an equation shown as its picture, and the like
    warnings: list[dict[str, Any]] = field(default_factory=list)
    # each file's format and encoding as read: {"de.txt": {"format": "gift", "encoding": …}}
    formats: dict[str, dict[str, str | None]] = field(default_factory=dict)
    no_key: int = 0  # of the imported, drafts waiting for their key (tagged NO_KEY_TAG)

    def stored(self, data: QuestionIn, question_id: int) -> None:
        self.imported += 1
        self.by_type[data.type.value] += 1
        self.ids.append(question_id)
        self.no_key += data.keyless

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": len(self.duplicates),
            "rejected": self.rejected,
            "by_type": dict(self.by_type),
            "duplicate_of": self.duplicates,
            "ids": self.ids,
            "warnings": self.warnings,
            "formats": self.formats,
            "no_key": self.no_key,
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
    def __init__(
        self, bank: QuestionBank, sessions: sessionmaker[Session], spool_dir: Path | None = None
    ) -> None:
        self.bank = bank
        self.sessions = sessions
        self.spool_dir = spool_dir  # where files are read to before importing (None: the OS's)

    def run(
        self,
        paths: Iterable[Path],
        *,
        actor: User | None = None,
        defaults: dict[str, Any] | None = None,
        on_duplicate: OnDuplicate = "skip",
        progress: Progress | None = None,
        import_id: str | None = None,
    ) -> ImportReport:
        """Import files: each is read to a spool on disk first, so memory holds one question
        at a time however large the file, and a file that turns out unreadable part-way is
        reported whole before anything of it is written. Reading is the first ``READING``
        of the progress, writing the rest."""
        paths = list(paths)
        report = _Throttled(progress)
        formats: dict[str, dict[str, str | None]] = {}
        with self._spool_file() as spool:
            count = 0
            for index, path in enumerate(paths):
                count += self._spool(path, spool, formats, lambda share, i=index: report(
                    READING * (i + share) / len(paths)))  # fmt: skip
            spool.seek(0)
            result = self.run_records(
                _unspool(spool, count), total=count, actor=actor, defaults=defaults,
                on_duplicate=on_duplicate, import_id=import_id,
                progress=lambda done, total: report(READING + (1 - READING) * done / total),
            )  # fmt: skip
        result.formats = formats
        return result

    def _spool(
        self,
        path: Path,
        spool: BinaryIO,
        formats: dict[str, dict[str, str | None]],
        share: Callable[[float], None],
    ) -> int:
        """Append the file's records to ``spool`` and count them; a file that cannot be read
        leaves one record that says why, in place of any it yielded before failing. Images it
        holds are stored as they are met (objects before rows). ``formats`` learns the format
        and encoding the file was read as."""
        start, count = spool.tell(), 0

        def only(error: str) -> int:
            spool.seek(start)
            spool.truncate()
            pickle.dump(Parsed(path.name, None, error=error), spool, pickle.HIGHEST_PROTOCOL)
            return 1

        if refused := too_large(path.name, path.stat().st_size):
            return only(refused.render())
        try:
            chosen = choose(path)
            formats[path.name] = chosen.as_json()
            for parsed in chosen.reader(path, self._store_image):
                pickle.dump(parsed, spool, pickle.HIGHEST_PROTOCOL)
                count += 1
                if parsed.share is not None:
                    share(parsed.share)
        except FormatError as exc:
            return only(str(exc))
        except UnicodeDecodeError as exc:
            text = Message(N_("không phải văn bản UTF-8 ({reason}, ở byte {start})"),
                           {"reason": exc.reason, "start": exc.start})  # fmt: skip
            return only(text.render())
        return count or only(gettext(N_("không tìm thấy câu hỏi nào trong tệp")))

    def _spool_file(self) -> BinaryIO:
        if self.spool_dir is not None:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryFile(dir=self.spool_dir)

    def _store_image(self, data: bytes, name: str) -> str:
        with self.sessions.begin() as session:
            return self.bank.store_image(session, data, name)

    def run_records(
        self,
        records: Iterable[Parsed],
        *,
        total: int | None = None,
        actor: User | None = None,
        defaults: dict[str, Any] | None = None,
        on_duplicate: OnDuplicate = "skip",
        progress: Callable[[int, int], None] | None = None,
        import_id: str | None = None,
    ) -> ImportReport:
        """Import parsed records as ``actor`` (None: the command line, which sees everything).

        ``on_duplicate``: ``skip`` reports a near duplicate and leaves the row out; ``link``
        reports it and puts the existing question's id in ``ids`` in place of a new one;
        ``keep`` imports the row all the same. A duplicate the actor may not read is never
        linked: the row is imported as the actor's own question (which later rows of the file
        then find), since linking would hand out the id of a question they cannot use, and
        skipping would leave them without one; ``skip`` reports it as ``HIDDEN``.
        ``progress(done, total)`` follows the records (``total``: their count, if not a list).

        ``import_id`` (a web import) is written on every question stored, so that a run of the
        same import interrupted by an outage and run again counts the questions its first run
        stored as imported, not as duplicates of themselves. A dependency going away (the
        database, the store) stops the run: it is not a question's fault.
        """
        if total is None:
            records = list(records)
            total = len(records)
        report = ImportReport()
        files: set[str] = set()
        with self.sessions() as session:
            if actor is not None:
                actor = session.merge(actor)
            sight = _Sight(session, actor)
            index, hidden = self._indexes(session, sight)
            taken: dict[str, Any] = self.bank.external_ids(session)
            own = _Own(session, import_id)
            catalogue = _Catalogue(session)
            batch: list[_Ready] = []
            for done, parsed in enumerate(records, start=1):
                files.add(parsed.file)
                ready = self._check(parsed, defaults or {}, report, taken, sight, own, catalogue)
                if ready is not None:
                    report.warnings += [{**parsed.location(), "warning": w}
                                        for w in parsed.extra.get("warnings") or ()]  # fmt: skip
                if ready is not None and ready.question_id is not None:  # stored by a first run
                    report.stored(ready.data, ready.question_id)
                elif ready is not None and self._is_new(ready, index, hidden, on_duplicate, report):
                    batch.append(ready)
                    if ready.data.external_id:
                        taken[ready.data.external_id] = ready
                if len(batch) >= BATCH:
                    self._write(session, actor, batch, index, report, sight, import_id)
                    batch = []
                if progress:
                    progress(done, max(total, 1))
            self._write(session, actor, batch, index, report, sight, import_id)
            _resolve(report)
            if report.imported:
                audit.record(
                    session, actor, "questions_imported", "questions",
                    files=sorted(files), imported=report.imported,
                    duplicates=len(report.duplicates), rejected=len(report.rejected),
                )  # fmt: skip
                session.commit()
        return report

    # -- steps ---------------------------------------------------------------------------------
    def _indexes(
        self, session: Session, sight: _Sight
    ) -> tuple[dedup.DuplicateIndex, dedup.DuplicateIndex | None]:
        """The questions the actor may read (the run adds its own rows here) and, for a
        teacher, the whole bank: a match found only there is one they may not read."""
        if sight.everything:
            return self.bank.duplicate_index(session), None

        def load(question_id: int) -> dedup.Signature | None:
            row = session.get(Question, question_id)
            return dedup.signature(row.type, row.body) if row is not None else None

        index = dedup.DuplicateIndex(load)
        query = sight.query.with_only_columns(Question.id, Question.fingerprint, Question.sketch)
        for qid, fingerprint, sketch in session.execute(query):
            index.add(qid, fingerprint, sketch or [])
        return index, self.bank.duplicate_index(session)

    @staticmethod
    def _check(
        parsed: Parsed,
        defaults: dict[str, Any],
        report: ImportReport,
        taken: dict[str, Any],
        sight: _Sight,
        own: _Own,
        catalogue: _Catalogue,
    ) -> _Ready | None:
        if parsed.error is not None or parsed.data is None:
            report.rejected.append({**parsed.location(), "error": parsed.error or "empty"})
            return None
        merged = {**{k: v for k, v in defaults.items() if v not in (None, "")}, **parsed.data}
        if lacks_key(merged.get("type", ""), merged.get("answer")):
            merged["status"] = QuestionStatus.draft  # waits for its key, whatever was asked
        try:
            data = QuestionIn.model_validate(merged)
        except ValidationError as exc:
            report.rejected.append({**parsed.location(), "error": first_error(exc)})
            return None
        if missing := catalogue.unknown(data.yccd_codes):
            error = Message(N_("Mã YCCĐ: không có trong danh mục yêu cầu cần đạt: {codes}"),
                            {"codes": ", ".join(missing)})  # fmt: skip
            report.rejected.append({**parsed.location(), "error": error.render()})
            return None
        if data.keyless:
            parsed.extra.setdefault("warnings", []).insert(0, NO_KEY)
        parsed.extra.setdefault("warnings", []).extend(_empty_looking(data))
        sig = dedup.signature(data.type.value, data.body())
        if (stored := own.claim(sig.fingerprint)) is not None:
            return _Ready(parsed, data, sig, question_id=stored)
        if data.external_id and (holder := taken.get(data.external_id)) is not None:
            if not isinstance(holder, int):
                where = f"line {holder.parsed.line} of {holder.parsed.file}"
            elif sight.sees(holder):
                where = f"question {holder}"
            else:
                where = "used in the bank"
            error = f"external_id {data.external_id!r} is already {where}"
            report.rejected.append({**parsed.location(), "error": error})
            return None
        return _Ready(parsed, data, sig)

    @staticmethod
    def _is_new(
        ready: _Ready,
        index: dedup.DuplicateIndex,
        hidden: dedup.DuplicateIndex | None,
        on_duplicate: OnDuplicate,
        report: ImportReport,
    ) -> bool:
        """Whether to store the row; a duplicate is reported (see ``run_records``)."""
        if on_duplicate == "keep":
            return True
        found = index.find(ready.sig)
        if found is None:
            if hidden is not None and hidden.find(ready.sig) is not None and on_duplicate == "skip":
                # The id, the text and the similarity stay with the question's owner.
                report.duplicates.append(
                    {**ready.parsed.location(), "question": None, "similarity": None,
                     "note": HIDDEN}
                )  # fmt: skip
                return False
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
        sight: _Sight,
        import_id: str | None = None,
    ) -> None:
        if not batch:
            return
        stored: list[tuple[_Ready, int]] = []
        try:
            rows = self.bank.create_many(session, actor, [(r.data, r.sig) for r in batch])
            for row in rows:
                row.import_id = import_id
            session.commit()
            stored = [(ready, row.id) for ready, row in zip(batch, rows, strict=True)]
        except (SQLAlchemyError, KholieuError) as exc:
            session.rollback()
            if is_transient(exc):
                raise
            for ready in batch:  # find the one the database refused; keep the others
                try:
                    question = self.bank.create(session, actor, ready.data, audit_it=False)
                    question.import_id = import_id
                    session.commit()
                except (SQLAlchemyError, KholieuError) as exc:
                    session.rollback()
                    if is_transient(exc):
                        raise
                    index.remove(ready)
                    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
                    details = getattr(exc, "details", None) if isinstance(exc, Conflict) else None
                    other = details.get("question") if isinstance(details, dict) else None
                    if isinstance(other, int) and not sight.sees(other):  # taken meanwhile
                        message = (
                            f"external_id {ready.data.external_id!r} is already used in the bank"
                        )
                    report.rejected.append({**ready.parsed.location(), "error": message})
                else:
                    stored.append((ready, question.id))
        for ready, question_id in stored:
            index.rename(ready, question_id)
            ready.question_id = question_id
            report.stored(ready.data, question_id)


class _Own:
    """The questions an earlier run of the same web import stored, by fingerprint: met again,
    each is counted once as imported (a file holding the same question twice still reports
    the second as a duplicate)."""

    def __init__(self, session: Session, import_id: str | None) -> None:
        self._ids: dict[str, list[int]] = {}
        if import_id is None:
            return
        query = (
            select(Question.fingerprint, Question.id)
            .where(Question.import_id == import_id)
            .order_by(Question.id)
        )
        for fingerprint, question_id in session.execute(query):
            self._ids.setdefault(fingerprint, []).append(question_id)

    def claim(self, fingerprint: str) -> int | None:
        ids = self._ids.get(fingerprint)
        return ids.pop(0) if ids else None


class _Catalogue:
    """Which outcome codes the catalogue holds, asked once per code for the whole run (a
    file names the same few codes again and again)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._known: dict[str, bool] = {}

    def unknown(self, codes: list[str]) -> list[str]:
        new = [code for code in codes if code not in self._known]
        if new:
            missing = set(unknown_codes(self.session, new))
            self._known.update({code: code not in missing for code in new})
        return [code for code in codes if not self._known[code]]


class _Sight:
    """Which questions the importer may read: ``policy.visible``, asked once per question."""

    def __init__(self, session: Session, actor: User | None) -> None:
        self.session = session
        self.query = visible(actor, system=actor is None)
        self.everything = self.query.whereclause is None
        self._seen: dict[int, bool] = {}

    def sees(self, question_id: int) -> bool:
        if self.everything:
            return True
        if question_id not in self._seen:
            query = self.query.with_only_columns(Question.id).where(Question.id == question_id)
            self._seen[question_id] = self.session.scalar(query) is not None
        return self._seen[question_id]


_FILLER = set(" \t\u00a0.…-–—_")


def _empty_looking(data: QuestionIn) -> list[str]:
    """Options or statements holding only dots, dashes or the like ("A. …"): imported, since
    a file may mean them, but the teacher should look."""
    parts = [(chr(65 + i), o) for i, o in enumerate(data.options or [])]
    parts += [("abcd"[i], s) for i, s in enumerate(data.statements or [])]
    return [
        f"phương án {label} trông như để trống / option {label} looks empty"
        for label, html in parts
        if "<img" not in html and set(richtext.to_text(html)) <= _FILLER
    ]


def _resolve(report: ImportReport) -> None:
    """Duplicates of questions from the same import name them by id once they are stored."""
    for dup in report.duplicates:
        if isinstance(dup["question"], _Ready):
            dup["question"] = dup["question"].question_id
    report.ids = [i.question_id if isinstance(i, _Ready) else i for i in report.ids]  # type: ignore[misc]


def _unspool(spool: BinaryIO, count: int) -> Iterator[Parsed]:
    """The records ``_spool`` wrote (the importer's own file: pickle is safe here)."""
    for _ in range(count):
        yield pickle.load(spool)


class _Throttled:
    """Progress passed on only when it has moved by a percent: each report is a write."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = -1.0

    def __call__(self, share: float) -> None:
        if self.progress is not None and (share - self.last >= 0.01 or share >= 1.0):
            self.last = share
            self.progress(min(share, 1.0))
