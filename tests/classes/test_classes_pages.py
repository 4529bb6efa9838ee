"""The class pages as each role reaches them (TestClient, signed in by the login form): who
gets which page, the form's errors in Vietnamese, and forms without the CSRF token refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kholieu.classes.pages import this_school_year
from tests.support.web import csrf_from, sign_in

CLASS = {"name": "11B2", "school": "", "grade": "11", "school_year": "2026-2027"}


def signed_in(app, user) -> TestClient:
    client = TestClient(app)
    sign_in(client, user)
    return client


def test_pages_by_role_and_the_form_errors(app, make_user):
    teacher = signed_in(app, make_user("teacher"))
    form = teacher.get("/lop/moi")
    assert form.status_code == 200 and f'value="{this_school_year()}"' in form.text
    token = csrf_from(form.text)
    bad = teacher.post("/lop/moi", data=CLASS | {"school_year": "2026-2025", "csrf_token": token})
    assert bad.status_code == 422 and "ví dụ 2026-2027" in bad.text  # in Vietnamese
    assert "should" not in bad.text  # no validator's English
    assert "11B2" in bad.text  # what was typed stays
    made = teacher.post("/lop/moi", data=CLASS | {"csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    page = made.headers["location"]
    assert 'data-testid="class-code"' in teacher.get(page).text

    student = signed_in(app, make_user("student"))
    assert student.get("/lop/moi").status_code == 403
    assert student.get(page).status_code == 404  # not in the class
    other = signed_in(app, make_user("teacher"))
    assert other.get(page).status_code == 404
    assert TestClient(app).get("/lop", follow_redirects=False).status_code in (401, 303)
    # a form without its CSRF token changes nothing
    assert teacher.post(f"{page}/ma-moi").status_code == 403
    assert teacher.post(f"{page}/luu-tru", data={"csrf_token": "0" * 32}).status_code == 403


def test_a_student_joining_gets_vietnamese_errors_and_a_teacher_is_told_why_not(app, make_user):
    teacher = signed_in(app, make_user("teacher"))
    token = csrf_from(teacher.get("/lop/moi").text)
    teacher.post("/lop/moi", data=CLASS | {"csrf_token": token})
    student = signed_in(app, make_user("student"))
    token = csrf_from(student.get("/lop/vao").text)
    wrong = student.post("/lop/vao", data={"code": "ZZZZ999", "csrf_token": token})
    assert wrong.status_code == 404 and "Không có lớp nào với mã này" in wrong.text
    filled = student.get("/lop/vao?ma=ABC1234")
    assert 'value="ABC1234"' in filled.text
    other = signed_in(app, make_user("teacher"))
    token = csrf_from(other.get("/lop/vao").text)
    refused = other.post("/lop/vao", data={"code": "ZZZZ999", "csrf_token": token})
    assert refused.status_code == 403 and "Mã lớp dành cho học sinh" in refused.text
