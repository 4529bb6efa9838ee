"""Turning a blueprint into questions, and questions into exam versions (mã đề).

``draw`` fills every cell of the matrix (row × level) with approved questions of the section's
type, subject and grade, never the same question twice nor two near duplicates, reproducibly
from a seed; a cell it cannot fill is reported with how many questions are missing and what
the bank holds at the other levels, and nothing is drawn. What is drawn is the approved
version of each question (a later edit waits for review), only ``open`` questions for
practice, and for a short-answer section on the 2025 answer sheet only keys the sheet can
hold. ``make_versions`` orders each version: questions shuffled within a section, options
within a question (a true/false group keeps a–d in order; pinned options stay), each version
with its own answer key.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.bank import dedup
from kholieu.bank.models import Exposure, Question, QuestionStatus, QuestionVersion
from kholieu.bank.schemas import fits_2025_sheet, lacks_key
from kholieu.curriculum import LEVELS, QUESTION_TYPES, SUBJECTS
from kholieu.errors import ValidationFailed
from kholieu.outcomes import catalogue
from kholieu.quiz.blueprint import ANY_LEVEL, Blueprint, Row, Section, outcome_codes

LEVEL_WORDS = {**LEVELS, ANY_LEVEL: "mọi mức độ"}

CHOICE_TYPES = ("single_choice", "multiple_response")


@dataclass(frozen=True)
class Shortage:
    """A cell the bank cannot fill: ``found`` of ``needed`` at ``level``, and what the row's
    questions (the section's type, the subject and grade, the row's topic or tags) hold per
    level (``available``; ``None`` for questions without one), so a teacher sees where to
    move the counts."""

    section: int
    row: int
    level: str
    needed: int
    found: int
    available: dict[str | None, int] = field(default_factory=dict)

    def describe(self, blueprint: Blueprint) -> str:
        section = blueprint.sections[self.section]
        row = section.rows[self.row]
        level = LEVEL_WORDS.get(self.level, self.level)
        where = section.title if row.label == "cả môn" else f"{section.title} · {row.label}"
        kind = QUESTION_TYPES.get(section.type.value, section.type.value)
        wanted = f"{self.needed} câu {kind} ({level})" if self.level == ANY_LEVEL else \
            f"{self.needed} câu {level}"  # fmt: skip
        if row.outcomes:
            wanted += f" cho YCCĐ {', '.join(row.outcomes)}"
        text = (
            f"{where}: cần {wanted}, ngân hàng có {self.found} (thiếu {self.needed - self.found})"
        )
        if on_2025_sheet(section):
            text += (" — chỉ tính câu có đáp án ghi được trên phiếu trả lời 2025 "
                     "(tối đa 4 kí tự: dấu trừ, chữ số 0–9, dấu phẩy)")  # fmt: skip
        if self.level == ANY_LEVEL:
            return text
        others = [f"{LEVEL_WORDS.get(code, code) if code else 'chưa gắn mức độ'} {count}"
                  for code, count in _in_level_order(self.available)
                  if code != self.level]  # fmt: skip
        if others:
            return f"{text}; ngân hàng có: {', '.join(others)}"
        if not any(self.available.values()):
            subject = f"{SUBJECTS.get(blueprint.subject, blueprint.subject)} {blueprint.grade}"
            topic = "" if row.label == "cả môn" else f", {row.label}"
            if row.outcomes:
                topic += f", YCCĐ {', '.join(row.outcomes)}"
            return f"{text}; ngân hàng không có câu {kind} nào của {subject}{topic}"
        return f"{text}; ngân hàng không có câu {kind} nào ở mức độ khác"

    def as_details(self, blueprint: Blueprint) -> dict[str, Any]:
        return {"section": self.section, "row": self.row, "level": self.level,
                "level_name": LEVEL_WORDS.get(self.level, self.level), "needed": self.needed,
                "found": self.found, "missing": self.needed - self.found,
                "available": {code or "": n for code, n in _in_level_order(self.available)},
                "message": self.describe(blueprint)}  # fmt: skip


def _in_level_order(counts: dict[str | None, int]) -> list[tuple[str | None, int]]:
    order = list(LEVELS)
    return sorted(((k, n) for k, n in counts.items() if n),
                  key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))  # fmt: skip


class AssemblyFailed(ValidationFailed):
    code = "bank_shortage"

    def __init__(self, blueprint: Blueprint, shortages: list[Shortage]) -> None:
        cells = [s.as_details(blueprint) for s in shortages]
        super().__init__(
            "Ngân hàng chưa đủ câu hỏi cho ma trận đề. "
            + ". ".join(cell["message"] for cell in cells)
            + ".",
            details={"shortages": cells},
        )
        self.shortages = shortages


@dataclass(frozen=True)
class Item:
    """A question as one version shows it."""

    question_id: int
    version: int  # the question's version, kept by attempts and papers
    type: str
    points: float
    order: tuple[int, ...] | None  # original option indexes in the order shown; None: as is
    key: Any  # the answer in the order shown


@dataclass
class Version:
    code: str
    sections: list[list[Item]] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section]


@dataclass(frozen=True)
class Candidate:
    """A question as a quiz may draw it: its approved version's content with the question's
    place in the curriculum and its statistics."""

    id: int
    version: int
    type: str
    body: dict[str, Any]
    level: str | None
    topic: str
    tags: list[str]
    fingerprint: str
    sketch: list[int]
    facility: float | None
    outcomes: tuple[str, ...] = ()  # the question's outcome codes (``Question.yccd_codes``)

    @classmethod
    def of(cls, question: Question, approved: QuestionVersion | None = None) -> Candidate:
        if approved is None:
            content = (question.version, question.type, question.body)
            fingerprint, sketch = question.fingerprint, list(question.sketch or [])
        else:
            content = (approved.version, approved.type, approved.body)
            sig = dedup.signature(approved.type, approved.body)
            fingerprint, sketch = sig.fingerprint, list(sig.sketch)
        return cls(question.id, *content, question.level, question.topic or "",
                   list(question.tags or []), fingerprint, sketch, question.facility,
                   tuple(question.yccd_codes or ()))  # fmt: skip


def on_2025_sheet(section: Section) -> bool:
    return section.type.value == "short_answer" and section.answer_sheet == "2025"


def _candidates(
    session: Session, blueprint: Blueprint, section: Section, *, practice: bool = False,
    owner_id: int | None = None,
) -> list[Candidate]:  # fmt: skip
    """What a section may draw: the shared bank's approved questions (as approved), and the
    quiz's own teacher's questions — drafts too, as they are now, once they have a key — so a
    teacher builds a test from their own Word file with no editor step. Their drafts stay
    theirs: no one else's quiz draws them. ``blueprint.source`` narrows it to one or the other;
    ``blueprint.import_id`` to the questions of one of the teacher's imports."""
    own = _own(session, blueprint, section, practice, owner_id) if owner_id else []
    shared = [] if blueprint.source == "mine" else _shared(session, blueprint, section, practice)
    if blueprint.source == "bank":
        own = []
    if blueprint.import_id:
        shared = []
    mine = {c.id for c in own}
    candidates = own + [c for c in shared if c.id not in mine]
    if on_2025_sheet(section):
        candidates = [c for c in candidates if fits_2025_sheet(c.body.get("answer"))]
    return sorted(candidates, key=lambda c: c.id)


def _filters(blueprint: Blueprint, section: Section, practice: bool) -> list[Any]:
    wanted = [Question.subject == blueprint.subject, Question.grade == blueprint.grade,
              Question.type == section.type.value]  # fmt: skip
    if practice:
        wanted.append(Question.exposure == Exposure.open)
    return wanted


def _own(
    session: Session, blueprint: Blueprint, section: Section, practice: bool, owner_id: int
) -> list[Candidate]:
    """The teacher's own questions as they are now (drafts included), never one without a
    key, nor a retired one."""
    query = select(Question).where(
        Question.owner_id == owner_id, Question.status != QuestionStatus.retired,
        *_filters(blueprint, section, practice),
    )  # fmt: skip
    if blueprint.import_id:
        query = query.where(Question.import_id == blueprint.import_id)
    questions = session.scalars(query.order_by(Question.id))
    return [Candidate.of(q) for q in questions
            if not lacks_key(q.type, (q.body or {}).get("answer"))]  # fmt: skip


def _shared(
    session: Session, blueprint: Blueprint, section: Section, practice: bool
) -> list[Candidate]:
    query = select(Question).where(
        Question.status.in_((QuestionStatus.ready, QuestionStatus.changed)),
        Question.approved_version.is_not(None),
        *_filters(blueprint, section, practice),
    )
    questions = list(session.scalars(query.order_by(Question.id)))
    changed = [q for q in questions if q.version != q.approved_version]
    approved = {}
    if changed:
        rows = session.scalars(
            select(QuestionVersion).where(QuestionVersion.question_id.in_([q.id for q in changed]))
        )
        wanted = {q.id: q.approved_version for q in changed}
        approved = {r.question_id: r for r in rows if wanted[r.question_id] == r.version}
    candidates = []
    for q in questions:
        if q.version == q.approved_version:
            candidates.append(Candidate.of(q))
        elif q.id in approved:
            candidates.append(Candidate.of(q, approved[q.id]))
    return candidates


def _fits(question: Candidate, row: Row, level: str) -> bool:
    if level != ANY_LEVEL and question.level != level:
        return False
    if row.topic and question.topic.casefold() != row.topic.casefold():
        return False
    if row.outcomes and not set(row.outcomes) & set(question.outcomes):
        return False
    return all(tag in (question.tags or []) for tag in row.tags)


class _Chosen:
    """The questions drawn so far, to refuse repeats and near duplicates."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.fingerprints: set[str] = set()
        self.by_band: dict[int, list[Candidate]] = {}

    def clashes(self, question: Candidate) -> bool:
        if question.id in self.ids or question.fingerprint in self.fingerprints:
            return True
        others = {o.id: o for band in question.sketch or [] for o in self.by_band.get(band, [])}
        if not others:
            return False
        mine = dedup.signature(question.type, question.body)
        return any(
            dedup.similar(mine, dedup.signature(o.type, o.body)) is not None
            for o in others.values()
        )

    def add(self, question: Candidate) -> None:
        self.ids.add(question.id)
        self.fingerprints.add(question.fingerprint)
        for band in question.sketch or []:
            self.by_band.setdefault(band, []).append(question)


def draw(
    session: Session,
    blueprint: Blueprint,
    seed: int,
    exclude: set[int] | frozenset = frozenset(),
    *,
    practice: bool = False,
    owner_id: int | None = None,
) -> list[list[Candidate]]:
    """Questions for each section, in matrix order, none of ``exclude`` (and only ``open``
    ones for ``practice``); raises AssemblyFailed naming every cell the bank cannot fill. Rows
    with a topic or tags draw before rows for the whole subject, so a general row does not
    take what a specific one needs."""
    rng = random.Random(seed)
    chosen, shortages = _Chosen(), []
    chosen.ids.update(exclude)
    drawn: list[list[Candidate]] = [[] for _ in blueprint.sections]
    cells = [
        (s, r, level, count)
        for s, section in enumerate(blueprint.sections)
        for r, row in enumerate(section.rows)
        for level, count in row.counts.items() if count
    ]  # fmt: skip
    cells.sort(key=lambda c: (c[2] == ANY_LEVEL,  # specific levels take theirs first
                              not blueprint.sections[c[0]].rows[c[1]].specific))  # fmt: skip
    pools = {
        s: _candidates(session, blueprint, section, practice=practice, owner_id=owner_id)
        for s, section in enumerate(blueprint.sections)
    }
    for s, r, level, count in cells:
        row = blueprint.sections[s].rows[r]
        pool = [q for q in pools[s] if _fits(q, row, level)]
        rng.shuffle(pool)
        taken = 0
        for question in pool:
            if taken == count:
                break
            if not chosen.clashes(question):
                chosen.add(question)
                drawn[s].append(question)
                taken += 1
        if taken < count:
            available = Counter(q.level for q in pools[s] if _fits(q, row, ANY_LEVEL))
            shortages.append(Shortage(s, r, level, count, taken, dict(available)))
    if shortages:
        raise AssemblyFailed(blueprint, sorted(shortages, key=lambda x: (x.section, x.row)))
    return drawn


def check_outcomes(session: Session, blueprint: Blueprint) -> None:
    """422 naming every outcome code the blueprint's rows target that the catalogue does not
    hold (and the first row naming one), before anything is drawn."""
    missing = set(catalogue.unknown_codes(session, outcome_codes(blueprint)))
    if not missing:
        return
    where = next(
        f"sections.{s}.rows.{r}.outcomes"
        for s, section in enumerate(blueprint.sections)
        for r, row in enumerate(section.rows)
        if missing & set(row.outcomes)
    )
    codes = [code for code in outcome_codes(blueprint) if code in missing]
    raise ValidationFailed(
        "Ma trận đề: {field}: không có trong danh mục yêu cầu cần đạt: {codes}",
        field=where,
        codes=", ".join(codes),
        details={"field": where, "unknown": codes},
    )


def _option_order(question: Candidate, shuffle: bool, rng: random.Random) -> tuple[int, ...] | None:
    options = question.body.get("options") or []
    if not shuffle or question.type not in CHOICE_TYPES or len(options) < 2:
        return None
    pinned = set(question.body.get("pinned") or [])
    movable = [i for i in range(len(options)) if i not in pinned]
    shuffled = movable[:]
    rng.shuffle(shuffled)
    it = iter(shuffled)
    return tuple(i if i in pinned else next(it) for i in range(len(options)))


def shown_key(question: Candidate, order: tuple[int, ...] | None) -> Any:
    """The answer key in the order the options are shown."""
    key = question.body.get("answer")
    if order is None:
        return key
    position = {original: shown for shown, original in enumerate(order)}
    if question.type == "single_choice":
        return position[key]
    return sorted(position[i] for i in key)


def make_version(
    code: str, blueprint: Blueprint, drawn: list[list[Candidate]], rng: random.Random
) -> Version:
    version = Version(code)
    for section, questions in zip(blueprint.sections, drawn, strict=True):
        ordered = list(questions)
        if section.shuffle_questions:
            rng.shuffle(ordered)
        items = []
        for q in ordered:
            order = _option_order(q, section.shuffle_options, rng)
            items.append(
                Item(q.id, q.version, q.type, section.points_each, order, shown_key(q, order))
            )
        version.sections.append(items)
    return version


def assemble(
    session: Session,
    blueprint: Blueprint,
    *,
    seed: int,
    versions: int | None = None,
    same_questions: bool = True,
    owner_id: int | None = None,
) -> list[Version]:
    """``versions`` exam versions (default: the blueprint's), all from one draw or each from
    its own; the same seed gives the same versions. Versions with their own draws are
    balanced on difficulty once questions have statistics (``balanced_draw``)."""
    codes = blueprint.version_codes(versions)
    if same_questions:
        drawn = draw(session, blueprint, seed, owner_id=owner_id)
        return [make_version(code, blueprint, drawn, random.Random(f"{seed}:{code}"))
                for code in codes]  # fmt: skip
    target = _bank_facility(session, blueprint, owner_id)
    return [
        make_version(
            code, blueprint, balanced_draw(session, blueprint, seed + i, target, owner_id),
            random.Random(f"{seed}:{code}"),
        )
        for i, code in enumerate(codes)
    ]  # fmt: skip


BALANCE_TRIES = 8


def mean_facility(drawn: list[list[Candidate]]) -> float | None:
    known = [q.facility for section in drawn for q in section if q.facility is not None]
    return sum(known) / len(known) if known else None


def _bank_facility(
    session: Session, blueprint: Blueprint, owner_id: int | None = None
) -> float | None:
    pools = [q for section in blueprint.sections
             for q in _candidates(session, blueprint, section, owner_id=owner_id)]  # fmt: skip
    known = [q.facility for q in pools if q.facility is not None]
    return sum(known) / len(known) if known else None


def balanced_draw(
    session: Session, blueprint: Blueprint, seed: int, target: float | None,
    owner_id: int | None = None,
) -> list[list[Candidate]]:  # fmt: skip
    """Of a few draws (the same seeds every time), the one whose questions' mean facility is
    closest to the bank's, so that no version is easier than another. Without statistics,
    the first draw."""
    best = draw(session, blueprint, seed, owner_id=owner_id)
    if target is None:
        return best
    gap = abs((mean_facility(best) or target) - target)
    for k in range(1, BALANCE_TRIES):
        other = draw(session, blueprint, seed + 10_007 * k, owner_id=owner_id)
        other_gap = abs((mean_facility(other) or target) - target)
        if other_gap < gap:
            best, gap = other, other_gap
    return best


def option_letter(index: int) -> str:
    return "ABCDEFGHIJ"[index]


def key_text(item: Item) -> str:
    """The key as an answer sheet writes it: B; A,C; Đ S Đ Đ; -1,5."""
    match item.type:
        case "single_choice":
            return option_letter(item.key)
        case "multiple_response":
            return ",".join(option_letter(i) for i in item.key)
        case "true_false_group":
            return " ".join("Đ" if v else "S" for v in item.key)
        case "essay":
            return "(tự luận)"
    return str(item.key)
