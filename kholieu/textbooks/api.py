"""Textbook endpoints of the JSON API: a book with its table of contents (what the reader
loads), search inside a book, editing the table of contents, and links from a bài."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep, EditorDep
from kholieu.textbooks.deps import TextbooksDep
from kholieu.textbooks.schemas import (
    BookSearchOut,
    LinkedItemOut,
    LinkedOut,
    LinkIn,
    LinkOut,
    PageHitOut,
    SectionOut,
    SectionsIn,
    TextbookOut,
)
from kholieu.textbooks.service import MAX_HITS, Book
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/textbooks", tags=["textbooks"])


def _out(book: Book, file_url: str | None) -> TextbookOut:
    item, row = book.item, book.textbook
    return TextbookOut(
        id=item.id, title=item.title, subject=item.subject, grade=item.grade,
        series=item.textbook_series, publisher=row.publisher or "", edition=row.edition or "",
        license=item.license, status=item.status, page_count=row.page_count or 0,
        file_url=file_url, toc_edited=bool(row.toc_edited),
        sections=[SectionOut.model_validate(s) for s in book.sections],
    )  # fmt: skip


@router.get("/{item_id}")
def get_textbook(
    item_id: int, user: AnyoneDep, textbooks: TextbooksDep, session: SessionDep
) -> TextbookOut:
    """The book as the reader loads it: its details, ``file_url`` (the PDF, served with
    byte ranges) and ``sections`` (chương → bài, 1-based inclusive pages). A draft is 404
    to anyone but an editor."""
    book = textbooks.get(session, user, item_id)
    return _out(book, textbooks.file_url(book))


@router.get("/{item_id}/search")
def search_textbook(
    item_id: int,
    user: AnyoneDep,
    textbooks: TextbooksDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=1000, description="words, diacritics optional")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_HITS)] = 20,
) -> BookSearchOut:
    """The pages holding ``q``, by page: ``{"total", "hits": [{"page", "snippet"}]}``; the
    snippet is escaped text with ``<mark>`` around the first match."""
    total, hits = textbooks.search(session, user, item_id, q, limit)
    return BookSearchOut(total=total, hits=[PageHitOut(page=h.page, snippet=h.snippet)
                                            for h in hits])  # fmt: skip


@router.put("/{item_id}/sections")
def replace_sections(
    item_id: int, body: SectionsIn, user: EditorDep, textbooks: TextbooksDep, session: SessionDep
) -> list[SectionOut]:
    """Replace the table of contents (editors); an outline read from a new file no longer
    replaces it. Sections sent with their ``id`` keep their links."""
    nodes = [node.model_dump() for node in body.sections]
    tree = textbooks.replace_sections(session, user, item_id, nodes)
    return [SectionOut.model_validate(s) for s in tree]


@router.get("/sections/{section_id}/links")
def section_links(
    section_id: int, user: AnyoneDep, textbooks: TextbooksDep, session: SessionDep
) -> LinkedOut:
    """What is linked to the bài that the caller may see (questions: teachers and editors)."""
    linked = textbooks.linked(session, user, section_id)
    content = [
        LinkedItemOut(link_id=linked.links[("content", i.id)], id=i.id, kind=i.kind,
                      title=i.title, url=f"/content/{i.id}")
        for i in linked.content
    ]  # fmt: skip
    questions = [
        LinkedItemOut(link_id=linked.links[("question", q.id)], id=q.id, kind=q.type,
                      title=q.title, url=f"/cau-hoi/{q.id}")
        for q in linked.questions
    ]  # fmt: skip
    return LinkedOut(content=content, questions=questions)


@router.post("/sections/{section_id}/links", status_code=201)
def add_link(
    section_id: int, body: LinkIn, user: EditorDep, textbooks: TextbooksDep, session: SessionDep
) -> LinkOut:
    link = textbooks.link(session, user, section_id, body.target_kind, body.target_id)
    return LinkOut(id=link.id, section_id=link.section_id, target_kind=link.target_kind,
                   target_id=link.target_id)  # fmt: skip


@router.delete("/sections/{section_id}/links/{link_id}", status_code=204)
def remove_link(
    section_id: int, link_id: int, user: EditorDep, textbooks: TextbooksDep, session: SessionDep
) -> Response:
    textbooks.unlink(session, user, section_id, link_id)
    return Response(status_code=204)
