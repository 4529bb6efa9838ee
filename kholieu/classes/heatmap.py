"""A class × outcome heatmap: per student and learning outcome (yêu cầu cần đạt), the facility
of the items they answered that assess it, so a teacher sees which outcomes the class has not
mastered; and its export (CSV with a BOM for Excel, XLSX).

Facility = points earned / points possible over the graded items of the class's submitted
attempts (every attempt of every quiz assigned to the class) whose question names the outcome
(``Question.yccd_codes``); an item naming several outcomes counts for each. ``n`` is how many
such items. Essays not yet marked are left out (they have no points yet), and counted apart so
the page can say so. A cell of fewer than ``MIN_ITEMS`` items is "chưa đủ dữ liệu".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from kholieu.files import spreadsheets
from kholieu.web.templating import comma

MIN_ITEMS = 3  # fewer items than this say too little about a student and an outcome
BANDS = ((80.0, "high"), (50.0, "mid"), (0.0, "low"))  # the colours, by percentage reached
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Cell:
    """One student's (or the class's) items of one outcome."""

    earned: float = 0.0
    possible: float = 0.0
    n: int = 0

    def add(self, earned: float, possible: float) -> None:
        self.earned += earned
        self.possible += possible
        self.n += 1

    def view(self) -> dict[str, Any]:
        percent = round(100 * self.earned / self.possible, 1) if self.possible else None
        enough = self.n >= MIN_ITEMS and percent is not None
        band = next(name for floor, name in BANDS if percent >= floor) if enough else "none"
        return {"earned": round(self.earned, 4), "possible": round(self.possible, 4),
                "n": self.n, "percent": percent, "enough": enough, "band": band}  # fmt: skip


def tally(
    attempts: list[Any], codes_of: dict[int, list[str]], students: set[int]
) -> tuple[dict[tuple[int, str], Cell], dict[str, Cell], int]:
    """(student, outcome) → Cell, outcome → the class's Cell, and how many unmarked essays
    were left out, from submitted attempts of the class's ``students``."""
    cells: dict[tuple[int, str], Cell] = {}
    totals: dict[str, Cell] = {}
    pending = 0
    for attempt in attempts:
        if attempt.user_id not in students:
            continue
        for item, result in zip(attempt.items, attempt.results or [], strict=True):
            codes = codes_of.get(item["id"]) or []
            if not codes:
                continue
            if result["pending"]:
                pending += 1
                continue
            for code in dict.fromkeys(codes):
                cells.setdefault((attempt.user_id, code), Cell()).add(
                    result["earned"], item["points"]
                )
                totals.setdefault(code, Cell()).add(result["earned"], item["points"])
    return cells, totals, pending


def export(heatmap: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """The heatmap as CSV (UTF-8 with a BOM) or XLSX: STT, name, student number, then per
    outcome its percentage reached and its number of items; the class's row last. A cell with
    no item is empty; safe cells (``files.spreadsheets``)."""
    header = ["STT", "Họ và tên", "Mã học sinh"]
    for outcome in heatmap["outcomes"]:
        header += [f"{outcome['code']} – Tỉ lệ đạt (%)", f"{outcome['code']} – Số câu"]
    body = []
    for number, row in enumerate(heatmap["rows"], start=1):
        body.append([number, row["name"], row["student_number"], *_figures(row["cells"], fmt)])
    body.append(["", "Cả lớp", "", *_figures(heatmap["total"], fmt)])
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for line in [header, *body]:
            writer.writerow([spreadsheets.csv_cell(v) for v in line])
        return ("\ufeff" + out.getvalue()).encode(), "text/csv; charset=utf-8"
    from openpyxl import Workbook  # costs a quarter second to import: only here

    book = Workbook(write_only=True)
    grid = book.create_sheet("Tỉ lệ đạt")
    for line in [header, *body]:
        spreadsheets.append_xlsx(grid, line)
    texts = book.create_sheet("Yêu cầu cần đạt")  # the codes' texts, too long for headers
    for line in [["Mã YCCĐ", "Yêu cầu cần đạt"],
                 *([o["code"], o["text"]] for o in heatmap["outcomes"])]:  # fmt: skip
        spreadsheets.append_xlsx(texts, line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), XLSX


def _figures(cells: list[dict[str, Any]], fmt: str) -> list[Any]:
    out: list[Any] = []
    for cell in cells:
        if cell["percent"] is None:
            out += ["", cell["n"] or ""]
        else:
            out += [cell["percent"] if fmt == "xlsx" else comma(cell["percent"]), cell["n"]]
    return out
