"""Teachers' quiz pages: create from a preset or a blueprint, share, preview, results."""

from __future__ import annotations

import re

from tests.support.bank import fill
from tests.support.web import csrf_from, sign_in

FULL = {level: 12 for level in ("nhan_biet", "thong_hieu", "van_dung")}


def test_a_teacher_creates_a_2025_exam_from_the_preset_and_sees_its_page(
    client, services, make_user
):
    fill(services, "toan", 12, {t: FULL for t in ("single_choice", "true_false_group",
                                                   "short_answer")})  # fmt: skip
    sign_in(client, make_user("teacher"))
    form = client.get("/bai-kiem-tra/moi")
    assert form.status_code == 200 and "Đề thi tốt nghiệp THPT 2025" in form.text
    created = client.post("/bai-kiem-tra/moi", data={
        "csrf_token": csrf_from(form.text), "title": "Thi thử lần 1", "source": "exam_2025",
        "subject": "toan", "grade": "12", "mode": "exam"}, follow_redirects=False)  # fmt: skip
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert page.status_code == 200
    code = re.search(r'data-testid="quiz-code">(\w+)<', page.text).group(1)
    assert len(code) == 8 and "/vao-thi/" in page.text
    assert page.text.count('class="card question"') == 22  # the preview, with keys marked
    assert 'class="key"' in page.text and "0 bài đã nộp" in page.text
    # points as Vietnamese write them: 0,25 (a PHẦN I question), never 0.25
    assert "· 0,25 điểm" in page.text and "0.25 điểm" not in page.text
    assert "Thi thử lần 1" in client.get("/bai-kiem-tra").text


def test_errors_in_the_form_are_shown_with_the_field(client, services, make_user):
    sign_in(client, make_user("teacher"))
    form = client.get("/bai-kiem-tra/moi")
    plan = "title: x\nsubject: toan\ngrade: 12\nduration_min: 0\nsections: []\n"
    bad = client.post(
        "/bai-kiem-tra/moi",
        data={
            "csrf_token": csrf_from(form.text),
            "source": "yaml",
            "mode": "exam",
            "blueprint": plan,
        },
    )
    assert bad.status_code == 422 and "duration_min" in bad.text
    short = client.post("/bai-kiem-tra/moi", data={
        "csrf_token": csrf_from(form.text), "source": "cv7991", "subject": "vat-li",
        "grade": "11", "mode": "practice"})  # fmt: skip
    assert short.status_code == 422 and "the bank has 0" in short.text


def test_students_cannot_open_teachers_pages(client, services, make_user):
    sign_in(client, make_user("student"))
    assert client.get("/bai-kiem-tra/moi", headers={"accept": "text/html"}).status_code == 403


def test_forms_without_the_csrf_token_are_refused(client, services, make_user):
    sign_in(client, make_user("teacher"))
    forged = client.post("/bai-kiem-tra/moi", data={"source": "exam_2025", "subject": "toan"})
    assert forged.status_code == 403
    assert client.post("/ma-de", data={"code": "ABCDEF"}).status_code == 403


def test_the_printed_set_and_scanned_answers_from_the_quiz_page(client, services, make_user):
    import csv
    import io
    import zipfile

    from kholieu.quiz.models import Quiz

    fill(services, "toan", 12, {t: FULL for t in ("single_choice", "true_false_group",
                                                   "short_answer")})  # fmt: skip
    sign_in(client, make_user("teacher"))
    form = client.get("/bai-kiem-tra/moi")
    created = client.post("/bai-kiem-tra/moi", data={
        "csrf_token": csrf_from(form.text), "source": "exam_2025", "subject": "toan",
        "grade": "12", "mode": "exam"}, follow_redirects=False)  # fmt: skip
    page_url = created.headers["location"]
    page = client.get(page_url)
    zipped = client.get(page_url + "/de.zip")
    assert zipped.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert "de-101.pdf" in names and "de-101.docx" in names and "dap-an.xlsx" in names
    with services.sessions() as session:
        quiz = session.query(Quiz).one()
        items = quiz.versions[0]["items"]
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["student", "ma_de", *range(1, 23)])
    row = ["An", "101"]
    for item in items:
        key = item["key"]
        row.append("ABCD"[key] if item["type"] == "single_choice" else
                   "".join("Đ" if v else "S" for v in key) if item["type"] == "true_false_group"
                   else key)  # fmt: skip
    writer.writerow(row)
    writer.writerow(["Bình", "999"])
    upload = {"file": ("lop.csv", sheet.getvalue().encode(), "text/csv")}
    scored = client.post(
        page_url + "/cham", data={"csrf_token": csrf_from(page.text)}, files=upload
    )
    assert scored.status_code == 200
    assert "<td>An</td><td>101</td><td>10</td>" in scored.text
    assert "Dòng 3: ma_de &#39;999&#39; is not one of 101" in scored.text


def test_the_blueprint_check_gives_totals_and_the_cells_short(client, services, make_user, bearer):
    fill(services, "hoa-hoc", 11, {"single_choice": {"nhan_biet": 3}})
    teacher = bearer(make_user("teacher"))
    wanted = {"kind": "exam_2025", "subject": "hoa-hoc", "grade": 11}
    preset = client.get("/api/v1/blueprints/presets", headers=teacher, params=wanted)
    assert preset.status_code == 200 and len(preset.json()["sections"]) == 3
    checked = client.post("/api/v1/blueprints/check", headers=teacher, json=preset.json()).json()
    assert checked["questions"] == 28 and checked["max_points"] == 10
    # 18 + 4 + 6 questions spread 40 / 30 / 30 by count, then weighed by their points
    assert checked["points_by_level"] == {"nhan_biet": 4.25, "thong_hieu": 3.0, "van_dung": 2.75}
    first = checked["shortages"][0]
    assert first["needed"] == 7 and first["found"] == 3 and "missing 4" in first["message"]
    small = {**preset.json(), "sections": [{**preset.json()["sections"][0],
                                            "rows": [{"counts": {"nhan_biet": 3}}]}]}  # fmt: skip
    assert (
        client.post("/api/v1/blueprints/check", headers=teacher, json=small).json()["shortages"]
        == []
    )
    bad = client.post("/api/v1/blueprints/check", headers=teacher, json={**small, "grade": 0})
    assert bad.status_code == 422 and "grade" in bad.text


def test_the_teacher_sees_who_joined_gives_a_new_code_and_closes_the_quiz(
    client, services, bank, make_user, bearer
):
    from tests.support.quiz import make_quiz, start

    teacher, student = make_user("teacher"), make_user("student")
    quiz, as_student = make_quiz(client, bearer(teacher)), bearer(student)
    attempt = start(client, quiz, as_student).json()
    sign_in(client, teacher)
    page = client.get(f"/bai-kiem-tra/{quiz['id']}")
    assert 'data-testid="participants"' in page.text and student.username in page.text
    assert page.text.count("data-confirm=") == 2  # both actions ask first
    assert quiz["link"] in page.text
    token = csrf_from(page.text)
    renewed = client.post(f"/bai-kiem-tra/{quiz['id']}/ma-moi", data={"csrf_token": token},
                          follow_redirects=False)  # fmt: skip
    assert renewed.status_code == 303
    page = client.get(f"/bai-kiem-tra/{quiz['id']}")
    assert quiz["code"] not in page.text and quiz["link"] not in page.text
    closed = client.post(f"/bai-kiem-tra/{quiz['id']}/dong", data={"csrf_token": token},
                         follow_redirects=False)  # fmt: skip
    assert closed.status_code == 303
    assert 'data-testid="quiz-closed"' in client.get(f"/bai-kiem-tra/{quiz['id']}").text
    # the open attempt was submitted with what it had saved, and no new one starts
    after = client.get(f"/api/v1/attempts/{attempt['id']}", headers=as_student).json()
    assert after["submitted"] is True
    other = client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=as_student)
    assert other.status_code == 409
    assert client.post(f"/bai-kiem-tra/{quiz['id']}/dong").status_code == 403  # no token


def test_another_teachers_quiz_pages_do_not_exist_for_a_teacher(
    client, services, bank, make_user, bearer
):
    from tests.support.quiz import make_quiz

    quiz = make_quiz(client, bearer(make_user("teacher")))
    sign_in(client, make_user("teacher"))
    token = csrf_from(client.get("/bai-kiem-tra/moi").text)
    for path in ("", "/de.zip"):
        assert client.get(f"/bai-kiem-tra/{quiz['id']}{path}").status_code == 404, path
    for path in ("/dong", "/ma-moi"):
        response = client.post(f"/bai-kiem-tra/{quiz['id']}{path}", data={"csrf_token": token})
        assert response.status_code == 404, path
