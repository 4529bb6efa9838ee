"""The first thing a teacher tries, on the demo data and a phone (390×844): pick each preset in
the blueprint editor for Toán 12, Vật lí 12 and Toán 9, see the check say the bank can fill it,
and create the quiz. Elements are found by role, label and text (the editor's layout changes
for phones), never by where they sit."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from kholieu.cli.demo_data import PASSWORD, load_demo
from kholieu.quiz import blueprint as bp
from tests.support.live import served
from tests.support.web import sign_in_browser

PRESETS = [("exam_2025", "Sửa ma trận từ mẫu đề 2025"), ("cv7991", "Sửa ma trận từ mẫu CV 7991")]
RADIOS = ["Đề thi tốt nghiệp THPT 2025", "Kiểm tra định kì (CV 7991)"]
SUBJECTS = [("toan", "Toán", 12), ("vat-li", "Vật lí", 12), ("toan", "Toán", 9)]


def _questions(kind: str, subject: str, grade: int) -> int:
    plan = bp.exam_2025(subject, grade) if kind == "exam_2025" else bp.periodic_7991(subject, grade)
    return sum(section.count for section in plan.sections)


def test_a_teacher_builds_a_quiz_from_each_preset_on_the_demo_bank(app, services, browser):
    load_demo(services)
    with served(app) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        sign_in_browser(page, base, "giaovien", PASSWORD)
        for subject, name, grade in SUBJECTS:
            for kind, button in PRESETS:
                page.goto(base + "/bai-kiem-tra/moi")
                page.get_by_label(re.compile(r"^Môn học")).select_option(label=name)
                page.get_by_label(re.compile(r"^Lớp\b")).fill(str(grade))
                page.get_by_role("button", name=button).click()
                check = page.get_by_test_id("matrix-check")
                expect(check).to_contain_text(f"{_questions(kind, subject, grade)} câu, 10 điểm")
                expect(check).to_contain_text("Nhận biết")  # levels by name, not nhan_biet
                expect(check).not_to_contain_text("thiếu")  # the bank fills every cell
                expect(check).not_to_contain_text("nhan_biet")
                page.get_by_label(re.compile(r"^Tên bài")).fill(f"{name} {grade} – {kind}")
                page.get_by_role("button", name="Tạo và xem trước").click()
                page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
                expect(page.get_by_role("heading", level=1)).to_contain_text(f"{name} {grade}")
                preview = page.get_by_test_id("preview").locator(":scope > li")
                expect(preview).to_have_count(_questions(kind, subject, grade))
                expect(page.get_by_test_id("preview").locator(".katex").first).to_be_visible()
        # without opening the editor: the preset's radio, the subject and grade, and go
        for (kind, _), radio in zip(PRESETS, RADIOS, strict=True):
            page.goto(base + "/bai-kiem-tra/moi")
            page.get_by_role("radio", name=radio).check()
            page.get_by_label(re.compile(r"^Môn học")).select_option(label="Vật lí")
            page.get_by_label(re.compile(r"^Lớp\b")).fill("12")
            page.get_by_role("button", name="Tạo và xem trước").click()
            page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
            preview = page.get_by_test_id("preview").locator(":scope > li")
            expect(preview).to_have_count(_questions(kind, "vat-li", 12))
        page.close()
