"""Issue 19's whole journey on phones in Chromium, teacher and student side by side: the
teacher makes a class, the student joins by its code; the teacher imports their own Word test
and, with no editor step, builds an exam from it, then assigns the class a video lesson and the
exam; the student finds both in Góc học tập, watches half the video, sits the exam, leaves,
comes back later to the score and the review, and the video resumes where they stopped; the
teacher reads the gradebook with names, opens the student's attempt, marks the essay, and
exports the XLSX (read back with openpyxl)."""

from __future__ import annotations

import io
import re
import time

from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from kholieu.demo.video import make_test_video
from tests.support.docx import add
from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def video_time(page) -> float:
    return page.evaluate("() => document.querySelector('video').currentTime")


def wait_for_position(page, seconds: float, timeout_s: float = 20) -> None:
    """Until the player stands at ``seconds`` or later (polled: CSP forbids string eval)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if video_time(page) >= seconds:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the video stayed at {video_time(page):.1f} s, not {seconds} s")


def word_test(path) -> None:
    """The teacher's own test as Word writes it: bold "Câu N:", the key underlined, options
    on one line split by tabs, and an essay (Câu 3) with its marking guide."""
    document = Document()
    add(document, ("Câu 1:", {"bold": True}), " Đơn vị của điện trở là")
    add(document, ("A.", {"underline": True}), " Ôm (Ω)\t", "B. Vôn\t", "C. Ampe\t", "D. Oát")
    add(document, ("Câu 2:", {"bold": True}), " Định luật Ôm cho đoạn mạch: $I = \\frac{U}{R}$. "
        "Khi U tăng gấp đôi và R giữ nguyên thì I")  # fmt: skip
    add(document, "A. giảm một nửa\t", ("B.", {"underline": True}), " tăng gấp đôi\t",
        "C. không đổi\t", "D. tăng gấp bốn")  # fmt: skip
    add(document, ("Câu 3:", {"bold": True}), " (Tự luận) Trình bày cách đo điện trở của một "
        "dây dẫn bằng vôn kế và ampe kế.")  # fmt: skip
    document.save(path)


def test_a_class_from_joining_to_the_exported_gradebook(live_server, browser, tmp_path):
    base = live_server.base
    for name, role, shown in (("co.lan", "teacher", "Cô Lan"), ("hs.minh", "student",
                                                                 "Nguyễn Văn Minh")):  # fmt: skip
        live_server.kholieu("users", "create", name, "--role", role, "--password-stdin",
                            "--display-name", shown, stdin=E2E_PASSWORD + "\n")  # fmt: skip
    source = make_test_video(tmp_path / "bai-giang.mp4", seconds=20, width=640, height=360)
    lesson = live_server.import_item(
        "bai-giang.mp4", source.read_bytes(), title="Bài giảng: Định luật Ôm", kind="video",
        subject="vat-li", grade=11,
    )  # fmt: skip

    teacher = browser.new_context(**PHONE).new_page()
    sign_in(teacher, base, "co.lan")
    teacher.goto(base + "/lop/moi")
    form = teacher.get_by_test_id("class-form")
    form.locator("input[name=name]").fill("11A2")
    form.locator("select[name=grade]").select_option("11")
    form.locator("button[type=submit]").click()
    code = teacher.get_by_test_id("class-code").inner_text()
    class_url = teacher.url

    student = browser.new_context(**PHONE).new_page()
    sign_in(student, base, "hs.minh")
    student.goto(base + "/lop/vao")
    student.get_by_test_id("class-code").fill(code.lower())
    student.get_by_test_id("join-go").click()
    expect(student.get_by_test_id("class-name")).to_have_text("11A2")

    # the teacher's own Word test becomes an exam at once: no editor in between
    quiz_title = make_exam_from_word(teacher, base, tmp_path)

    # assign the video lesson and the exam
    teacher.goto(class_url)
    teacher.get_by_test_id("to-assign").click()
    teacher.get_by_test_id("kind-lesson").check()
    teacher.get_by_test_id("item").fill(f"{base}/content/{lesson}")
    teacher.get_by_test_id("assign").click()
    expect(teacher.get_by_test_id("assignment-title")).to_have_text("Bài giảng: Định luật Ôm")
    teacher.goto(class_url)
    teacher.get_by_test_id("to-assign").click()
    teacher.get_by_test_id("quiz-select").select_option(label=f"{quiz_title} (thi)")
    teacher.get_by_test_id("review").select_option("after_submit")
    teacher.get_by_test_id("assign").click()
    expect(teacher.get_by_test_id("progress")).to_contain_text("Nguyễn Văn Minh")
    expect(teacher.get_by_test_id("progress")).to_contain_text("Chưa làm")

    # the student's page lists both
    assert student.get_by_test_id("nav-space").count() == 1  # in the student's menu
    student.goto(base + "/goc-hoc-tap")
    assigned = student.get_by_test_id("assigned-item")
    expect(assigned).to_have_count(2)
    expect(student.get_by_test_id("assigned")).to_contain_text("Bài giảng: Định luật Ôm")
    expect(student.get_by_test_id("assigned")).to_contain_text(quiz_title)

    # half the video
    assigned.filter(has_text="Định luật Ôm").filter(has_text="Bài học").get_by_role("link").click()
    student.locator("video").wait_for()
    wait_for_duration = student.locator("[data-testid=quality] option").nth(1)
    wait_for_duration.wait_for(state="attached", timeout=15000)
    student.evaluate("() => { const v = document.querySelector('video'); v.muted = true; "
                     "v.currentTime = 10; v.play(); }")  # fmt: skip
    wait_for_position(student, 10.5)
    student.evaluate("() => document.querySelector('video').pause()")
    stopped = video_time(student)
    student.wait_for_timeout(500)  # the pause's save reaches the server

    # sit the exam
    student.goto(base + "/goc-hoc-tap")
    student.get_by_test_id("assigned-item").filter(has_text=quiz_title).get_by_role("link").click()
    student.get_by_test_id("start").click()
    questions = student.get_by_test_id("quiz-question")
    questions.first.wait_for()
    for index in range(questions.count()):
        card = questions.nth(index)
        if card.locator("textarea").count():
            card.locator("textarea").fill("Mắc vôn kế song song, ampe kế nối tiếp; R = U / I.")
        else:
            card.locator("input[type=radio]").first.check()
    student.get_by_text("Đã lưu").wait_for()
    student.once("dialog", lambda dialog: dialog.accept())
    student.get_by_test_id("submit").click()
    student.get_by_test_id("score").wait_for()

    # leave, come back later: the score and the review are there
    student.goto(base + "/hoc-lieu")
    student.goto(base + "/goc-hoc-tap")
    mine = student.get_by_test_id("attempt").filter(has_text=quiz_title)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("chờ chấm tự luận")
    expect(mine.get_by_test_id("review-open")).to_be_visible()
    mine.get_by_role("link").click()
    student.get_by_test_id("score").wait_for()
    expect(student.get_by_test_id("review").first).to_be_visible()

    # the video resumes where it stopped, from "Xem tiếp" in Góc học tập
    student.goto(base + "/goc-hoc-tap")
    expect(student.get_by_test_id("watching-item")).to_contain_text("Bài giảng: Định luật Ôm")
    student.get_by_test_id("watching-item").get_by_role("link").click()
    # the player says where it will go on; nothing is fetched until play is pressed
    expect(student.get_by_test_id("player-status")).to_contain_text("Tiếp tục từ")
    student.evaluate("() => { const v = document.querySelector('video'); v.muted = true; "
                     "v.play(); }")  # fmt: skip
    wait_for_position(student, 0.1)
    assert video_time(student) >= stopped - 1  # resumed there, not from the start

    # the teacher: the gradebook with names, the attempt, the essay marked, the export
    teacher.goto(class_url)
    teacher.get_by_test_id("to-gradebook").click()
    row = teacher.get_by_test_id("gradebook-row").filter(has_text="Nguyễn Văn Minh")
    expect(row).to_contain_text("chờ chấm")
    lesson_cell = row.locator("td").nth(1)
    expect(lesson_cell).to_contain_text("Đã mở")
    row.get_by_test_id("cell-score").click()
    expect(teacher.get_by_test_id("attempt-student")).to_have_text("Nguyễn Văn Minh")
    expect(teacher.get_by_test_id("attempt-item")).to_have_count(3)
    expect(teacher.locator("[data-testid=given]")).to_contain_text("ampe kế nối tiếp")

    teacher.goto(class_url)
    teacher.get_by_test_id("assignment").filter(has_text=quiz_title).get_by_role("link").click()
    teacher.get_by_test_id("to-marking").click()
    essay = teacher.get_by_test_id("essay")
    expect(essay).to_have_count(1)
    expect(essay.get_by_test_id("essay-answer")).to_contain_text("ampe kế nối tiếp")
    essay.get_by_test_id("points").fill("0,75")
    essay.locator("select[name=step]").select_option("0.25")
    essay.get_by_test_id("comment").fill("Đúng cách mắc; thiếu công thức tính sai số.")
    essay.get_by_test_id("save-mark").click()
    expect(teacher.get_by_test_id("to-mark")).to_contain_text("Còn 0 bài chờ chấm.")
    expect(teacher.get_by_test_id("marked")).to_contain_text("0,75")

    teacher.goto(class_url)
    teacher.get_by_test_id("to-gradebook").click()
    with teacher.expect_download() as download:
        teacher.get_by_test_id("export-xlsx").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Họ và tên", "Mã học sinh", "Tên đăng nhập")
    minh = next(r for r in rows[1:] if r[1] == "Nguyễn Văn Minh")
    assert minh[3] == "hs.minh"
    lesson_col = rows[0].index("Bài giảng: Định luật Ôm")
    exam_col = next(i for i, title in enumerate(rows[0]) if title and quiz_title in title)
    assert minh[lesson_col] == "Đã mở"
    assert isinstance(minh[exam_col], int | float) and 0 < minh[exam_col] <= 10  # a number cell
    # the student's review now shows the mark and the comment
    student.goto(base + "/goc-hoc-tap")
    expect(student.get_by_test_id("attempt").filter(has_text=quiz_title)).not_to_contain_text(
        "chờ chấm tự luận"
    )


def make_exam_from_word(page, base: str, tmp_path) -> str:
    """The teacher imports their Word test on the import page and makes an exam of exactly
    those questions with "Tạo đề từ các câu vừa nhập": drafts, never seen by an editor."""
    path = tmp_path / "kiem-tra-vat-li.docx"
    word_test(path)
    page.goto(base + "/cau-hoi/nhap")
    page.set_input_files("input[type=file]", str(path))
    page.select_option("select[name=subject]", "vat-li")
    page.select_option("select[name=grade]", "11")
    page.click("#import-form button[type=submit]")
    expect(page.get_by_test_id("import-summary")).to_contain_text("Đã nhập: 3", timeout=30_000)
    page.get_by_test_id("import-to-quiz").click()
    page.locator("input[name=title]").fill("Kiểm tra 15 phút Vật lí 11")
    page.locator("form[data-blueprint-editor] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/bai-kiem-tra/\d+$"))
    return "Kiểm tra 15 phút Vật lí 11"
