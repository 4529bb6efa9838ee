"""Reading a textbook PDF: its pages' text and its outline as chương → bài with page ranges,
stored once however often it is read, and an edited table of contents kept."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from kholieu.demo.textbook_pdf import make_textbook
from kholieu.search.models import OutboxEntry
from kholieu.textbooks.models import Textbook, TextbookPage, TextbookSection
from kholieu.textbooks.reading import outline_tree
from tests.support.textbooks import attach_pdf, new_textbook

OUTLINE = [
    ("Chương I. Mệnh đề và tập hợp", 3, [("Bài 1. Mệnh đề", 3), ("Bài 2. Tập hợp", 8)]),
    ("Chương II. Bất phương trình", 15, [("Bài 3. Bất phương trình bậc nhất", 15)]),
]


def stored(services, item_id: int) -> tuple[Textbook, list[TextbookPage], list[TextbookSection]]:
    with services.sessions() as session:
        book = session.get(Textbook, item_id)
        pages = session.scalars(
            select(TextbookPage).where(TextbookPage.item_id == item_id).order_by(TextbookPage.page)
        ).all()
        sections = session.scalars(
            select(TextbookSection).where(TextbookSection.item_id == item_id)
            .order_by(TextbookSection.id)
        ).all()  # fmt: skip
        return book, list(pages), list(sections)


def tree(services, item_id: int) -> list[dict]:
    with services.sessions() as session:
        return services.textbooks.tree(session, item_id)


def shape(nodes: list[dict]) -> list[tuple]:
    return [(n["kind"], n["title"], n["page_start"], n["page_end"], shape(n["children"]))
            for n in nodes]  # fmt: skip


def test_pages_and_outline_are_read_into_a_tree(services):
    item_id = new_textbook(services, edition="Tái bản lần 1")
    attach_pdf(services, item_id, make_textbook(20, OUTLINE, {7: "Mệnh đề phủ định"}))
    book, pages, _ = stored(services, item_id)
    assert (book.page_count, book.publisher, book.edition) == (20, "NXB Giáo dục Việt Nam",
                                                               "Tái bản lần 1")  # fmt: skip
    assert [p.page for p in pages] == list(range(1, 21))
    assert "Mệnh đề phủ định" in pages[6].text and "phủ định" not in pages[7].text
    assert shape(tree(services, item_id)) == [
        ("chuong", "Chương I. Mệnh đề và tập hợp", 3, 14, [
            ("bai", "Bài 1. Mệnh đề", 3, 7, []), ("bai", "Bài 2. Tập hợp", 8, 14, []),
        ]),
        ("chuong", "Chương II. Bất phương trình", 15, 20, [
            ("bai", "Bài 3. Bất phương trình bậc nhất", 15, 20, []),
        ]),
    ]  # fmt: skip


def test_a_flat_outline_is_all_bai():
    pdf = make_textbook(12, [("Bài 1. Hàm số", 2), ("Bài 2. Đồ thị", 6)])
    nodes = outline_tree(PdfReader(io.BytesIO(pdf)), 12)
    assert [(n.kind, n.page_start, n.page_end, n.children) for n in nodes] == [
        ("bai", 2, 5, []), ("bai", 6, 12, []),
    ]  # fmt: skip


def test_a_pdf_without_outline_has_pages_and_no_sections(services):
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(5, []))
    book, pages, sections = stored(services, item_id)
    assert book.page_count == 5 and len(pages) == 5 and sections == []


def test_reading_again_gives_one_result_and_keeps_the_rows(services):
    item_id = new_textbook(services)
    pdf = make_textbook(20, OUTLINE)
    attach_pdf(services, item_id, pdf)
    _, pages, sections = stored(services, item_id)
    with services.sessions.begin() as session:
        services.content.reprocess(session, None, item_id)
    from tests.support.jobs import run_until
    from tests.support.textbooks import read_job

    run_until(services, read_job(services, item_id))
    _, again_pages, again_sections = stored(services, item_id)
    assert [(p.id, p.page, p.text) for p in again_pages] == [(p.id, p.page, p.text) for p in pages]
    assert [(s.id, s.title, s.page_start, s.page_end) for s in again_sections] == [
        (s.id, s.title, s.page_start, s.page_end) for s in sections
    ]


def test_a_shorter_file_drops_its_missing_pages(services):
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(20, OUTLINE))
    attach_pdf(services, item_id, make_textbook(8, [("Bài 1. Mệnh đề", 2)]), "moi.pdf")
    book, pages, sections = stored(services, item_id)
    assert book.page_count == 8 and [p.page for p in pages] == list(range(1, 9))
    assert [(s.kind, s.title, s.page_start, s.page_end) for s in sections] == [
        ("bai", "Bài 1. Mệnh đề", 2, 8)
    ]
    with services.sessions() as session:
        deletes = session.scalar(select(func.count(OutboxEntry.id)).where(
            OutboxEntry.index == "pages", OutboxEntry.op == "delete"))  # fmt: skip
    assert deletes == 12


def test_an_edited_table_of_contents_is_kept_when_the_file_is_read_again(services, make_user):
    editor = make_user("editor")
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(20, OUTLINE))
    edited = [{"kind": "bai", "title": "Ôn tập đầu năm", "page_start": 1, "page_end": 20}]
    with services.sessions.begin() as session:
        services.textbooks.replace_sections(session, editor, item_id, edited)
    attach_pdf(services, item_id, make_textbook(20, OUTLINE, {5: "mới"}), "moi.pdf")
    book, pages, _ = stored(services, item_id)
    assert book.toc_edited and "mới" in pages[4].text
    assert shape(tree(services, item_id)) == [("bai", "Ôn tập đầu năm", 1, 20, [])]
