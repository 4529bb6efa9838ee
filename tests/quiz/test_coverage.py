"""Blueprint rows that target learning outcomes (YCCĐ), and a quiz's coverage of outcomes:
which outcomes its questions assess (questions and points each) and which of the blueprint's
targeted outcomes none covers, on the teacher's page and in the API; nobody else learns it."""

from __future__ import annotations

import pytest

from kholieu.errors import ValidationFailed
from kholieu.quiz import blueprint as bp
from kholieu.quiz import coverage
from kholieu.quiz.assembly import AssemblyFailed, draw
from kholieu.quiz.models import Quiz
from tests.support.bank import fill
from tests.support.coverage import add_outcomes, tag_questions
from tests.support.web import sign_in

A, B, C, D = "TOAN.12.UDDH.01", "TOAN.12.UDDH.02", "TOAN.12.NH.01", "TOAN.12.TP.01"
CATALOGUE = [
    (A, "Ứng dụng đạo hàm", "Nhận biết tính đơn điệu của hàm số qua dấu đạo hàm."),
    (B, "Ứng dụng đạo hàm", "Tìm cực trị của hàm số."),
    (C, "Nguyên hàm", "Nhận biết nguyên hàm của một số hàm sơ cấp."),
    (D, "Tích phân", "Tính tích phân bằng định nghĩa."),
]
PLAN = {
    "title": "Kiểm tra YCCĐ", "subject": "toan", "grade": 12, "duration_min": 45,
    "sections": [{"title": "PHẦN I", "type": "single_choice", "points_each": 0.5, "rows": [
        {"outcomes": [A, D], "counts": {"nhan_biet": 2}},
        {"outcomes": [C.lower()], "counts": {"nhan_biet": 1}},  # codes are normalised
        {"outcomes": [B], "counts": {"nhan_biet": 1}},
        {"topic": "Số học", "counts": {"nhan_biet": 1}},
    ]}],
}  # fmt: skip


@pytest.fixture
def tagged(services):
    """q1 [A], q2 [A, B], q3 [B], q4 [C], q5 none (topic Số học), q6 none: the plan draws
    q1–q5 whatever the seed."""
    add_outcomes(services, "toan", 12, CATALOGUE)
    ids = fill(services, "toan", 12, {"single_choice": {"nhan_biet": 4}}, exposure="open")
    ids += fill(services, "toan", 12, {"single_choice": {"nhan_biet": 1}}, topic="Số học",
                start=10, exposure="open")  # fmt: skip
    ids += fill(services, "toan", 12, {"single_choice": {"nhan_biet": 1}}, start=20,
                exposure="open")  # fmt: skip
    tag_questions(services, {ids[0]: [A], ids[1]: [A, B], ids[2]: [B], ids[3]: [C]})
    return ids


def test_a_row_draws_only_questions_naming_one_of_its_outcomes(services, tagged):
    plan = bp.parse(PLAN)
    assert plan.sections[0].rows[1].outcomes == [C]
    with services.sessions() as session:
        for seed in range(5):
            (drawn,) = draw(session, plan, seed)
            assert sorted(q.id for q in drawn) == tagged[:5]
    # topic and outcomes together: both must hold
    both = {**PLAN, "sections": [{**PLAN["sections"][0], "rows": [
        {"topic": "Số học", "outcomes": [A], "counts": {"nhan_biet": 1}}]}]}  # fmt: skip
    with services.sessions() as session, pytest.raises(AssemblyFailed):
        draw(session, bp.parse(both), 0)
    tag_questions(services, {tagged[4]: [A]})
    with services.sessions() as session:
        (drawn,) = draw(session, bp.parse(both), 0)
    assert [q.id for q in drawn] == [tagged[4]]


def test_a_shortage_names_the_outcome_cell(services, tagged, make_user):
    short = {**PLAN, "sections": [{**PLAN["sections"][0], "rows": [
        {"outcomes": [C], "counts": {"nhan_biet": 2}}]}]}  # fmt: skip
    with services.sessions.begin() as session, pytest.raises(AssemblyFailed) as failed:
        services.quizzes.create(session, session.merge(make_user("teacher")),
                                {"title": "x", "blueprint": short, "mode": "exam"})  # fmt: skip
    assert f"PHẦN I: cần 2 câu Nhận biết cho YCCĐ {C}, ngân hàng có 1 (thiếu 1)" in str(
        failed.value.message
    )


def test_unknown_or_malformed_codes_are_refused_naming_them(services, tagged, client, make_user,
                                                            bearer):  # fmt: skip
    teacher = bearer(make_user("teacher"))
    row = {"outcomes": [A, "TOAN.12.ZZ.99", "TOAN.12.ZZ.98"], "counts": {"nhan_biet": 1}}
    bad = {**PLAN, "sections": [{**PLAN["sections"][0], "rows": [row]}]}
    for url, body in (("/api/v1/quizzes", {"title": "x", "blueprint": bad, "mode": "exam"}),
                      ("/api/v1/blueprints/check", bad)):  # fmt: skip
        response = client.post(url, headers=teacher, json=body)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["details"]["unknown"] == ["TOAN.12.ZZ.99", "TOAN.12.ZZ.98"]
        assert error["details"]["field"] == "sections.0.rows.0.outcomes"
        assert "TOAN.12.ZZ.99, TOAN.12.ZZ.98" in error["message"]
    with services.sessions() as session:
        assert session.query(Quiz).count() == 0  # nothing half-stored
    with pytest.raises(ValidationFailed) as failed:
        bp.parse({**PLAN, "sections": [{**PLAN["sections"][0], "rows": [
            {"outcomes": ["không hợp lệ"], "counts": {"nhan_biet": 1}}]}]})  # fmt: skip
    assert failed.value.details["field"] == "sections.0.rows.0.outcomes"
    assert "không hợp lệ" in str(failed.value.message)
    too_many = [f"TOAN.12.X.{i:02d}" for i in range(bp.MAX_ROW_OUTCOMES + 1)]
    with pytest.raises(ValidationFailed):
        bp.parse({**PLAN, "sections": [{**PLAN["sections"][0], "rows": [
            {"outcomes": too_many, "counts": {"nhan_biet": 1}}]}]})  # fmt: skip


EXPECTED_COVERED = [  # (code, questions, points): 0.5 points a question
    (A, 2, 1.0),  # q1, q2
    (C, 1, 0.5),  # q4
    (B, 2, 1.0),  # q2, q3 (B is targeted by the third row, after C's)
]


def _figures(data):
    return [(o["code"], o["questions"], o["points"]) for o in data["covered"]]


@pytest.mark.parametrize("mode", ["exam", "practice"])
def test_a_quiz_shows_its_coverage_and_the_outcomes_it_misses(services, tagged, mode,
                                                              make_user):  # fmt: skip
    with services.sessions.begin() as session:
        quiz = services.quizzes.create(
            session, session.merge(make_user("teacher")),
            {"title": "YCCĐ", "blueprint": {**PLAN, "versions": 3}, "mode": mode},
        )  # fmt: skip
        data = coverage.of_quiz(session, quiz)
    assert _figures(data) == EXPECTED_COVERED
    assert [o["code"] for o in data["missing"]] == [D]  # the first row targets D, none has it
    assert data["missing"][0]["text"] == "Tính tích phân bằng định nghĩa."
    assert data["questions"] == 5 and data["uncoded"] == 1  # q5 (3 versions, counted once)
    assert data["sample"] is (mode == "practice")
    assert data["covered"][0]["text"] == CATALOGUE[0][2]


def test_the_api_and_the_page_show_it_to_the_teacher_alone(app, services, tagged, client,
                                                            make_user, bearer):  # fmt: skip
    owner, joined, stranger = make_user("teacher"), make_user("student"), make_user("student")
    other_teacher = make_user("teacher")
    created = client.post("/api/v1/quizzes", headers=bearer(owner),
                          json={"title": "YCCĐ", "blueprint": PLAN, "mode": "exam"})  # fmt: skip
    assert created.status_code == 201, created.text
    quiz = created.json()
    url = f"/api/v1/quizzes/{quiz['id']}/coverage"
    mine = client.get(url, headers=bearer(owner))
    assert mine.status_code == 200
    assert _figures(mine.json()) == EXPECTED_COVERED
    assert [o["code"] for o in mine.json()["missing"]] == [D]

    student = bearer(joined)
    assert client.post("/api/v1/quizzes/join", headers=student,
                       json={"code": quiz["code"]}).status_code == 200  # fmt: skip
    for headers, status in ((student, 403), (bearer(stranger), 403),
                            (bearer(other_teacher), 404), ({}, 401)):  # fmt: skip
        response = client.get(url, headers=headers)
        assert response.status_code == status, (status, response.text)
        assert A not in response.text

    from fastapi.testclient import TestClient

    page_client = TestClient(app)
    sign_in(page_client, owner)
    page = page_client.get(f"/bai-kiem-tra/{quiz['id']}")
    assert page.status_code == 200
    text = page.text
    assert "Yêu cầu cần đạt được kiểm tra" in text and "Chưa có câu hỏi" in text
    for code, questions, points in EXPECTED_COVERED:
        row = text.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-testid="coverage-questions">{questions}<' in row
        shown = str(points).rstrip("0").rstrip(".").replace(".", ",")  # 1,0 → "1", 0,5 → "0,5"
        assert f'data-testid="coverage-points">{shown}<' in row
    missing = text.split('data-testid="coverage-missing"', 1)[1].split("</ul>", 1)[0]
    assert D in missing and A not in missing
    assert "Số câu chưa gắn yêu cầu cần đạt: 1" in text
    other = TestClient(app)
    sign_in(other, other_teacher)
    assert other.get(f"/bai-kiem-tra/{quiz['id']}").status_code == 404


def test_outcome_rows_survive_storage_and_presets_still_build(services, tagged, make_user):
    with services.sessions.begin() as session:
        data = {"title": "x", "blueprint": PLAN, "mode": "exam"}
        quiz_id = services.quizzes.create(session, session.merge(make_user("teacher")), data).id
    with services.sessions() as session:
        stored = session.get(Quiz, quiz_id).blueprint
    assert stored["sections"][0]["rows"][1]["outcomes"] == [C]
    assert bp.Blueprint.model_validate(stored).sections[0].rows[0].outcomes == [A, D]
    for preset in (bp.exam_2025("toan"), bp.periodic_7991("toan", 12)):
        assert all(row.outcomes == [] for s in preset.sections for row in s.rows)
        assert preset.max_points == 10


YAML = """title: Kiểm tra theo YCCĐ
subject: toan
grade: 12
duration_min: 15
sections:
  - title: PHẦN I
    type: single_choice
    points_each: 0.5
    rows:
      - {outcomes: [%s], counts: {nhan_biet: 2}}
"""


def test_the_form_takes_outcome_rows_as_plain_text(app, services, tagged, make_user):
    """Without scripts the matrix is YAML: an outcome row makes the quiz, an unknown code is
    told beside the matrix; the table editor's row field is the outcome picker's field."""
    from fastapi.testclient import TestClient

    from tests.support.web import csrf_from

    client = TestClient(app)
    sign_in(client, make_user("teacher"))
    form = client.get("/bai-kiem-tra/moi")
    assert '<template id="row-outcomes">' in form.text and "data-outcome-picker" in form.text

    def post(codes: str):
        data = {"csrf_token": csrf_from(form.text), "source": "yaml", "mode": "exam",
                "blueprint": YAML % codes}  # fmt: skip
        return client.post("/bai-kiem-tra/moi", data=data, follow_redirects=False)

    unknown = post(f"{A}, TOAN.12.KHONG.CO")
    assert unknown.status_code == 422
    problem = unknown.text.split('id="loi-blueprint"', 1)[1].split("</span>", 1)[0]
    assert "TOAN.12.KHONG.CO" in problem and "danh mục yêu cầu cần đạt" in problem
    made = post(f"{A.lower()}, {D}")
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"]).text
    assert f'data-code="{A}"' in page
    missing = page.split('data-testid="coverage-missing"', 1)[1].split("</ul>", 1)[0]
    assert D in missing
