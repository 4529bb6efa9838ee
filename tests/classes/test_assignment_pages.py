"""The assignment pages as a class's teacher and its students reach them (TestClient, signed
in by the login form): assigning with the form, the progress and gradebook pages, marking an
essay, the export, scanned answer sheets kept as attempts, and the student's Góc học tập; and
each page refused to whoever is not the class's teacher."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kholieu.accounts.models import User
from kholieu.classes.models import ClassMember
from kholieu.classes.schemas import ClassIn
from kholieu.quiz.models import Attempt, Quiz
from tests.classes.test_assignments_api import CLASS, ESSAY_EXAM
from tests.support.quiz import SMALL
from tests.support.web import csrf_from, sign_in


def signed_in(app, user) -> TestClient:
    client = TestClient(app)
    sign_in(client, user)
    return client


@pytest.fixture
def room(app, services, make_user, bank):
    """A teacher's class with two students in it (one with a student number), an outsider,
    and a quiz of the teacher's (the essay exam)."""
    teacher_user = make_user("teacher")
    an_user, binh_user = make_user("student"), make_user("student")
    with services.sessions.begin() as session:
        made = services.classes.create(session, teacher_user, ClassIn.model_validate(CLASS))
        for student in (an_user, binh_user):
            services.classes.join(session, session.merge(student), made.code)
        session.merge(an_user).display_name = "Trần Thị An"
        member = session.query(ClassMember).filter_by(user_id=an_user.id).one()
        member.student_number = "HS001"
        quiz = services.quizzes.create(
            session, session.merge(teacher_user),
            {"title": "Giữa kì", "blueprint": ESSAY_EXAM, "mode": "exam"},
        )  # fmt: skip
        class_id, quiz_id = made.id, quiz.id
    return {
        "teacher": signed_in(app, teacher_user), "an": signed_in(app, an_user),
        "binh": signed_in(app, binh_user), "outsider": signed_in(app, make_user("teacher")),
        "class_id": class_id, "quiz_id": quiz_id, "an_user": an_user,
    }  # fmt: skip


def post_form(client, url: str, form_page: str, **data):
    token = csrf_from(client.get(form_page).text)
    return client.post(url, data=data | {"csrf_token": token}, follow_redirects=False)


def test_a_teacher_assigns_with_the_form_and_follows_marks_and_exports(room, services):
    teacher, class_id = room["teacher"], room["class_id"]
    form_url = f"/lop/{class_id}/giao-bai"
    form = teacher.get(form_url)
    assert form.status_code == 200 and "Giữa kì" in form.text
    # the form's mistakes in Vietnamese, what was typed kept
    bad = post_form(teacher, form_url, form_url, kind="quiz", quiz_id="",
                    title="Bài giữa kì")  # fmt: skip
    assert bad.status_code == 422 and "Hãy chọn một bài kiểm tra" in bad.text
    assert 'value="Bài giữa kì"' in bad.text
    bad = post_form(teacher, form_url, form_url, kind="quiz", quiz_id=str(room["quiz_id"]),
                    opens_at="2026-12-10T08:00", closes_at="2026-12-09T08:00")  # fmt: skip
    assert bad.status_code == 422 and "Thời gian đóng phải sau" in bad.text
    bad = post_form(teacher, form_url, form_url, kind="lesson", item="không phải số")
    assert bad.status_code == 422 and "Hãy nhập số hoặc dán đường dẫn" in bad.text

    made = post_form(teacher, form_url, form_url, kind="quiz", quiz_id=str(room["quiz_id"]),
                     review="after_submit", closes_at="2099-06-01T17:00")  # fmt: skip
    assert made.status_code == 303
    page_url = made.headers["location"]
    page = teacher.get(page_url)
    assert page.status_code == 200 and "Trần Thị An" in page.text and "Chưa làm" in page.text
    assert "17:00 01/06/2099" in page.text  # Vietnam's time, as typed
    assignment_id = int(page_url.rsplit("/", 1)[1])

    # the student sees it on the class page and in Góc học tập, and sits it
    an = room["an"]
    assert 'data-testid="assignment"' in teacher.get(f"/lop/{class_id}").text
    on_class_page = an.get(f"/lop/{class_id}").text
    assert "Giữa kì" in on_class_page and 'data-testid="my-status"' in on_class_page
    space = an.get("/goc-hoc-tap")
    assert space.status_code == 200 and "Giữa kì" in space.text and "Chưa làm" in space.text
    with services.sessions() as session:
        quiz_id = session.get(Quiz, room["quiz_id"]).id
        class_quiz = session.query(Quiz).filter(Quiz.class_id == class_id).one().id
    assert quiz_id != class_quiz
    started = post_form(an, f"/lam-bai/{class_quiz}", f"/lam-bai/{class_quiz}")
    assert started.status_code == 303
    with services.sessions.begin() as session:
        attempt = session.query(Attempt).filter_by(quiz_id=class_quiz).one()
        attempt.answers = {str(i["id"]): (i["key"] if i["type"] != "essay" else "Em làm thế này.")
                           for i in attempt.items}  # fmt: skip
        services.quizzes.submit(session, attempt)
        attempt_id = attempt.id
    assert "Chờ chấm tự luận" in teacher.get(page_url).text

    # the essay, marked in steps with a comment
    queue_url = f"/lop/bai/{assignment_id}/cham"
    queue = teacher.get(queue_url)
    assert "Em làm thế này." in queue.text and "Còn 1 bài chờ chấm." in queue.text
    with services.sessions() as session:
        essay_id = next(i["id"] for i in session.get(Attempt, attempt_id).items
                        if i["type"] == "essay")  # fmt: skip
    wrong = post_form(teacher, queue_url, queue_url, attempt_id=str(attempt_id),
                      question_id=str(essay_id), points="1,3", step="0.25")  # fmt: skip
    assert wrong.status_code == 422 and "bội của bước chấm" in wrong.text
    done = post_form(teacher, queue_url, queue_url, attempt_id=str(attempt_id),
                     question_id=str(essay_id), points="1,5", step="0.5",
                     comment="Cần lập luận chặt hơn.")  # fmt: skip
    assert done.status_code == 303
    assert "Còn 0 bài chờ chấm." in teacher.get(queue_url).text

    # the gradebook: names, the score with a comma; the student's attempt opened from it
    book = teacher.get(f"/lop/{class_id}/so-diem")
    assert book.status_code == 200 and "Trần Thị An" in book.text and "HS001" in book.text
    assert ">8,75<" in book.text  # (2 + 1.5) / 4 on the 10-point scale
    opened = teacher.get(f"/lop/bai-lam/{attempt_id}")
    assert opened.status_code == 200 and "Cần lập luận chặt hơn." in opened.text
    xlsx = teacher.get(f"/lop/{class_id}/so-diem.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Họ và tên", "Mã học sinh")
    an_row = next(r for r in rows if r[1] == "Trần Thị An")
    assert (an_row[2], an_row[4]) == ("HS001", 8.75)
    # the student's own page: the score, the review open (after submit)
    space = an.get("/goc-hoc-tap").text
    assert "8,75" in space and "xem lại được" in space

    # nobody else reaches any of these pages
    for client, status in ((room["an"], 403), (room["outsider"], 404)):
        for url in (form_url, page_url, queue_url, f"/lop/{class_id}/so-diem",
                    f"/lop/bai-lam/{attempt_id}", f"/lop/{class_id}/so-diem.xlsx"):  # fmt: skip
            assert client.get(url).status_code == status, (url, status)


def test_scanned_sheets_of_a_class_exam_become_its_students_attempts(room, services):
    teacher, class_id = room["teacher"], room["class_id"]
    with services.sessions.begin() as session:
        teacher_user = session.query(User).filter_by(role="teacher").first()
        data = {"title": "15 phút", "blueprint": SMALL, "mode": "exam"}
        quiz = services.quizzes.create(session, teacher_user, data)
        quiz_id = quiz.id
    form_url = f"/lop/{class_id}/giao-bai"
    made = post_form(teacher, form_url, form_url, kind="quiz", quiz_id=str(quiz_id))
    assert made.status_code == 303
    with services.sessions() as session:
        class_quiz = session.query(Quiz).filter(Quiz.class_id == class_id,
                                                Quiz.title == "15 phút").one()  # fmt: skip
        version = class_quiz.versions[0]
        class_quiz_id = class_quiz.id
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["student", "ma_de", *range(1, len(version["items"]) + 1)])
    row = ["HS001", version["code"]]  # An, by student number
    for item in version["items"]:
        key = item["key"]
        row.append("ABCD"[key] if item["type"] == "single_choice" else
                   "".join("Đ" if v else "S" for v in key) if item["type"] == "true_false_group"
                   else key)  # fmt: skip
    writer.writerow(row)
    writer.writerow(["Người Lạ", version["code"]])
    upload = {"file": ("lop.csv", sheet.getvalue().encode(), "text/csv")}
    page = teacher.get(f"/bai-kiem-tra/{class_quiz_id}")
    assert page.status_code == 200  # the class's copy, managed by the class's teacher
    scored = teacher.post(f"/bai-kiem-tra/{class_quiz_id}/cham",
                          data={"csrf_token": csrf_from(page.text)}, files=upload)  # fmt: skip
    assert scored.status_code == 200
    assert "1 bài đã lưu vào sổ điểm của lớp" in scored.text
    assert "Người Lạ" in scored.text and "không có học sinh này trong lớp" in scored.text
    with services.sessions() as session:
        [kept] = session.query(Attempt).filter_by(quiz_id=class_quiz_id).all()
        assert kept.user_id == room["an_user"].id and kept.source == "scan"
        assert kept.score == kept.max_score
    book = teacher.get(f"/lop/{class_id}/so-diem").text
    assert ">10<" in book
    results = teacher.get(f"/api/v1/quizzes/{class_quiz_id}/results").json()
    assert results["attempts"] == 1 or len(results.get("attempts", [])) == 1
