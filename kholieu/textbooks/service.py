"""Textbooks: what a textbook item keeps beside its PDF (publisher, edition, its pages' text,
its table of contents) and the learning material linked to its bài.

Who may see a book is the content item's rule (``ContentService.get``); the bank's rule
decides which linked questions a reader sees. The pages are searchable one by one (the
``pages`` index): every change to the pages or to the item writes their outbox rows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.bank import policy as bank_policy
from kholieu.bank.models import Question
from kholieu.config import Settings
from kholieu.content import policy as content_policy
from kholieu.content.models import ContentFile, ContentItem, Kind
from kholieu.content.packages.origin import file_url
from kholieu.content.service import ContentService
from kholieu.curriculum import SERIES
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kholieu.jobs.models import Job
from kholieu.jobs.queue import FINISHED, JobQueue
from kholieu.outcomes.catalogue import checked_codes
from kholieu.search import analysis
from kholieu.search.outbox import Outbox
from kholieu.textbooks.models import (
    LinkTarget,
    SectionKind,
    SectionLink,
    Textbook,
    TextbookPage,
    TextbookSection,
)
from kholieu.textbooks.reading import MAX_DEPTH, MAX_SECTIONS, MAX_TITLE, Node, Reading

INDEX = "pages"
READ_JOB = "textbooks.read_pages"
MAX_QUERY = 200  # characters of a search inside a book
MAX_HITS = 100
SNIPPET_AROUND = 80  # characters of context either side of the first match
MAX_LINKS = 200  # per bài


def page_doc_id(item_id: int, page: int) -> str:
    return f"{item_id}-{page}"


def parse_doc_id(doc_id: str) -> tuple[int, int] | None:
    item, _, page = doc_id.partition("-")
    return (int(item), int(page)) if item.isdigit() and page.isdigit() else None


@dataclass
class Book:
    """A textbook as the reader gets it."""

    item: ContentItem
    textbook: Textbook
    file: ContentFile | None
    sections: list[dict[str, Any]]


@dataclass
class PageHit:
    page: int
    snippet: str  # HTML: escaped text, <mark> around the first match


@dataclass
class Linked:
    """What is linked to a bài that the caller may see."""

    content: list[ContentItem] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    links: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, target) → link id


# -- folding with offsets kept: each character folds to one (analysis.fold, per character) --
_FOLD: dict[int, str] = {}


def _folded(text: str) -> str:
    """``analysis.fold`` character by character, so offsets in the result are offsets in
    ``text`` (NFC text: every Vietnamese letter is one character)."""
    out = []
    for char in text:
        code = ord(char)
        mapped = _FOLD.get(code)
        if mapped is None:
            mapped = analysis.fold(char)
            mapped = mapped if len(mapped) == 1 else char.lower()
            _FOLD[code] = mapped
        out.append(mapped)
    return "".join(out)


def _pattern(q: str) -> re.Pattern[str]:
    words = [analysis.fold(w) for w in analysis.nfc(q).split()]
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _snippet(text: str, start: int, end: int) -> str:
    """Plain text around the match, escaped, the match in <mark>."""
    lead = "… " if start > SNIPPET_AROUND else ""
    tail = " …" if end + SNIPPET_AROUND < len(text) else ""
    parts = (text[max(0, start - SNIPPET_AROUND) : start], text[start:end],
             text[end : end + SNIPPET_AROUND])  # fmt: skip
    before, match, after = (html.escape(_SPACE.sub(" ", part)) for part in parts)
    return f"{lead}{before.lstrip()}<mark>{match}</mark>{after.rstrip()}{tail}"


_SPACE = re.compile(r"\s+")


class TextbookService:
    def __init__(
        self, settings: Settings, content: ContentService, outbox: Outbox, queue: JobQueue
    ) -> None:
        self.settings = settings
        self.content = content
        self.outbox = outbox
        self.queue = queue

    # -- kept in step with the content item (ContentService.extend) -----------------------
    def values(self, session: Session, item: ContentItem) -> dict[str, Any]:
        if item.kind != Kind.textbook:
            return {}
        book = session.get(Textbook, item.id)
        if book is None:
            return {"publisher": "", "edition": ""}
        return {"publisher": book.publisher, "edition": book.edition}

    def store(self, session: Session, item: ContentItem, values: dict[str, Any]) -> None:
        if item.kind != Kind.textbook:
            return
        book = self._row(session, item.id)
        for name in ("publisher", "edition"):
            if name in values:
                setattr(book, name, values[name] or "")

    def changed(self, session: Session, item: ContentItem, action: str) -> None:
        """A new file is read again; any change to the item (status, title, subject) changes
        its pages' search documents."""
        if item.kind != Kind.textbook:
            return
        if action in ("file_attached", "reprocess"):
            self.queue.enqueue(session, READ_JOB, {"item_id": item.id})
        pages = session.scalars(select(TextbookPage.page).where(TextbookPage.item_id == item.id))
        for page in pages:
            self.outbox.record(session, INDEX, page_doc_id(item.id, page))

    # -- reading the PDF (the job's second half) -------------------------------------------
    def store_reading(
        self, session: Session, item_id: int, sha256: str, reading: Reading
    ) -> Textbook | None:
        """Keep what was read from file ``sha256``: page texts (updated in place, so reading
        twice gives one result), page count and, unless an editor changed it, the table of
        contents from the outline. None when the item no longer holds that file."""
        item = session.get(ContentItem, item_id)
        file = session.scalar(select(ContentFile).where(ContentFile.item_id == item_id))
        if item is None or item.kind != Kind.textbook or file is None or file.sha256 != sha256:
            return None
        book = self._row(session, item_id)
        stored = {p.page: p for p in session.scalars(
            select(TextbookPage).where(TextbookPage.item_id == item_id))}  # fmt: skip
        for number, text in enumerate(reading.pages, start=1):
            row = stored.pop(number, None)
            if row is None:
                session.add(TextbookPage(item_id=item_id, page=number, text=text))
            elif row.text != text:
                row.text = text
            self.outbox.record(session, INDEX, page_doc_id(item_id, number))
        for number, row in stored.items():
            session.delete(row)
            self.outbox.record(session, INDEX, page_doc_id(item_id, number), "delete")
        book.page_count, book.pages_sha256 = reading.page_count, sha256
        if not book.toc_edited:
            self._replace_tree(session, item_id, _matched(session, item_id, reading.sections))
        session.flush()
        return book

    def reading_jobs(self, session: Session, item_ids: list[int]) -> list[str]:
        """The unfinished reading jobs of these items (the demo waits for them)."""
        wanted = set(item_ids)
        jobs = session.scalars(
            select(Job).where(Job.name == READ_JOB, Job.status.not_in(FINISHED))
        ).all()
        return [job.id for job in jobs if job.payload.get("item_id") in wanted]

    # -- reading a book ----------------------------------------------------------------------
    def get(self, session: Session, user: User | None, item_id: int) -> Book:
        """The book, as far as ``user`` may see its item (students: published only)."""
        item = self.content.get(session, user, item_id)
        if item.kind != Kind.textbook:
            raise NotFound("Không có sách giáo khoa số {item_id}", item_id=item_id)
        book = session.get(Textbook, item_id) or Textbook(item_id=item_id, page_count=0)
        return Book(item, book, self.content.file(session, item_id), self.tree(session, item_id))

    def file_url(self, book: Book) -> str | None:
        """Where the reader fetches the PDF: the content origin, which answers byte ranges
        (PDF.js reads page 42 without the whole file)."""
        if book.file is None:
            return None
        return file_url(self.settings, book.file.sha256, book.file.filename)

    def tree(self, session: Session, item_id: int) -> list[dict[str, Any]]:
        rows = session.scalars(
            select(TextbookSection)
            .where(TextbookSection.item_id == item_id)
            .order_by(TextbookSection.position, TextbookSection.id)
        ).all()
        nodes = {
            row.id: {"id": row.id, "kind": row.kind, "title": row.title,
                     "page_start": row.page_start, "page_end": row.page_end,
                     "yccd_codes": list(row.yccd_codes or []), "children": []}
            for row in rows
        }  # fmt: skip
        roots = []
        for row in rows:
            parent = nodes.get(row.parent_id) if row.parent_id else None
            (parent["children"] if parent else roots).append(nodes[row.id])
        return roots

    def search(
        self, session: Session, user: User | None, item_id: int, q: str, limit: int = 20
    ) -> tuple[int, list[PageHit]]:
        """Pages holding ``q`` (diacritics optional, words in order), by page: how many, and
        the first ``limit`` with a snippet around the first match."""
        text = " ".join(q.split())
        if not text:
            raise ValidationFailed("Hãy nhập từ cần tìm trong sách", details={"field": "q"})
        if len(text) > MAX_QUERY:
            raise ValidationFailed(
                "Từ cần tìm dài quá {max} ký tự", max=MAX_QUERY, details={"field": "q"}
            )
        limit = max(1, min(limit, MAX_HITS))
        self.get(session, user, item_id)
        pattern = _pattern(text)
        total, hits = 0, []
        pages = session.execute(
            select(TextbookPage.page, TextbookPage.text)
            .where(TextbookPage.item_id == item_id)
            .order_by(TextbookPage.page)
        )
        for page, page_text in pages:
            found = pattern.search(_folded(page_text or ""))
            if found is None:
                continue
            total += 1
            if len(hits) < limit:
                hits.append(PageHit(page, _snippet(page_text, found.start(), found.end())))
        return total, hits

    # -- the table of contents ---------------------------------------------------------------
    def replace_sections(
        self, session: Session, actor: User, item_id: int, nodes: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """An editor's table of contents replaces the stored one (sections sent with their
        ``id`` keep it, and their links); an outline read later no longer replaces it."""
        self._require_editor(actor)
        book = self.get(session, actor, item_id)
        tree = self._checked(session, item_id, book.textbook.page_count, nodes)
        self._replace_tree(session, item_id, tree)
        row = self._row(session, item_id)
        row.toc_edited = True
        audit.record(session, actor, "toc_edited", f"content:{item_id}",
                     sections=_count(tree))  # fmt: skip
        session.flush()
        return self.tree(session, item_id)

    def _checked(
        self, session: Session, item_id: int, page_count: int, nodes: list[dict[str, Any]]
    ) -> list[Node]:
        """The tree as sent, or a 422 naming the first wrong row (a range, depth, title or
        outcome code), with every wrong row in ``details["problems"]`` (the form shows each
        beside its row). A node's ``row`` names it (the form's row number); otherwise its
        place in the tree ("2.1")."""
        if _count_raw(nodes) > MAX_SECTIONS:
            raise ValidationFailed(
                "Mục lục có nhiều nhất {max} mục", max=MAX_SECTIONS, details={"field": "sections"}
            )
        known = set(session.scalars(
            select(TextbookSection.id).where(TextbookSection.item_id == item_id)))  # fmt: skip
        seen: set[int] = set()
        problems: list[tuple[str, ValidationFailed]] = []

        def walk(rows: list[dict[str, Any]], depth: int, path: str) -> list[Node]:
            out = []
            for number, raw in enumerate(rows, start=1):
                where = str(raw.get("row") or f"{path}{number}")
                try:
                    node = self._node(session, raw, depth, where, max(page_count, 1))
                except ValidationFailed as exc:
                    problems.append((where, exc))
                    continue
                if node.id is not None and (node.id not in known or node.id in seen):
                    node.id = None  # not this book's: a new section
                if node.id is not None:
                    seen.add(node.id)
                node.children = walk(raw.get("children") or [], depth + 1, f"{path}{number}.")
                out.append(node)
            return out

        tree = walk(nodes, 1, "")
        if problems:
            where, first = problems[0]
            raise ValidationFailed(first.text, details={
                "field": "sections", "row": where,
                "problems": [{"row": w, "message": e.message} for w, e in problems],
            })  # fmt: skip
        return tree

    @staticmethod
    def _node(session: Session, raw: dict[str, Any], depth: int, where: str, pages: int) -> Node:
        """One row of an edited table of contents, checked."""
        title = " ".join(str(raw.get("title") or "").split())
        start, end = raw.get("page_start"), raw.get("page_end")
        children = raw.get("children") or []
        if not title or len(title) > MAX_TITLE:
            raise ValidationFailed("Mục {row}: tên mục phải có từ 1 đến {max} ký tự",
                                   row=where, max=MAX_TITLE)  # fmt: skip
        if not isinstance(start, int) or not isinstance(end, int):
            raise ValidationFailed("Mục {row}: cần trang đầu và trang cuối", row=where)
        if not 1 <= start <= end <= pages:
            raise ValidationFailed(
                "Mục {row}: trang {start}–{end} phải nằm trong 1–{pages} "
                "và trang đầu không sau trang cuối",
                row=where, start=start, end=end, pages=pages,
            )  # fmt: skip
        if children and depth >= MAX_DEPTH:
            raise ValidationFailed("Mục {row}: mục lục chỉ có hai cấp (chương và bài)", row=where)
        kind = raw.get("kind") or (SectionKind.chuong if children else SectionKind.bai)
        if kind not in SectionKind.__members__:
            raise ValidationFailed("Mục {row}: loại mục là chuong hoặc bai", row=where)
        try:
            codes = checked_codes(session, raw.get("yccd_codes") or [])
        except ValidationFailed as exc:
            unknown = (exc.details or {}).get("unknown") or []
            raise ValidationFailed(
                "Mục {row}: không có trong danh mục yêu cầu cần đạt: {codes}",
                row=where, codes=", ".join(unknown),
            ) from None  # fmt: skip
        return Node(kind=kind, title=title, page_start=start, page_end=end, id=raw.get("id"),
                    codes=codes)  # fmt: skip

    def _replace_tree(self, session: Session, item_id: int, tree: list[Node]) -> None:
        """Store ``tree`` as the book's sections: nodes carrying an ``id`` update that row
        (its links kept), the others are new, rows not named are deleted with their links."""
        rows = {row.id: row for row in session.scalars(
            select(TextbookSection).where(TextbookSection.item_id == item_id))}  # fmt: skip
        kept: set[int] = set()

        def put(nodes: list[Node], parent: TextbookSection | None) -> None:
            for position, node in enumerate(nodes):
                row = rows.get(node.id or 0)
                if row is None:
                    row = TextbookSection(item_id=item_id)
                    session.add(row)
                values = {"kind": str(node.kind), "title": node.title,
                          "page_start": node.page_start, "page_end": node.page_end,
                          "position": position,
                          "parent_id": parent.id if parent else None}  # fmt: skip
                if node.codes is not None:
                    values["yccd_codes"] = node.codes
                elif row.id is None:
                    values["yccd_codes"] = []
                for name, value in values.items():
                    if getattr(row, name) != value:
                        setattr(row, name, value)
                session.flush()
                kept.add(row.id)
                put(node.children, row)

        put(tree, None)
        gone = [section_id for section_id in rows if section_id not in kept]
        if gone:
            session.execute(delete(SectionLink).where(SectionLink.section_id.in_(gone)))
            bai = [s for s in gone if rows[s].parent_id is not None]
            for batch in (bai, [s for s in gone if s not in bai]):  # bài before their chương
                if batch:
                    session.execute(delete(TextbookSection).where(TextbookSection.id.in_(batch)))

    # -- links from a bài to lessons and questions -----------------------------------------
    def section(self, session: Session, user: User | None, section_id: int) -> TextbookSection:
        """The section, if ``user`` may see its book."""
        row = session.get(TextbookSection, section_id)
        if row is None:
            raise NotFound("Không có mục số {section_id}", section_id=section_id)
        self.get(session, user, row.item_id)
        return row

    def link(
        self, session: Session, actor: User, section_id: int, target_kind: str, target_id: int
    ) -> SectionLink:
        self._require_editor(actor)
        section = self.section(session, actor, section_id)
        if target_kind == LinkTarget.content:
            self.content.get(session, actor, target_id)
        elif target_kind == LinkTarget.question:
            found = session.scalar(
                bank_policy.visible(actor).where(Question.id == target_id).limit(1)
            )
            if found is None:
                raise NotFound("Không có câu hỏi số {question_id}", question_id=target_id)
        else:
            raise ValidationFailed(
                "Loại liên kết là content hoặc question", details={"field": "target_kind"}
            )
        existing = session.scalar(select(SectionLink).where(
            SectionLink.section_id == section.id, SectionLink.target_kind == target_kind,
            SectionLink.target_id == target_id))  # fmt: skip
        if existing is not None:
            return existing
        count = session.scalar(
            select(func.count(SectionLink.id)).where(SectionLink.section_id == section.id)
        )
        if (count or 0) >= MAX_LINKS:
            raise Conflict("Mỗi mục có nhiều nhất {max} liên kết", max=MAX_LINKS)
        link = SectionLink(section_id=section.id, target_kind=target_kind,
                           target_id=target_id, created_by=actor.id)  # fmt: skip
        session.add(link)
        session.flush()
        audit.record(session, actor, "section_linked", f"content:{section.item_id}",
                     section=section.id, target_kind=target_kind, target_id=target_id)  # fmt: skip
        return link

    def unlink(self, session: Session, actor: User, section_id: int, link_id: int) -> None:
        self._require_editor(actor)
        section = self.section(session, actor, section_id)
        link = session.get(SectionLink, link_id)
        if link is None or link.section_id != section.id:
            raise NotFound("Không có liên kết số {link_id}", link_id=link_id)
        session.delete(link)
        audit.record(session, actor, "section_unlinked", f"content:{section.item_id}",
                     section=section.id, target_kind=link.target_kind,
                     target_id=link.target_id)  # fmt: skip

    def linked(self, session: Session, user: User | None, section_id: int) -> Linked:
        """What is linked to the bài that ``user`` may see: content by the content rule,
        questions by the bank's (students and visitors get none)."""
        section = self.section(session, user, section_id)
        links = session.scalars(
            select(SectionLink).where(SectionLink.section_id == section.id).order_by(SectionLink.id)
        ).all()
        out = Linked(links={(link.target_kind, link.target_id): link.id for link in links})
        content_ids = [x.target_id for x in links if x.target_kind == LinkTarget.content]
        question_ids = [x.target_id for x in links if x.target_kind == LinkTarget.question]
        if content_ids:
            found = {i.id: i for i in session.scalars(
                content_policy.visible(user).where(ContentItem.id.in_(content_ids)))}  # fmt: skip
            out.content = [found[i] for i in content_ids if i in found]
        if question_ids:
            try:
                query = bank_policy.visible(user)
            except PermissionDenied:
                query = None  # not a teacher: the bank stays closed
            if query is not None:
                found_q = {q.id: q for q in session.scalars(
                    query.where(Question.id.in_(question_ids)))}  # fmt: skip
                out.questions = [found_q[i] for i in question_ids if i in found_q]
        return out

    # -- helpers ---------------------------------------------------------------------------
    def _row(self, session: Session, item_id: int) -> Textbook:
        book = session.get(Textbook, item_id)
        if book is None:
            book = Textbook(item_id=item_id, publisher="", edition="", page_count=0,
                            toc_edited=False)  # fmt: skip
            session.add(book)
            session.flush()
        return book

    @staticmethod
    def _require_editor(actor: User | None) -> None:
        if not content_policy.sees_drafts(actor):
            raise PermissionDenied("Chỉ biên tập viên được sửa mục lục và liên kết của sách")


def _count(nodes: list[Node]) -> int:
    return sum(1 + _count(node.children) for node in nodes)


def _count_raw(nodes: list[dict[str, Any]]) -> int:
    total = 0
    for node in nodes:
        total += 1
        children = node.get("children") if isinstance(node, dict) else None
        total += _count_raw(children) if isinstance(children, list) else 0
        if total > MAX_SECTIONS:
            break
    return total


def _matched(session: Session, item_id: int, tree: list[Node]) -> list[Node]:
    """The outline read again keeps the stored sections' rows (and links) where the same
    place in the tree is filled: reading twice changes nothing."""
    rows = session.scalars(
        select(TextbookSection)
        .where(TextbookSection.item_id == item_id)
        .order_by(TextbookSection.position, TextbookSection.id)
    ).all()
    children: dict[int | None, list[TextbookSection]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def match(nodes: list[Node], parent: int | None) -> None:
        siblings = children.get(parent, [])
        for position, node in enumerate(nodes):
            row = siblings[position] if position < len(siblings) else None
            node.id = row.id if row is not None else None
            match(node.children, row.id if row is not None else -1)

    match(tree, None)
    return tree


# -- the "pages" search index ----------------------------------------------------------------
def book_title(item: ContentItem) -> str:
    """How a page hit names its book: the title, and the series when the title does not
    already say it ("Toán 10 – Kết nối tri thức với cuộc sống")."""
    series = SERIES.get(item.textbook_series or "")
    if not series:
        return item.title
    if " ".join(analysis.fold(series).split()[:2]) in analysis.fold(item.title):
        return item.title
    return f"{item.title} – {series}"


def load_page_documents(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """One search document per page: the page's text, with its book's title and keywords."""
    wanted: dict[int, set[int]] = {}
    for doc_id in ids:
        parsed = parse_doc_id(doc_id)
        if parsed:
            wanted.setdefault(parsed[0], set()).add(parsed[1])
    if not wanted:
        return {}
    items = {item.id: item for item in session.scalars(
        select(ContentItem).where(ContentItem.id.in_(wanted), ContentItem.kind == Kind.textbook)
    )}  # fmt: skip
    docs: dict[str, dict[str, Any]] = {}
    for item_id, pages in wanted.items():
        item = items.get(item_id)
        if item is None:
            continue
        rows = session.execute(
            select(TextbookPage.page, TextbookPage.text).where(
                TextbookPage.item_id == item_id, TextbookPage.page.in_(pages)
            )
        )
        for page, text in rows:
            docs[page_doc_id(item_id, page)] = {
                "title": book_title(item), "text": text, "kind": item.kind, "subject": item.subject,
                "grade": item.grade, "series": item.textbook_series, "status": item.status,
                "item": item.id, "updated_at": item.updated_at.isoformat(), "popularity": 0,
            }  # fmt: skip
    return docs


def page_document_ids(session: Session) -> Iterator[str]:
    """Every page of every textbook, for rebuilding the ``pages`` index."""
    rows = session.execute(
        select(TextbookPage.item_id, TextbookPage.page)
        .join(ContentItem, ContentItem.id == TextbookPage.item_id)
        .where(ContentItem.kind == Kind.textbook)
        .order_by(TextbookPage.item_id, TextbookPage.page)
    )
    for item_id, page in rows:
        yield page_doc_id(item_id, page)
