"""Reading a textbook PDF: each page's text and the outline as a tree of chương and bài with
page ranges. Pure (no database): the job stores what this returns."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from kholieu.search import analysis
from kholieu.textbooks.models import SectionKind

log = logging.getLogger(__name__)
MAX_PAGES = 2000  # pages read from one book (the rest are left without text)
MAX_PAGE_TEXT = 20_000  # characters kept from one page
MAX_SECTIONS = 500  # outline entries kept, as for an edited table of contents
MAX_TITLE = 300
MAX_DEPTH = 2  # chương → bài; deeper bookmarks are left out


@dataclass
class Node:
    """An outline entry: 1-based inclusive pages; ``children`` are its bài."""

    kind: str
    title: str
    page_start: int
    page_end: int = 0
    children: list[Node] = field(default_factory=list)
    id: int | None = None  # the stored section this node updates (None: a new one)
    codes: list[str] | None = None  # outcome codes (None: keep the stored ones)


@dataclass
class Reading:
    page_count: int
    pages: list[str]  # page 1 first, at most MAX_PAGES
    sections: list[Node]


def read_pdf(path: Path) -> Reading | None:
    """The book's pages and outline; None when the PDF cannot be read (encrypted, damaged),
    which leaves the item as it was."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return None
        count = len(reader.pages)
        pages = []
        for page in reader.pages[:MAX_PAGES]:
            try:
                text = page.extract_text() or ""
            except (PyPdfError, ValueError, KeyError, TypeError) as exc:
                log.warning("page %d of %s unreadable: %s", len(pages) + 1, path.name, exc)
                text = ""
            pages.append(analysis.nfc(text.replace("\x00", ""))[:MAX_PAGE_TEXT])
        sections = outline_tree(reader, count)
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        log.warning("could not read textbook %s: %s", path.name, exc)
        return None
    return Reading(page_count=count, pages=pages, sections=sections)


def _entries(reader: PdfReader, outline: list[Any], depth: int, budget: list[int]) -> list[Node]:
    """The outline level ``outline`` (pypdf: a nested list follows its parent entry)."""
    nodes: list[Node] = []
    for entry in outline:
        if isinstance(entry, list):
            if nodes and depth < MAX_DEPTH:
                nodes[-1].children = _entries(reader, entry, depth + 1, budget)
            continue
        if budget[0] <= 0:
            break
        try:
            page = reader.get_destination_page_number(entry)
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
            page = None
        title = " ".join(str(getattr(entry, "title", "") or "").split())[:MAX_TITLE]
        if page is None or page < 0 or not title:
            continue
        budget[0] -= 1
        nodes.append(Node(kind=SectionKind.bai, title=title, page_start=page + 1))
    nodes.sort(key=lambda n: n.page_start)  # pages in order, whatever the bookmarks' order
    return nodes


def _close(nodes: list[Node], end: int) -> None:
    """Each node ends where the next sibling starts (its parent's end for the last)."""
    for i, node in enumerate(nodes):
        following = nodes[i + 1].page_start - 1 if i + 1 < len(nodes) else end
        node.page_start = min(node.page_start, end)
        node.page_end = max(node.page_start, min(end, following))
        _close(node.children, node.page_end)


def outline_tree(reader: PdfReader, page_count: int) -> list[Node]:
    """Top-level entries with children are chương and their children bài; an outline without
    any nesting is all bài."""
    try:
        outline = reader.outline
    except (PyPdfError, ValueError, KeyError, TypeError):
        return []
    nodes = _entries(reader, list(outline or []), 1, [MAX_SECTIONS])
    if any(node.children for node in nodes):
        for node in nodes:
            node.kind = SectionKind.chuong
    _close(nodes, max(page_count, 1))
    return nodes
