"""The quiz form (/bai-kiem-tra/moi) has a field for every setting of the quiz API, checks each
field by itself (every problem beside its own field, what was typed kept), reads times in
Vietnam time, and calls the same service as ``POST /api/v1/quizzes``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from kholieu.db.base import aware
from kholieu.quiz.models import Quiz
from tests.support.bank import fill
from tests.support.web import csrf_from, sign_in

PLAN = ("title: Kiểm tra 15 phút\nsubject: hoa-hoc\ngrade: 11\nduration_min: 15\n"
        "sections:\n  - title: PHẦN I\n    type: single_choice\n    points_each: 1\n"
        "    rows:\n      - counts: {nhan_biet: 3}\n")  # fmt: skip


def _post(client, **fields):
    form = client.get("/bai-kiem-tra/moi")
    data = {"csrf_token": csrf_from(form.text), "source": "yaml", "blueprint": PLAN,
            "mode": "exam", **fields}  # fmt: skip
    return client.post("/bai-kiem-tra/moi", data=data, follow_redirects=False)


def _beside(html: str, field: str) -> str:
    """The problem shown in ``field``'s own block (label, input, hint, problem), which the
    input names in aria-describedby."""
    block = re.search(rf'<div class="field[^"]*">(?:(?!<div class="field).)*name="{field}"'
                      rf'(?:(?!<div class="field).)*', html, re.S)  # fmt: skip
    assert block, f"no field block holds {field}"
    entry = re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', block.group(0))
    assert re.search(rf'aria-describedby="[^"]*loi-{field}"', entry.group(0)), entry.group(0)
    assert 'aria-invalid="true"' in entry.group(0)
    found = re.search(rf'id="loi-{field}"[^>]*>([^<]+)<', block.group(0))
    assert found, f"no problem beside {field}"
    return found.group(1)


def test_the_form_has_a_field_for_every_setting(client, make_user):
    sign_in(client, make_user("teacher"))
    page = client.get("/bai-kiem-tra/moi").text
    for name in ("title", "source", "subject", "grade", "blueprint", "mode", "minutes",
                 "max_attempts", "grading", "review", "opens_at", "closes_at", "versions",
                 "codes", "shuffle_questions", "shuffle_options", "partial_multiple", "pool",
                 "seed", "practice_checks"):  # fmt: skip
        assert f'name="{name}"' in page, name
    assert 'type="datetime-local"' in page and "giờ Việt Nam" in page
    assert 'class="field-error"' not in page  # an empty form shows no problem


def test_every_wrong_field_is_told_beside_it_and_what_was_typed_stays(client, services, make_user):
    fill(services, "hoa-hoc", 11, {"single_choice": {"nhan_biet": 3}})
    sign_in(client, make_user("teacher"))
    bad = _post(client, title="Kiểm tra 15 phút", max_attempts="0", minutes="999",
                versions="2", codes="A1, A1", opens_at="2026-12-10T09:00",
                closes_at="2026-12-10T08:00", seed="-3", practice_checks="9")  # fmt: skip
    assert bad.status_code == 422
    html = bad.text
    assert "Số lần làm bài phải là số nguyên từ 1 đến 100" in _beside(html, "max_attempts")
    assert "từ 1 đến 360 phút" in _beside(html, "minutes")
    assert "Mã đề A1 bị lặp" in _beside(html, "codes")
    assert "Giờ đóng bài phải sau giờ mở bài" in _beside(html, "closes_at")
    assert "Số trộn đề" in _beside(html, "seed")
    assert "từ 0 đến 5" in _beside(html, "practice_checks")
    assert 'id="loi-opens_at"' not in html and 'id="loi-versions"' not in html
    # what was typed is kept, every field of it
    for name, value in (("max_attempts", "0"), ("minutes", "999"), ("codes", "A1, A1"),
                        ("opens_at", "2026-12-10T09:00"), ("closes_at", "2026-12-10T08:00"),
                        ("title", "Kiểm tra 15 phút")):  # fmt: skip
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', html), name
    assert "subject: hoa-hoc" in html  # the matrix too
    with services.sessions() as session:
        assert session.query(Quiz).count() == 0  # nothing half-stored

    few = _post(client, versions="3", codes="101, 102")
    assert "Cần đúng 3 mã đề" in _beside(few.text, "codes")
    pool = _post(client, pool="everything", seed="--3")
    assert "Số trộn đề" in _beside(pool.text, "seed") and _beside(pool.text, "pool")
    text = _post(client, max_attempts="hai", opens_at="ngày mai")
    assert "số nguyên" in _beside(text.text, "max_attempts")
    assert "Giờ mở bài" in _beside(text.text, "opens_at")
    not_a_grade = client.post("/bai-kiem-tra/moi", data={
        "csrf_token": csrf_from(client.get("/bai-kiem-tra/moi").text), "source": "exam_2025",
        "subject": "toan", "grade": "mười"}, follow_redirects=False)  # fmt: skip
    assert not_a_grade.status_code == 422 and "Lớp phải là số" in _beside(not_a_grade.text, "grade")


def test_a_short_bank_is_told_beside_the_matrix(client, make_user):
    sign_in(client, make_user("teacher"))
    short = _post(client)
    assert short.status_code == 422
    assert 'id="loi-blueprint"' in short.text and "PHẦN I" in short.text


def test_the_settings_typed_are_the_quizs_in_vietnam_time(client, services, make_user):
    fill(services, "hoa-hoc", 11, {"single_choice": {"nhan_biet": 3}})
    sign_in(client, make_user("teacher"))
    made = _post(client, title="Hoá 11 – 15 phút", mode="exam", minutes="20", max_attempts="2",
                 grading="last", review="after_close", versions="2", codes="A1, B2",
                 opens_at="2026-12-10T07:30", closes_at="2026-12-10T09:00",
                 shuffle_questions="0", shuffle_options="1", partial_multiple="1",
                 pool="bank", seed="42", practice_checks="3")  # fmt: skip
    assert made.status_code == 303, made.text
    with services.sessions() as session:
        quiz = session.query(Quiz).one()
        assert (quiz.title, quiz.time_limit_s, quiz.max_attempts, quiz.grading, quiz.review,
                quiz.seed, quiz.practice_checks) == ("Hoá 11 – 15 phút", 1200, 2, "last",
                                                     "after_close", 42, 3)  # fmt: skip
        # 07:30 in Hà Nội is 00:30 UTC
        assert aware(quiz.opens_at) == datetime(2026, 12, 10, 0, 30, tzinfo=UTC)
        assert aware(quiz.closes_at) == datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
        assert [v["code"] for v in quiz.versions] == ["A1", "B2"]
        plan = quiz.blueprint
        assert plan["source"] == "bank" and plan["partial_multiple"] is True
        assert [s["shuffle_questions"] for s in plan["sections"]] == [False]
        assert [s["shuffle_options"] for s in plan["sections"]] == [True]
    page = client.get(made.headers["location"]).text
    settings = re.search(r'data-testid="quiz-settings">(.*?)</p>', page, re.S).group(1)
    assert "Số lần làm: 2" in settings and "sau khi bài đóng" in settings
    assert "Mở lúc 07:30 10/12/2026" in settings and "Đóng lúc 09:00 10/12/2026" in settings
    assert "A1, B2" in page


def test_a_blank_form_keeps_the_services_defaults(client, services, make_user):
    """Blank time and attempts: an exam takes the matrix's duration and one attempt."""
    fill(services, "hoa-hoc", 11, {"single_choice": {"nhan_biet": 3}})
    sign_in(client, make_user("teacher"))
    assert _post(client).status_code == 303
    with services.sessions() as session:
        quiz = session.query(Quiz).one()
        assert (quiz.time_limit_s, quiz.max_attempts, quiz.opens_at) == (15 * 60, 1, None)
        assert [v["code"] for v in quiz.versions] == ["101"]


def test_the_api_tells_every_wrong_setting_by_field(client, make_user, bearer):
    teacher = bearer(make_user("teacher"))
    section = {"title": "I", "type": "single_choice", "points_each": 1,
               "rows": [{"counts": {"nhan_biet": 1}}]}  # fmt: skip
    plan = {"title": "x", "subject": "toan", "grade": 12, "duration_min": 10, "versions": 2,
            "codes": ["101"], "sections": [section]}  # fmt: skip
    response = client.post("/api/v1/quizzes?lang=vi", headers=teacher, json={
        "blueprint": plan, "max_attempts": 0, "review": "sometimes",
        "opens_at": "2026-12-10T09:00:00+07:00",
        "closes_at": "2026-12-10T08:00:00+07:00"})  # fmt: skip
    assert response.status_code == 422
    error = response.json()["error"]
    fields = error["details"]["fields"]
    assert set(fields) == {"max_attempts", "review", "closes_at", "blueprint.codes"}
    assert error["message"] == fields[error["details"]["field"]]
    assert fields["blueprint.codes"] == "Cần đúng 2 mã đề (mỗi đề một mã), đang có 1."
    bare = client.post("/api/v1/quizzes", headers=teacher, json={
        "blueprint": plan | {"codes": None}, "opens_at": "2026-12-10T09:00:00"})  # fmt: skip
    assert bare.json()["error"]["details"]["fields"] == {
        "opens_at": "Giờ mở bài không phải một ngày giờ hợp lệ."
    }  # a time without its offset


def test_the_form_and_its_problems_in_english(client, services, make_user):
    fill(services, "hoa-hoc", 11, {"single_choice": {"nhan_biet": 3}})
    sign_in(client, make_user("teacher"))
    page = client.get("/bai-kiem-tra/moi?lang=en").text
    for words in ("Attempts allowed", "Number of versions (mã đề)", "When the quiz is open "
                  "(Vietnam time)", "Never show the answers", "Shuffle the questions"):  # fmt: skip
        assert words in page, words
    bad = _post(client, max_attempts="0")
    assert "The quiz was not created: correct the fields marked below." in bad.text
