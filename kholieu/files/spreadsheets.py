"""Cells the app writes to CSV and XLSX, safe to open in a spreadsheet (issue 15, item 7).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a
formula by Excel and LibreOffice (``=HYPERLINK(...)`` in a question's stem would run). Such a
text is written as text: in CSV with a leading apostrophe, as OWASP advises; in XLSX as a
string cell. A plain number (``-1,5``, the 2025 sheet's keys) is left as it is.
``from_csv`` takes the apostrophe off again, so the bank's own CSV imports as it was exported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS) and not NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    return "'" + value if formula_like(value) else value


def from_csv(value: str) -> str:
    """A cell read back from CSV: the apostrophe ``csv_cell`` added is not part of it."""
    return value[1:] if value.startswith("'") and formula_like(value[1:]) else value


def write_csv(out: IO[str], rows: Iterable[Iterable[Any]]) -> None:
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])


def append_xlsx(sheet: Any, row: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet (normal or write-only), formula-like text as text."""
    values = list(row)
    if not any(formula_like(v) for v in values):
        sheet.append(values)
        return
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value)
        if formula_like(value):
            cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
        cells.append(cell)
    sheet.append(cells)
