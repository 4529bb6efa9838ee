"""Classes on a phone in Chromium (issue 19, item 1): a teacher makes a class and reads its
code and link; a student opens the link (the code is filled in), joins, finds the class on
their page; a wrong code says so in Vietnamese; the teacher sees the student, adds a
co-teacher, removes the student (asked first), changes the code and archives the class."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.web import E2E_PASSWORD
from tests.support.web import sign_in_browser as sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def test_a_teacher_makes_a_class_and_a_student_joins_it_on_a_phone(live_server, browser):
    for name, role in (("hs.lan", "student"), ("thay.minh", "teacher")):
        live_server.kholieu("users", "create", name, "--role", role, "--password-stdin",
                            stdin=E2E_PASSWORD + "\n")  # fmt: skip
    base = live_server.base
    teacher = browser.new_context(**PHONE).new_page()
    sign_in(teacher, base)
    teacher.goto(base + "/lop")
    teacher.get_by_test_id("new-class").click()
    form = teacher.get_by_test_id("class-form")
    form.locator("input[name=name]").fill("10A1")
    form.locator("input[name=school]").fill("THPT Chu Văn An")
    form.locator("select[name=grade]").select_option("10")
    form.locator("input[name=school_year]").fill("2026-2028")  # not one year
    form.locator("button[type=submit]").click()
    error = teacher.get_by_test_id("error-school_year")
    expect(error).to_contain_text("Năm học đi từ một năm sang năm sau, ví dụ 2026-2027")
    teacher.get_by_test_id("class-form").locator("input[name=school_year]").fill("2026-2027")
    teacher.get_by_test_id("class-form").locator("button[type=submit]").click()
    expect(teacher.get_by_test_id("class-name")).to_have_text("10A1")
    code = teacher.get_by_test_id("class-code").inner_text()
    link = teacher.get_by_test_id("join-link").get_attribute("href")
    assert re.fullmatch(r"[A-Z2-9]{7}", code) and link.endswith(f"/lop/vao?ma={code}")
    box = teacher.get_by_test_id("class-code").bounding_box()
    assert box and box["x"] + box["width"] <= 390  # the code fits on the phone's screen

    student = browser.new_context(**PHONE).new_page()
    sign_in(student, base, "hs.lan")
    student.goto(base + "/lop/vao")
    student.get_by_test_id("class-code").fill("SAIMA99")
    student.get_by_test_id("join-go").click()
    expect(student.get_by_test_id("join-error")).to_contain_text("Không có lớp nào với mã này")
    student.goto(link)  # the teacher's link: the code is there, joining takes a press
    expect(student.get_by_test_id("class-code")).to_have_value(code)
    student.get_by_test_id("join-go").click()
    expect(student.get_by_test_id("class-name")).to_have_text("10A1")
    expect(student.get_by_test_id("student-view")).to_be_visible()
    assert student.get_by_test_id("share").count() == 0  # a student never sees the code
    student.goto(base + "/lop")
    expect(student.get_by_test_id("classes")).to_contain_text("10A1")

    teacher.reload()
    members = teacher.get_by_test_id("member")
    expect(members).to_have_count(2)
    expect(members.nth(1)).to_contain_text("hs.lan")
    teacher.get_by_test_id("co-teacher").fill("khong.co.ai")
    teacher.get_by_test_id("add-teacher").click()
    expect(teacher.get_by_test_id("class-error")).to_contain_text("khong.co.ai")
    teacher.get_by_test_id("co-teacher").fill("thay.minh")
    teacher.get_by_test_id("add-teacher").click()
    expect(teacher.get_by_test_id("member")).to_have_count(3)
    asked = []
    teacher.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    teacher.get_by_test_id("member").filter(has_text="hs.lan").get_by_test_id("remove").click()
    expect(teacher.get_by_test_id("member")).to_have_count(2)
    assert asked and "hs.lan" in asked[0]
    teacher.get_by_test_id("new-code").click()
    expect(teacher.get_by_test_id("class-code")).not_to_have_text(code)
    teacher.get_by_test_id("archive").click()
    expect(teacher.get_by_test_id("archived")).to_be_visible()

    student.goto(link)  # the old code, and the class archived besides
    student.get_by_test_id("join-go").click()
    expect(student.get_by_test_id("join-error")).to_be_visible()
    student.goto(base + "/lop")
    expect(student.get_by_test_id("classes")).not_to_contain_text("10A1")
