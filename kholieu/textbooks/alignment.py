"""Alignment across textbook series, through learning outcomes.

The three series (Kết nối tri thức, Chân trời sáng tạo, Cánh diều) cover the same yêu cầu cần
đạt in different chương and bài. Every bài maps to outcome codes, so:

- a content item *aligns* to the codes it names itself and to the codes of every bài an editor
  linked it to (linking a lesson to a Kết nối tri thức bài is enough to align it);
- a bài's material is what was linked to it, then what aligns to any of its codes, whichever
  series it came from;
- a lesson's "same outcome, other series" is every bài of another series sharing a code.

Outcome codes carry their grade, so candidates are narrowed by subject and grade first; the
intersection is taken here, in Python, over those few hundred rows (JSON lists do not
intersect alike in SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.accounts.roles import TEACHERS, is_in
from kholieu.bank import policy as bank_policy
from kholieu.bank.models import Question
from kholieu.content import policy as content_policy
from kholieu.content.models import ContentItem, Kind
from kholieu.errors import NotFound
from kholieu.textbooks.models import LinkTarget, SectionLink, TextbookSection

LIMIT = 50  # of each list: a bài's page shows the best few, not the whole subject


@dataclass(frozen=True)
class Material:
    """Something to learn or practise with for a bài: a content item or a question."""

    kind: str  # a content kind, or "question"
    id: int
    title: str
    url: str
    series: str | None = None
    codes: tuple[str, ...] = ()  # the outcomes it shares with the bài (aligned ones)


@dataclass(frozen=True)
class SectionRef:
    """A bài of some textbook, as a link into the reader."""

    section_id: int
    textbook_id: int
    textbook_title: str
    series: str | None
    title: str
    page_start: int
    codes: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"/sach/{self.textbook_id}#trang={self.page_start}"


@dataclass
class SectionMaterials:
    linked: list[Material] = field(default_factory=list)
    aligned: list[Material] = field(default_factory=list)


@dataclass
class OtherSeries:
    """For one lesson: the bài of other series and the lessons made for them that share its
    outcomes."""

    codes: list[str] = field(default_factory=list)
    sections: list[SectionRef] = field(default_factory=list)
    items: list[Material] = field(default_factory=list)


def _content(item: ContentItem, codes: Iterable[str] = ()) -> Material:
    return Material(
        item.kind, item.id, item.title, f"/content/{item.id}", item.textbook_series,
        tuple(sorted(codes)),
    )  # fmt: skip


def _question(question: Question, codes: Iterable[str] = ()) -> Material:
    title = question.title or question.topic or f"#{question.id}"
    return Material("question", question.id, title, f"/cau-hoi/{question.id}", None,
                    tuple(sorted(codes)))  # fmt: skip


def _sees_bank(user: User | None) -> bool:
    """Questions are shown to those who may browse the bank (it holds the keys)."""
    return is_in(user, TEACHERS)


def linked_codes(session: Session, item_ids: Iterable[int]) -> dict[int, set[str]]:
    """The codes each content item gets from the bài it is linked to."""
    ids = list(set(item_ids))
    codes: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return codes
    rows = session.execute(
        select(SectionLink.target_id, TextbookSection.yccd_codes)
        .join(TextbookSection, TextbookSection.id == SectionLink.section_id)
        .where(SectionLink.target_kind == LinkTarget.content, SectionLink.target_id.in_(ids))
    )
    for item_id, section_codes in rows:
        codes[item_id].update(section_codes or ())
    return codes


def item_codes(session: Session, item: ContentItem) -> set[str]:
    """What ``item`` aligns to: its own codes and those of the bài it is linked to."""
    return set(item.yccd_codes or ()) | linked_codes(session, [item.id]).get(item.id, set())


def _aligned_items(
    session: Session, user: User | None, subject: str, grade: int
) -> list[tuple[ContentItem, set[str]]]:
    """The visible content items of a subject and grade with the codes each aligns to
    (textbooks themselves excluded: their bài are what items align to)."""
    query = content_policy.visible(user).where(
        ContentItem.subject == subject, ContentItem.grade == grade,
        ContentItem.kind != Kind.textbook,
    )  # fmt: skip
    items = list(session.scalars(query))
    via_links = linked_codes(session, [item.id for item in items])
    found = []
    for item in items:
        codes = set(item.yccd_codes or ()) | via_links.get(item.id, set())
        if codes:
            found.append((item, codes))
    return found


def _section_item(session: Session, user: User | None, section_id: int):
    """A section and its textbook, if the user may see the textbook (else 404)."""
    section = session.get(TextbookSection, section_id)
    book = session.get(ContentItem, section.item_id) if section is not None else None
    if book is None or not _can_see(session, user, book):
        raise NotFound("Không có mục {section_id} trong sách giáo khoa", section_id=section_id)
    return section, book


def _can_see(session: Session, user: User | None, item: ContentItem) -> bool:
    query = content_policy.visible(user).where(ContentItem.id == item.id)
    return session.scalar(query.with_only_columns(ContentItem.id)) is not None


def section_materials(session: Session, user: User | None, section_id: int) -> SectionMaterials:
    """ "Học liệu cho bài này": what editors linked to the bài, then what aligns to its
    outcomes from any series (questions only for those who may browse the bank)."""
    section, book = _section_item(session, user, section_id)
    found = SectionMaterials()
    links = list(session.scalars(
        select(SectionLink).where(SectionLink.section_id == section.id).order_by(SectionLink.id)
    ))  # fmt: skip
    content_ids = [link.target_id for link in links if link.target_kind == LinkTarget.content]
    question_ids = [link.target_id for link in links if link.target_kind == LinkTarget.question]
    if content_ids:
        query = content_policy.visible(user).where(ContentItem.id.in_(content_ids))
        by_id = {item.id: item for item in session.scalars(query)}
        found.linked += [_content(by_id[i]) for i in content_ids if i in by_id]
    if question_ids and _sees_bank(user):
        query = bank_policy.visible(user).where(Question.id.in_(question_ids))
        by_id_q = {question.id: question for question in session.scalars(query)}
        found.linked += [_question(by_id_q[i]) for i in question_ids if i in by_id_q]
    codes = set(section.yccd_codes or ())
    if not codes:
        return found
    shown = {(m.kind == "question", m.id) for m in found.linked}
    for item, item_codes_ in _aligned_items(session, user, book.subject, book.grade):
        common = codes & item_codes_
        if common and (False, item.id) not in shown:
            found.aligned.append(_content(item, common))
    if _sees_bank(user):
        query = bank_policy.visible(user).where(
            Question.subject == book.subject, Question.grade == book.grade
        )
        for question in session.scalars(query):
            common = codes & set(question.yccd_codes or ())
            if common and (True, question.id) not in shown:
                found.aligned.append(_question(question, common))
    found.aligned.sort(key=lambda m: (-len(m.codes), m.kind == "question", m.title))
    del found.aligned[LIMIT:]
    return found


def sections_for(
    session: Session, user: User | None, subject: str, grade: int, codes: set[str]
) -> list[SectionRef]:
    """Every visible textbook's bài sharing a code with ``codes``, by series then page."""
    if not codes:
        return []
    query = content_policy.visible(user).where(
        ContentItem.kind == Kind.textbook, ContentItem.subject == subject,
        ContentItem.grade == grade,
    )  # fmt: skip
    books = {book.id: book for book in session.scalars(query)}
    if not books:
        return []
    rows = session.scalars(select(TextbookSection).where(TextbookSection.item_id.in_(books)))
    refs = []
    for section in rows:
        common = codes & set(section.yccd_codes or ())
        if common:
            book = books[section.item_id]
            refs.append(SectionRef(
                section.id, book.id, book.title, book.textbook_series, section.title,
                section.page_start, tuple(sorted(common)),
            ))  # fmt: skip
    refs.sort(key=lambda r: (r.series or "", r.textbook_title, r.page_start))
    return refs[:LIMIT]


def other_series(session: Session, user: User | None, item: ContentItem) -> OtherSeries:
    """ "Cùng yêu cầu cần đạt, bộ sách khác": for a lesson of one series, the bài of the other
    series and their lessons that share its outcomes (a lesson with no series: every series)."""
    codes = item_codes(session, item)
    found = OtherSeries(codes=sorted(codes))
    if not codes:
        return found
    own = item.textbook_series
    found.sections = [
        ref for ref in sections_for(session, user, item.subject, item.grade, codes)
        if ref.textbook_id != item.id and (own is None or ref.series != own)
    ]  # fmt: skip
    for other, other_codes in _aligned_items(session, user, item.subject, item.grade):
        common = codes & other_codes
        if common and other.id != item.id and other.textbook_series not in (None, own):
            found.items.append(_content(other, common))
    found.items.sort(key=lambda m: (-len(m.codes), m.series or "", m.title))
    del found.items[LIMIT:]
    return found


def items_for_outcome(
    session: Session, user: User | None, subject: str, grade: int, code: str
) -> list[ContentItem]:
    """The browse page's outcome filter: every visible item aligned to ``code``, any series."""
    return sorted(
        (item for item, codes in _aligned_items(session, user, subject, grade) if code in codes),
        key=lambda item: item.title,
    )


def outcome_counts(session: Session, user: User | None, subject: str, grade: int) -> dict[str, int]:
    """How many visible items align to each outcome of a subject and grade (the facet)."""
    counts: dict[str, int] = defaultdict(int)
    for _item, codes in _aligned_items(session, user, subject, grade):
        for code in codes:
            counts[code] += 1
    return dict(counts)
