"""Generated textbook PDFs: many pages, a real outline (chương → bài bookmarks) and words
placed on chosen pages, for the demo catalogue and for tests of reading, search and the
reader (a 300-page book is made in about a second)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]

# (title, first page) for a bài; (title, first page, [bài…]) for a chương. A list of bài
# alone is a flat outline.
Lesson = tuple[str, int]
Chapter = tuple[str, int, Sequence[Lesson]]
Outline = Sequence[Lesson | Chapter]

FILLER = (
    "Trang này trình bày nội dung của bài học, các ví dụ và bài tập luyện tập.",
    "Học sinh đọc kĩ phần lí thuyết trước khi làm bài tập ở cuối trang.",
)


def default_outline(pages: int) -> list[Chapter]:
    """Chapters of about 50 pages with three lessons each, starting on page 3."""
    chapters: list[Chapter] = []
    number, lesson = 1, 1
    for start in range(3, pages + 1, 50):
        end = min(pages, start + 49)
        step = max(1, (end - start + 1) // 3)
        lessons = []
        for first in range(start, end + 1, step)[:3]:
            lessons.append((f"Bài {lesson}. Nội dung {lesson}", first))
            lesson += 1
        chapters.append((f"Chương {number}. Chủ đề {number}", start, lessons))
        number += 1
    return chapters


def _font_dir() -> Path:
    found = next((d for d in FONT_DIRS if (d / "DejaVuSans.ttf").is_file()), None)
    if found is None:
        raise FileNotFoundError("DejaVuSans.ttf not found: install fonts-dejavu-core")
    return found


def _starts(outline: Outline) -> dict[int, list[tuple[int, str]]]:
    """Page → the bookmarks (level, title) that begin there, in outline order."""
    starts: dict[int, list[tuple[int, str]]] = {}
    for entry in outline:
        starts.setdefault(entry[1], []).append((0, entry[0]))
        for title, page in entry[2] if len(entry) == 3 else ():  # type: ignore[misc]
            starts.setdefault(page, []).append((1, title))
    return starts


def make_textbook(
    pages: int = 300,
    outline: Outline | None = None,
    words_on: Mapping[int, str] | None = None,
    *,
    title: str = "Toán 10",
) -> bytes:
    """A PDF of ``pages`` pages: each prints its number and a line of filler, the words of
    ``words_on[page]`` on that page only, and the titles of the outline entries starting
    there; the outline (``default_outline`` when None, ``[]`` for none) is the PDF's bookmarks."""
    outline = default_outline(pages) if outline is None else outline
    words_on = words_on or {}
    starts = _starts(outline)
    font = _font_dir()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(font / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        pdf.set_xy(15, 10)
        pdf.cell(0, 6, f"{title} · trang {page}")
        pdf.set_xy(15, 30)
        for level, heading in starts.get(page, []):
            pdf.start_section(heading, level=level)
            pdf.set_font("DejaVu", "B", 16 if level == 0 else 13)
            pdf.set_x(15)
            pdf.multi_cell(180, 9, heading)
        pdf.set_font("DejaVu", "", 12)
        pdf.set_x(15)
        pdf.multi_cell(180, 7, FILLER[page % len(FILLER)])
        if page in words_on:
            pdf.set_x(15)
            pdf.multi_cell(180, 7, words_on[page])
    return bytes(pdf.output())
