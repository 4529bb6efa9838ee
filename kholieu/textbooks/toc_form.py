"""The table-of-contents form (``/sach/{id}/muc-luc``): a list of rows, each a chương or a
bài with its pages and outcome codes, read into the tree the service checks, and the stored
tree back into rows. A bài belongs to the chương above it; rows follow their order numbers;
an empty row is ignored, so the form ends with a few for new entries.

Each row sends five fields (``row-KEY-kind``, ``-title``, ``-pages``, ``-codes``,
``-order``; ``-remove`` when ticked), KEY being ``s<id>`` for a stored section (its links
kept) or ``n<k>`` for a new one: the app reads at most 1,000 fields from a form, so a form
holds up to ``MAX_ROWS`` rows (the API takes the 500 sections a book may have)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BLANK_ROWS = 3  # empty rows at the end of the form, for new entries
MAX_ROWS = 190
_KEY = re.compile(r"^row-([sn]\d{1,9})-(kind|title|pages|codes|order|remove)$")
_PAGES = re.compile(r"^\s*(\d{1,6})\s*(?:[-–—]\s*(\d{1,6})\s*)?$")


@dataclass
class Row:
    key: str  # s<id> or n<k>
    number: int = 0  # its place in the form (1-based): what an error names
    kind: str = "bai"
    title: str = ""
    pages: str = ""  # "3-7", or "5" for one page
    codes: str = ""
    order: str = ""
    remove: bool = False
    links: Any = None  # what is linked to the bài (Linked), for the page

    @property
    def section_id(self) -> int | None:
        return int(self.key[1:]) if self.key.startswith("s") else None

    @property
    def blank(self) -> bool:
        return self.section_id is None and not (self.title.strip() or self.pages.strip())


def pages_of(text: str) -> tuple[int | None, int | None]:
    found = _PAGES.match(text or "")
    if found is None:
        return None, None
    start = int(found.group(1))
    return start, int(found.group(2)) if found.group(2) else start


def rows_from(values: list[tuple[str, str]]) -> list[Row]:
    """The rows of a posted form, in their order numbers' order (then as sent)."""
    rows: dict[str, Row] = {}
    for name, value in values:
        found = _KEY.match(name)
        if found is None:
            continue
        key, part = found.groups()
        if key not in rows:
            if len(rows) >= MAX_ROWS:
                continue
            rows[key] = Row(key=key)
        row = rows[key]
        if part == "remove":
            row.remove = True
        else:
            setattr(row, part, value)

    def position(item: tuple[int, Row]) -> tuple[int, int]:
        sent, row = item
        order = row.order.strip()
        return (int(order) if order.isdigit() and len(order) < 7 else 10**6, sent)

    ordered = [row for _, row in sorted(enumerate(rows.values()), key=position)]
    for number, row in enumerate(ordered, start=1):
        row.number = number
    return ordered


def tree_of(rows: list[Row]) -> list[dict[str, Any]]:
    """The tree the service checks: each node names its form row (``row``)."""
    tree: list[dict[str, Any]] = []
    chapter: dict[str, Any] | None = None
    for row in rows:
        if row.blank or row.remove:
            continue
        start, end = pages_of(row.pages)
        node = {
            "row": str(row.number), "id": row.section_id,
            "kind": row.kind if row.kind in ("chuong", "bai") else "bai", "title": row.title,
            "page_start": start, "page_end": end,
            "yccd_codes": [c.strip() for c in row.codes.split(",") if c.strip()],
            "children": [],
        }  # fmt: skip
        if node["kind"] == "chuong" or chapter is None:
            tree.append(node)
            chapter = node if node["kind"] == "chuong" else None
        else:
            chapter["children"].append(node)
    return tree


def rows_of(tree: list[dict[str, Any]]) -> list[Row]:
    """The stored tree as the form's rows, then ``BLANK_ROWS`` empty ones."""
    rows: list[Row] = []

    def add(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            pages = f"{node['page_start']}-{node['page_end']}"
            rows.append(Row(key=f"s{node['id']}", kind=node["kind"], title=node["title"],
                            pages=pages, codes=", ".join(node["yccd_codes"])))  # fmt: skip
            add(node["children"])

    add(tree)
    return with_blanks(rows)


def with_blanks(rows: list[Row]) -> list[Row]:
    """``rows`` numbered in order, then empty rows for new entries."""
    rows = [row for row in rows if not row.blank]
    rows += [Row(key=f"n{i}") for i in range(1, BLANK_ROWS + 1)]
    for number, row in enumerate(rows, start=1):
        row.number = number
        row.order = row.order or str(number)
    return rows


def problems_by_row(details: Any) -> dict[str, str]:
    """Row number → what is wrong with it, from a refusal's details."""
    problems = details.get("problems", []) if isinstance(details, dict) else []
    found: dict[str, str] = {}
    for problem in problems:
        found.setdefault(str(problem.get("row")), str(problem.get("message")))
    return found
