"""The class × outcome heatmap: per student and learning outcome the facility (points earned /
points possible) of the graded items assessing it, from the submitted attempts of the class's
assigned quizzes, with a row for the class; its page, its CSV and XLSX, all with the same
figures, worked out by hand below; and nobody but the class's teachers (and admins) sees it."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kholieu.accounts.models import User
from kholieu.classes.schemas import ClassIn, QuizAssignmentIn
from tests.classes.test_assignments_api import CLASS
from tests.support.bank import fill
from tests.support.coverage import add_outcomes, tag_questions
from tests.support.web import sign_in

A, B, C = "TOAN.10.DS.01", "TOAN.10.DS.02", "TOAN.10.HH.01"
CATALOGUE = [
    (A, "Đại số", "Nhận biết mệnh đề, phủ định của một mệnh đề và lấy ví dụ minh hoạ."),
    (B, "Đại số", "Thực hiện các phép toán trên tập hợp."),
    (C, "Hình học", "Giải tam giác và ứng dụng vào thực tế."),
]
QUIZ_1 = {  # four single-choice questions of 1 point: q1 [A], q2 [A, B], q3 [B], q4 [A]
    "title": "Mệnh đề và tập hợp", "subject": "toan", "grade": 10, "duration_min": 15,
    "sections": [{"title": "PHẦN I", "type": "single_choice", "points_each": 1,
                  "rows": [{"outcomes": [A, B], "counts": {"nhan_biet": 4}}]}],
}  # fmt: skip
QUIZ_2 = {  # one single-choice question [C] of 1 point, one essay [C] of 2 points
    "title": "Hệ thức lượng", "subject": "toan", "grade": 10, "duration_min": 15,
    "sections": [
        {"title": "PHẦN I", "type": "single_choice", "points_each": 1,
         "rows": [{"outcomes": [C], "counts": {"nhan_biet": 1}}]},
        {"title": "PHẦN II", "type": "essay", "points_each": 2,
         "rows": [{"outcomes": [C], "counts": {"van_dung": 1}}]},
    ],
}  # fmt: skip
# What each student gets right in quiz 1 (q1, q2, q3, q4), right in quiz 2's choice question,
# and the essay's mark (None: not marked yet).
RIGHT_1 = {"An": (1, 1, 1, 1), "Bình": (1, 0, 1, 1), "Chi": (1, 0, 1, 0), "Dũng": (1, 1, 0, 1),
           "Em": (0, 0, 0, 0)}  # fmt: skip
RIGHT_2 = {"An": (1, 2.0), "Bình": (1, 1.0), "Chi": (0, None), "Dũng": (1, 0.0), "Em": (0, None)}
# By hand. A is assessed by q1, q2, q4 (1 point each), B by q2, q3, C by quiz 2's choice
# question (1 point) and its essay (2 points, counted once marked).
#   A: An 3/3, Bình 2/3, Chi 1/3, Dũng 3/3, Em 0/3     → class 9 of 15 points → 60 %
#   B: An 2/2, Bình 1/2, Chi 1/2, Dũng 1/2, Em 0/2     → class 5 of 10 points → 50 %
#   C: An 1+2 of 3, Bình 1+1 of 3, Chi 0 of 1, Dũng 1+0 of 3, Em 0 of 1
#                                                      → class 6 of 11 points → 54,5 %
# (Chi's and Em's essays wait for a mark: left out, 2 of them.)
EXPECTED = {  # (earned, possible, n, percent shown)
    "An": {A: (3, 3, 3, "100"), B: (2, 2, 2, "100"), C: (3, 3, 2, "100")},
    "Bình": {A: (2, 3, 3, "66,7"), B: (1, 2, 2, "50"), C: (2, 3, 2, "66,7")},
    "Chi": {A: (1, 3, 3, "33,3"), B: (1, 2, 2, "50"), C: (0, 1, 1, "0")},
    "Dũng": {A: (3, 3, 3, "100"), B: (1, 2, 2, "50"), C: (1, 3, 2, "33,3")},
    "Em": {A: (0, 3, 3, "0"), B: (0, 2, 2, "0"), C: (0, 1, 1, "0")},
}
CLASS_TOTAL = {A: (9, 15, 15, "60"), B: (5, 10, 10, "50"), C: (6, 11, 8, "54,5")}


def signed_in(app, user) -> TestClient:
    client = TestClient(app)
    sign_in(client, user)
    return client


@pytest.fixture
def graded(app, services, make_user):
    """A class of five students who each sat both quizzes (10 graded attempts), and the
    essays marked as RIGHT_2 says."""
    add_outcomes(services, "toan", 10, CATALOGUE)
    q = fill(services, "toan", 10, {"single_choice": {"nhan_biet": 5}, "essay": {"van_dung": 1}})
    fill(services, "toan", 10, {"single_choice": {"nhan_biet": 2}}, start=50)  # no outcome
    tag_questions(services, {q[0]: [A], q[1]: [A, B], q[2]: [B], q[3]: [A], q[4]: [C],
                             q[5]: [C]})  # fmt: skip
    teacher = make_user("teacher")
    students = {name: make_user("student") for name in RIGHT_1}
    with services.sessions.begin() as session:
        me = session.merge(teacher)
        made = services.classes.create(session, me, ClassIn.model_validate(CLASS))
        for name, student in students.items():
            services.classes.join(session, session.merge(student), made.code)
            session.merge(student).display_name = name
        class_quizzes = []
        for plan in (QUIZ_1, QUIZ_2):
            data = {"title": plan["title"], "blueprint": plan, "mode": "exam"}
            quiz = services.quizzes.create(session, me, data)
            given = services.assignments.assign_quiz(
                session, me, made.id, QuizAssignmentIn(quiz_id=quiz.id)
            )
            class_quizzes.append(services.quizzes.get(session, given.quiz_id))
        class_id = made.id
    order_1 = [q[0], q[1], q[2], q[3]]
    with services.sessions() as session:  # starting and submitting commit (db.locks.held)
        me = session.merge(teacher)
        for name, student in students.items():
            user = session.get(User, student.id)  # (merge would copy the old display name back)
            first = services.quizzes.start(session, user, session.merge(class_quizzes[0]))
            right = dict(zip(order_1, RIGHT_1[name], strict=True))
            first.answers = {str(i["id"]): i["key"] if right[i["id"]] else (i["key"] + 1) % 4
                             for i in first.items}  # fmt: skip
            services.quizzes.submit(session, first)
            second = services.quizzes.start(session, user, session.merge(class_quizzes[1]))
            choice_right, essay = RIGHT_2[name]
            second.answers = {
                str(i["id"]): "Em giải như sau." if i["type"] == "essay"
                else i["key"] if choice_right else (i["key"] + 1) % 4
                for i in second.items
            }  # fmt: skip
            services.quizzes.submit(session, second)
            if essay is not None:
                services.quizzes.grade_essay(session, me, second.id, q[5], essay)
                session.commit()
    return {"teacher": teacher, "students": students, "class_id": class_id, "app": app}


def _by_name(heatmap):
    codes = [o["code"] for o in heatmap["outcomes"]]
    return {row["name"]: dict(zip(codes, row["cells"], strict=True)) for row in heatmap["rows"]}


def _figures(cell):
    return (cell["earned"], cell["possible"], cell["n"],
            f"{cell['percent']:.2f}".rstrip("0").rstrip(".").replace(".", ","))  # fmt: skip


def test_the_service_computes_each_students_facility_per_outcome(services, graded):
    with services.sessions() as session:
        heatmap = services.gradebook.outcome_heatmap(
            session, session.merge(graded["teacher"]), graded["class_id"]
        )
    assert [o["code"] for o in heatmap["outcomes"]] == [A, B, C]  # the catalogue's order
    assert heatmap["outcomes"][2]["text"] == CATALOGUE[2][2]
    assert heatmap["attempts"] == 10 and heatmap["pending"] == 2
    cells = _by_name(heatmap)
    for name, expected in EXPECTED.items():
        for code, figures in expected.items():
            assert _figures(cells[name][code]) == figures, (name, code)
    total = dict(zip([A, B, C], heatmap["total"], strict=True))
    for code, figures in CLASS_TOTAL.items():
        assert _figures(total[code]) == figures, code
    assert total[A]["band"] == "mid" and cells["An"][A]["band"] == "high"
    assert cells["Chi"][A]["band"] == "low"
    assert not cells["An"][B]["enough"] and cells["An"][B]["band"] == "none"  # n = 2 < 3


def test_the_page_and_the_exports_show_the_same_figures(graded):
    teacher = signed_in(graded["app"], graded["teacher"])
    class_id = graded["class_id"]
    page = teacher.get(f"/lop/{class_id}/yccd")
    assert page.status_code == 200
    html = page.text
    assert "2 câu tự luận chưa chấm không được tính" in html
    assert "chưa đủ dữ liệu" in html and 'data-testid="heat-legend"' in html
    assert f'title="{C}: {CATALOGUE[2][2]}"' in html  # full text in the header's title
    rows = {}
    for chunk in html.split('data-testid="heat-row"')[1:]:
        name = chunk.split('class="heat-name">', 1)[1].split("<", 1)[0].strip()
        rows[name] = [
            (cell.split('data-percent="', 1)[1].split('"', 1)[0],
             int(cell.split('data-n="', 1)[1].split('"', 1)[0]))
            for cell in chunk.split("</tr>", 1)[0].split('data-testid="heat-cell"')[1:]
        ]  # fmt: skip
    for name, expected in EXPECTED.items():
        assert rows[name] == [(f[3], f[2]) for f in expected.values()], name
    total = html.split('data-testid="heat-total"', 1)[1].split("</tr>", 1)[0]
    shown = [cell.split("</strong>", 1)[0] for cell in total.split("<strong>")[1:]]
    assert shown == [f"{percent} %" for _, _, _, percent in CLASS_TOTAL.values()]  # printed
    assert [int(c.split('"', 1)[0]) for c in total.split('data-n="')[1:]] == [15, 10, 8]
    assert f"<strong>{EXPECTED['An'][A][3]} %</strong>" in html
    # the teacher reaches it from the class page and the gradebook
    assert f'href="/lop/{class_id}/yccd"' in teacher.get(f"/lop/{class_id}").text
    assert f'href="/lop/{class_id}/yccd"' in teacher.get(f"/lop/{class_id}/so-diem").text

    exported = teacher.get(f"/lop/{class_id}/yccd.csv")
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert table[0] == ["STT", "Họ và tên", "Mã học sinh",
                        f"{A} – Tỉ lệ đạt (%)", f"{A} – Số câu", f"{B} – Tỉ lệ đạt (%)",
                        f"{B} – Số câu", f"{C} – Tỉ lệ đạt (%)", f"{C} – Số câu"]  # fmt: skip
    by_name = {line[1]: line[3:] for line in table[1:]}
    for name, expected in EXPECTED.items():
        assert by_name[name] == [v for f in expected.values() for v in (f[3], str(f[2]))]
    assert by_name["Cả lớp"] == [v for f in CLASS_TOTAL.values() for v in (f[3], str(f[2]))]

    book = load_workbook(io.BytesIO(teacher.get(f"/lop/{class_id}/yccd.xlsx").content))
    sheet = book["Tỉ lệ đạt"]
    values = {row[1]: row[3:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Cả lớp"] == (60, 15, 50, 10, 54.5, 8)
    assert values["Bình"] == (66.7, 3, 50, 2, 66.7, 2)
    assert [r for r in book["Yêu cầu cần đạt"].iter_rows(min_row=2, values_only=True)] == [
        (code, text) for code, _, text in CATALOGUE
    ]


def test_only_the_class_teachers_and_admins_see_it(graded, make_user, services):
    app, class_id = graded["app"], graded["class_id"]
    student = signed_in(app, next(iter(graded["students"].values())))
    outsider = signed_in(app, make_user("teacher"))
    for who in (student, outsider):
        for url in (f"/lop/{class_id}/yccd", f"/lop/{class_id}/yccd.csv",
                    f"/lop/{class_id}/yccd.xlsx"):  # fmt: skip
            response = who.get(url)
            assert response.status_code == 404, url
            assert A not in response.text
    visitor = TestClient(app).get(f"/lop/{class_id}/yccd", follow_redirects=False)
    assert visitor.status_code in (303, 401) and A not in visitor.text
    assert signed_in(app, make_user("admin")).get(f"/lop/{class_id}/yccd").status_code == 200
    co = make_user("teacher")
    with services.sessions.begin() as session:
        services.classes.add_teacher(session, session.merge(graded["teacher"]), class_id,
                                     co.username)  # fmt: skip
    assert signed_in(app, co).get(f"/lop/{class_id}/yccd").status_code == 200
    bad = signed_in(app, graded["teacher"]).get(f"/lop/{class_id}/yccd.pdf")
    assert bad.status_code == 422


def test_a_class_without_outcomes_says_so(app, services, make_user):
    teacher = make_user("teacher")
    with services.sessions.begin() as session:
        made = services.classes.create(session, session.merge(teacher),
                                       ClassIn.model_validate(CLASS))  # fmt: skip
        class_id = made.id
    page = signed_in(app, teacher).get(f"/lop/{class_id}/yccd")
    assert page.status_code == 200 and 'data-testid="heatmap-empty"' in page.text
    exported = signed_in(app, teacher).get(f"/lop/{class_id}/yccd.csv")
    assert exported.content.decode("utf-8-sig").splitlines() == [
        "STT,Họ và tên,Mã học sinh",
        ",Cả lớp,",
    ]


def test_the_legend_reads_as_words(graded):
    html = signed_in(graded["app"], graded["teacher"]).get(f"/lop/{graded['class_id']}/yccd").text
    legend = html.split('data-testid="heat-legend"', 1)[1].split("</ul>", 1)[0]
    assert "Từ 80 %: đã đạt" in legend and "Dưới 50 %: chưa đạt" in legend
    assert "%%" not in legend and "Chưa đủ dữ liệu: ít hơn 3 câu" in legend


def test_the_api_gives_the_same_figures_to_the_teacher_alone(graded, client, bearer,
                                                            make_user):  # fmt: skip
    url = f"/api/v1/classes/{graded['class_id']}/outcomes"
    mine = client.get(url, headers=bearer(graded["teacher"]))
    assert mine.status_code == 200, mine.text
    data = mine.json()
    assert data["class"]["id"] == graded["class_id"] and data["pending"] == 2
    cells = _by_name(data)
    for name, expected in EXPECTED.items():
        for code, figures in expected.items():
            assert _figures(cells[name][code]) == figures, (name, code)
    student = next(iter(graded["students"].values()))
    for headers, status in ((bearer(student), 404), (bearer(make_user("teacher")), 404),
                            ({}, 401)):  # fmt: skip
        response = client.get(url, headers=headers)
        assert response.status_code == status and A not in response.text
