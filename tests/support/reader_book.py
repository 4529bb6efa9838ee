"""A textbook PDF heavy enough that reading it by byte ranges shows: 300 pages, an outline of
chương and bài, a word printed on one page only, and on every page a photo-like image of its
own (noise does not compress), so the file is several megabytes and each page's bytes are
its own."""

from __future__ import annotations

import io
import random
from pathlib import Path

from fpdf import FPDF
from PIL import Image

FONTS = Path("/usr/share/fonts/truetype/dejavu")
# (chương, first page, [(bài, first page)…])
OUTLINE = [
    ("Chương 1. Mệnh đề và tập hợp", 3, [("Bài 1. Mệnh đề", 3), ("Bài 2. Tập hợp", 20)]),
    ("Chương 2. Bất phương trình", 50, [("Bài 3. Bất phương trình bậc nhất hai ẩn", 50)]),
    ("Chương 3. Hệ thức lượng trong tam giác", 150, [("Bài 4. Giá trị lượng giác", 150),
                                                    ("Bài 5. Định lí côsin", 200)]),
]  # fmt: skip


def _photo(seed: int) -> io.BytesIO:
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (160, 120), rng.randbytes(160 * 120 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    out.seek(0)
    return out


def make_book(pages: int = 300, words_on: dict[int, str] | None = None) -> bytes:
    words_on = words_on or {}
    starts: dict[int, list[tuple[int, str]]] = {}
    for chapter, first, lessons in OUTLINE:
        starts.setdefault(first, []).append((0, chapter))
        for lesson, page in lessons:
            starts.setdefault(page, []).append((1, lesson))
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        pdf.set_xy(15, 10)
        pdf.cell(0, 6, f"Toán 10 · trang {page}")
        pdf.set_xy(15, 30)
        for level, heading in starts.get(page, []):
            pdf.start_section(heading, level=level)
            pdf.set_font("DejaVu", "B", 16 if level == 0 else 13)
            pdf.set_x(15)
            pdf.multi_cell(180, 9, heading)
        pdf.set_font("DejaVu", "", 12)
        pdf.set_x(15)
        pdf.multi_cell(180, 7, "Học sinh đọc kĩ phần lí thuyết trước khi làm bài tập.")
        if page in words_on:
            pdf.set_x(15)
            pdf.multi_cell(180, 7, words_on[page])
        pdf.image(_photo(page), x=15, y=120, w=180)
    return bytes(pdf.output())
