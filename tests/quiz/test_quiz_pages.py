"""Teachers' quiz pages: create from a preset or a blueprint, share, preview, results."""

from __future__ import annotations

import html
import re
import subprocess

import docx

from tests.support.bank import fill
from tests.support.web import csrf_from, sign_in

FULL = {level: 12 for level in ("nhan_biet", "thong_hieu", "van_dung")}


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (what a teacher's viewer shows)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True)  # fmt: skip
    return done.stdout.decode()


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
    shown = re.search(r'data-testid="error-blueprint">([^<]*)<', short.text).group(1)
    assert short.status_code == 422 and "ngân hàng có 0" in shown
    assert "nhan_biet" not in shown and "missing" not in shown and "Nhận biết" in shown


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
    assert 'data-testid="print-form"' in page.text and 'name="school"' in page.text
    assert 'name="exam"' in page.text and 'type="date" name="date"' in page.text
    zipped = client.get(page_url + "/de.zip")
    assert zipped.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert "de-101.pdf" in names and "de-101.docx" in names and "dap-an.xlsx" in names
    # The print form's fields reach both papers' headers.
    fields = {"school": "TRƯỜNG THPT LÊ QUÝ ĐÔN", "exam": "Kiểm tra cuối học kì II",
              "date": "2026-05-12"}  # fmt: skip
    zipped = client.get(page_url + "/de.zip", params=fields)
    assert zipped.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    text = pdf_to_text(archive.read("de-101.pdf"))
    for expected in ("TRƯỜNG THPT LÊ QUÝ ĐÔN", "KIỂM TRA CUỐI HỌC KÌ II", "Ngày thi: 12/05/2026"):
        assert expected in text, expected
    word = docx.Document(io.BytesIO(archive.read("de-101.docx")))
    cells = "\n".join(c.text for c in word.tables[0].rows[0].cells)
    assert "TRƯỜNG THPT LÊ QUÝ ĐÔN" in cells and "Ngày thi: 12/05/2026" in cells
    assert "cong-thuc-dang-hinh.txt" not in archive.namelist()  # every formula is an equation
    # The exam's name left empty is the quiz's title, however long the title is.
    with services.sessions.begin() as session:
        session.query(Quiz).one().title = "Đề kiểm tra " + "rất dài " * 30
    zipped = client.get(page_url + "/de.zip", params={**fields, "exam": ""})
    assert zipped.status_code == 200
    text = pdf_to_text(zipfile.ZipFile(io.BytesIO(zipped.content)).read("de-101.pdf"))
    assert "ĐỀ KIỂM TRA RẤT DÀI" in text
    # A field refused: the quiz's page again, saying which and keeping what was typed.
    for bad, message in (({"school": "T" * 121}, "Tên trường: dài 121 ký tự, tối đa 120 ký tự."),
                         ({"date": "31/02/2026"}, "Ngày thi: “31/02/2026” không phải một ngày"),
                         ({"exam": "Thi\x07"}, "Tên kì thi: có ký tự điều khiển")):  # fmt: skip
        refused = client.get(page_url + "/de.zip", params={**fields, **bad},
                             headers={"Accept": "text/html"})  # fmt: skip
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("text/html")
        assert message in html.unescape(refused.text), bad
        assert 'data-testid="print-error"' in refused.text
        assert 'value="Kiểm tra cuối học kì II"' in refused.text or "exam" in bad
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


def test_the_printed_set_names_the_formulas_word_holds_as_pictures(client, services, make_user):
    """A formula latex2mathml cannot read (\\genfrac) is drawn in the Word paper, and a note in
    the zip names it, so the teacher knows which formula Word will not let them edit."""
    import io
    import zipfile

    from kholieu.bank.models import QuestionVersion

    ids = fill(services, "toan", 12, {t: FULL for t in ("single_choice", "true_false_group",
                                                         "short_answer")})  # fmt: skip
    with services.sessions.begin() as session:  # before any quiz has read them
        for row in session.query(QuestionVersion).filter(QuestionVersion.question_id.in_(ids)):
            if row.body.get("options"):
                row.body = {**row.body, "stem": r"Rút gọn $\genfrac{}{}{0}{}{a}{b}$ và $x^2$."}
    sign_in(client, make_user("teacher"))
    form = client.get("/bai-kiem-tra/moi")
    created = client.post("/bai-kiem-tra/moi", data={
        "csrf_token": csrf_from(form.text), "source": "exam_2025", "subject": "toan",
        "grade": "12", "mode": "exam"}, follow_redirects=False)  # fmt: skip
    zipped = client.get(created.headers["location"] + "/de.zip")
    assert zipped.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    note = archive.read("cong-thuc-dang-hinh.txt").decode()
    assert note.startswith("Trong đề Word, các công thức sau là hình")
    assert note.splitlines()[1:] == [r"$\genfrac{}{}{0}{}{a}{b}$"]
    word = docx.Document(io.BytesIO(archive.read("de-101.docx")))
    assert len(word.inline_shapes) == 12  # one picture in each of PHẦN I's twelve stems


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
    assert first["needed"] == 7 and first["found"] == 3 and first["missing"] == 4
    assert first["message"] == ("PHẦN I. Trắc nghiệm nhiều phương án lựa chọn: cần 7 câu Nhận "
                                "biết, ngân hàng có 3 (thiếu 4); ngân hàng không có câu Trắc "
                                "nghiệm nhiều phương án lựa chọn nào ở mức độ khác")  # fmt: skip
    assert first["level_name"] == "Nhận biết" and first["available"] == {"nhan_biet": 3}
    assert checked["level_names"] == {"nhan_biet": "Nhận biết", "thong_hieu": "Thông hiểu",
                                      "van_dung": "Vận dụng"}  # fmt: skip
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
