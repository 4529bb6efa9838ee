"""The outcome catalogue: browsing it, the picker's search, importing, exporting and seeding.

Codes are stable: an import updates and adds (an upsert by code), never deletes; a code left out
of a file stays as it is, and ``retired`` takes one out of the picker while what already names
it keeps its meaning. An import is all or nothing: one bad row and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, is_in
from kholieu.audit import log as audit
from kholieu.errors import NotFound, PermissionDenied, ValidationFailed
from kholieu.outcomes import formats
from kholieu.outcomes.codes import CODE
from kholieu.outcomes.models import Outcome
from kholieu.search.analysis import WORD, fold

MAX_QUERY_WORDS = 12
MAX_LIMIT = 100
CANDIDATES = 2_000  # rows a search ranks at most; the picker shows the first few
SEED_FILES = ("toan.csv", "vat-li.csv")


def folded(code: str, strand: str, text: str) -> str:
    """What the picker matches against: every word of the code, strand and text folded (no
    tone marks, ``đ`` → ``d``), with a space before each, so that ``LIKE '% ham%'`` finds the
    words that start with what was typed."""
    words = WORD.findall(fold(f"{code} {strand} {text}"))
    return " " + " ".join(words) + " "


@dataclass
class Found:
    total: int
    items: list[Outcome]


@dataclass
class Imported:
    """What an import did, by code."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    retired: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"created": len(self.created), "updated": len(self.updated),
                "unchanged": self.unchanged, "retired": len(self.retired)}  # fmt: skip


@dataclass
class Strand:
    name: str
    outcomes: list[Outcome]


class OutcomeCatalogue:
    """Built once in services.py; methods take the caller's session and never commit."""

    # -- reading ---------------------------------------------------------------------------------
    def get(self, session: Session, code: str) -> Outcome:
        outcome = session.scalar(select(Outcome).where(Outcome.code == code.strip().upper()))
        if outcome is None:
            raise NotFound("Không có yêu cầu cần đạt mã {code}", code=code.strip()[:64])
        return outcome

    def listing(
        self,
        session: Session,
        *,
        subject: str | None = None,
        grade: int | None = None,
        strand: str | None = None,
        retired: bool = False,
    ) -> list[Outcome]:
        """The outcomes in catalogue order (subject, grade, position), retired ones only when
        asked (an export keeps them, so that a round trip loses nothing)."""
        query = self._filtered(select(Outcome), subject, grade, retired)
        if strand:
            query = query.where(Outcome.strand == strand)
        order = (Outcome.subject, Outcome.grade, Outcome.position, Outcome.code)
        return list(session.scalars(query.order_by(*order)))

    def strands(self, session: Session, subject: str, grade: int) -> list[Strand]:
        """One grade's outcomes grouped by strand, strands in the order their first outcome
        comes: the browse page's tree."""
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.listing(session, subject=subject, grade=grade):
            groups.setdefault(outcome.strand, []).append(outcome)
        return [Strand(name, rows) for name, rows in groups.items()]

    def counts(self, session: Session) -> dict[str, dict[int, int]]:
        """Subject → grade → how many outcomes (not retired): the browse page's first level."""
        query = (
            select(Outcome.subject, Outcome.grade, func.count())
            .where(Outcome.retired.is_(False))
            .group_by(Outcome.subject, Outcome.grade)
            .order_by(Outcome.subject, Outcome.grade)
        )
        found: dict[str, dict[int, int]] = {}
        for subject, grade, count in session.execute(query):
            found.setdefault(subject, {})[grade] = count
        return found

    def search(
        self,
        session: Session,
        q: str,
        subject: str | None = None,
        grade: int | None = None,
        limit: int = 20,
    ) -> Found:
        """The picker's search: every word typed must begin a word of the code, strand or text
        (with or without diacritics). A code typed (or its beginning) comes first, then an
        outcome whose text holds the words as typed, diacritics included, then as a phrase
        without them, then the rest, each in catalogue order. Retired outcomes are left out."""
        limit = max(1, min(limit, MAX_LIMIT))
        query = self._filtered(select(Outcome), subject, grade, retired=False)
        words = WORD.findall(fold(q))[:MAX_QUERY_WORDS]
        typed = q.strip().upper()
        is_code = bool(CODE.fullmatch(typed.replace(" ", "")))
        conditions = [Outcome.folded.like(f"% {word}%") for word in words]
        if is_code:
            prefix = typed.replace(" ", "").replace("_", r"\_").replace("%", "")
            code_match = Outcome.code.like(prefix + "%", escape="\\")
            query = query.where(or_(code_match, and_(*conditions)) if conditions else code_match)
        elif conditions:
            query = query.where(and_(*conditions))
        order = (Outcome.subject, Outcome.grade, Outcome.position, Outcome.code)
        rows = list(session.scalars(query.order_by(*order).limit(CANDIDATES)))
        total = len(rows)
        if total == CANDIDATES:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or total
        phrase = " " + " ".join(words)
        exact = " ".join(q.lower().split())

        def rank(outcome: Outcome) -> int:
            if is_code and outcome.code.startswith(typed.replace(" ", "")):
                return 0
            if exact and exact in f"{outcome.strand} {outcome.text}".lower():
                return 1
            if words and phrase in outcome.folded:
                return 2
            return 3

        rows.sort(key=rank)  # stable: catalogue order within each rank
        return Found(total, rows[:limit])

    def _filtered(
        self, query: Select, subject: str | None, grade: int | None, retired: bool
    ) -> Select:
        if subject:
            query = query.where(Outcome.subject == subject)
        if grade:
            query = query.where(Outcome.grade == grade)
        if not retired:
            query = query.where(Outcome.retired.is_(False))
        return query

    # -- files -----------------------------------------------------------------------------------
    def export(
        self, session: Session, fmt: str, *, subject: str | None = None, grade: int | None = None
    ) -> bytes:
        """The catalogue (retired outcomes included, marked) as CSV or JSON."""
        if fmt not in formats.FORMATS:
            raise ValidationFailed(
                "Định dạng {fmt} không có; chọn csv hoặc json", fmt=fmt[:20],
                details={"field": "format"},
            )  # fmt: skip
        rows = self.listing(session, subject=subject, grade=grade, retired=True)
        return formats.write(fmt, rows)

    def import_file(
        self, session: Session, actor: User | None, data: bytes, filename: str = ""
    ) -> Imported:
        """Read, check and upsert a file's outcomes: all of them, or none (a ValidationFailed
        listing every bad row with its line and field). ``None`` is the command line."""
        if actor is not None and not is_in(actor, EDITORS):
            raise PermissionDenied("Chỉ biên tập viên được nhập danh mục yêu cầu cần đạt")
        rows = formats.read(data, filename)
        done = self.upsert(session, rows)
        audit.record(session, actor, "outcomes_imported", "outcomes", file=filename[:200],
                     **done.as_json())  # fmt: skip
        return done

    def upsert(self, session: Session, rows: list[formats.Row]) -> Imported:
        """Rows by code: new codes added, changed ones updated, the rest left alone. A new
        outcome without a position goes after its grade's last one, in the file's order."""
        done = Imported()
        existing = {o.code: o for o in session.scalars(
            select(Outcome).where(Outcome.code.in_([r.code for r in rows])))} if len(rows) < 900 \
            else {o.code: o for o in session.scalars(select(Outcome))}  # fmt: skip
        ends: dict[tuple[str, int], int] = {}
        for row in rows:
            outcome = existing.get(row.code)
            wanted: dict[str, Any] = {"subject": row.subject, "grade": row.grade,
                                      "strand": row.strand, "text": row.text}  # fmt: skip
            if row.position is not None:
                wanted["position"] = row.position
            if row.retired is not None:
                wanted["retired"] = row.retired
            wanted["folded"] = folded(row.code, row.strand, row.text)
            if outcome is None:
                if "position" not in wanted:
                    wanted["position"] = self._next_position(session, ends, row.subject, row.grade)
                outcome = Outcome(code=row.code, **{"retired": False, **wanted})
                session.add(outcome)
                done.created.append(row.code)
                if outcome.retired:
                    done.retired.append(row.code)
                continue
            changes = {k: v for k, v in wanted.items() if getattr(outcome, k) != v}
            if not changes:
                done.unchanged += 1
                continue
            if changes.get("retired") is True:
                done.retired.append(row.code)
            for name, value in changes.items():
                setattr(outcome, name, value)
            done.updated.append(row.code)
        session.flush()
        return done

    def _next_position(
        self, session: Session, ends: dict[tuple[str, int], int], subject: str, grade: int
    ) -> int:
        key = (subject, grade)
        if key not in ends:
            last = session.scalar(
                select(func.max(Outcome.position)).where(
                    Outcome.subject == subject, Outcome.grade == grade
                )
            )
            ends[key] = -1 if last is None else last
        ends[key] += 1
        return ends[key]

    def seed(self, session: Session) -> Imported:
        """The seed catalogue shipped with the code (Toán and Vật lí, grades 10–12): an upsert,
        so running it again changes nothing; it does put back the seed's wording of its own
        codes where an editor changed it, and leaves every other code alone."""
        rows: list[formats.Row] = []
        for name in SEED_FILES:
            data = resources.files("kholieu.outcomes").joinpath("seed", name).read_bytes()
            rows += formats.read(data, name)
        done = self.upsert(session, rows)
        if done.created or done.updated:
            audit.record(session, None, "outcomes_seeded", "outcomes", **done.as_json())
        return done
