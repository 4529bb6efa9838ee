"""The demo's textbooks: Toán 10 in two series, generated PDFs of about 40 pages whose
outlines cover the same topics in a different order and under different titles (what the
alignment across series is for). Keyed by external_id: loading again changes nothing."""

from __future__ import annotations

import io

from sqlalchemy import select

from kholieu.content.models import ContentItem
from kholieu.content.schemas import ContentIn
from kholieu.demo.textbook_pdf import Chapter, make_textbook
from kholieu.services import Services

PAGES = 40
KET_NOI: list[Chapter] = [
    ("Chương I. Mệnh đề và tập hợp", 3, [
        ("Bài 1. Mệnh đề", 3), ("Bài 2. Tập hợp và các phép toán trên tập hợp", 8)]),
    ("Chương II. Bất phương trình và hệ bất phương trình bậc nhất hai ẩn", 14, [
        ("Bài 3. Bất phương trình bậc nhất hai ẩn", 14),
        ("Bài 4. Hệ bất phương trình bậc nhất hai ẩn", 19)]),
    ("Chương III. Hệ thức lượng trong tam giác", 25, [
        ("Bài 5. Giá trị lượng giác của một góc từ 0° đến 180°", 25),
        ("Bài 6. Hệ thức lượng trong tam giác", 31)]),
    ("Chương VI. Hàm số, đồ thị và ứng dụng", 36, [("Bài 16. Hàm số bậc hai", 36)]),
]  # fmt: skip
CHAN_TROI: list[Chapter] = [
    ("Chương I. Mệnh đề và tập hợp", 3, [
        ("Bài 1. Mệnh đề", 3), ("Bài 2. Tập hợp", 7), ("Bài 3. Các phép toán trên tập hợp", 11)]),
    ("Chương II. Bất phương trình và hệ bất phương trình bậc nhất hai ẩn", 15, [
        ("Bài 1. Bất phương trình bậc nhất hai ẩn", 15),
        ("Bài 2. Hệ bất phương trình bậc nhất hai ẩn", 19)]),
    ("Chương III. Hàm số bậc hai và đồ thị", 24, [
        ("Bài 1. Hàm số và đồ thị", 24), ("Bài 2. Hàm số bậc hai", 28)]),
    ("Chương IV. Hệ thức lượng trong tam giác", 33, [
        ("Bài 1. Giá trị lượng giác của một góc từ 0° đến 180°", 33),
        ("Bài 2. Định lí côsin và định lí sin", 37)]),
]  # fmt: skip
TEXTBOOKS = [
    ("demo-sgk-toan-10-ket-noi", "Toán 10 – Kết nối tri thức", "ket-noi-tri-thuc", KET_NOI),
    ("demo-sgk-toan-10-chan-troi", "Toán 10 – Chân trời sáng tạo", "chan-troi-sang-tao",
     CHAN_TROI),
]  # fmt: skip
# Words a reader can search for: each on the first page of its lesson.
TOPICS = {
    "Mệnh đề": "Mệnh đề phủ định của P là “không phải P”.",
    "Hàm số bậc hai": "Đồ thị của hàm số bậc hai là một đường parabol.",
    "Hệ thức lượng": "Định lí côsin: a² = b² + c² − 2bc·cos A.",
    "Bất phương trình bậc nhất": "Miền nghiệm của bất phương trình bậc nhất hai ẩn là một nửa "
    "mặt phẳng.",
}


def _words(outline: list[Chapter]) -> dict[int, str]:
    words: dict[int, str] = {}
    for _, _, lessons in outline:
        for title, page in lessons:
            found = [text for key, text in TOPICS.items() if key.lower() in title.lower()]
            words[page] = " ".join([f"Trong bài này: {title.split('. ', 1)[-1]}.", *found])
    return words


def load_demo_textbooks(services: Services) -> tuple[list[str], list[str]]:
    """Create the missing textbooks, published; return the lines to print and the reading
    jobs to wait for."""
    created, items = [], []
    for external_id, title, series, outline in TEXTBOOKS:
        with services.sessions.begin() as session:
            if session.scalar(select(ContentItem.id).where(ContentItem.external_id == external_id)):
                continue
            data = ContentIn(
                kind="textbook", title=title, subject="toan", grade=10, textbook_series=series,
                publisher="Kho Học Liệu (sách mẫu)", edition="Bản mẫu", license="CC-BY-4.0",
                authors=["Kho Học Liệu"], external_id=external_id,
                summary="Sách mẫu do Kho Học Liệu tạo ra, không phải sách giáo khoa thật.",
            )  # fmt: skip
            item = services.content.create(session, None, data)
            pdf = make_textbook(PAGES, outline, _words(outline), title=title)
            services.content.attach(session, None, item.id, io.BytesIO(pdf), f"{external_id}.pdf")
            services.content.transition(session, None, item.id, "submit")
            services.content.transition(session, None, item.id, "approve")
            items.append(item.id)
            created.append(f"textbook {title}")
    with services.sessions() as session:
        jobs = services.textbooks.reading_jobs(session, items)
    return created, jobs
