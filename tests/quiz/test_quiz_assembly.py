"""Blueprints, presets and assembly into exam versions."""

from __future__ import annotations

import pytest

from kholieu.bank.models import Question
from kholieu.bank.schemas import QuestionIn
from kholieu.errors import ValidationFailed
from kholieu.quiz import blueprint as bp
from kholieu.quiz.assembly import AssemblyFailed, assemble, draw, key_text
from tests.support.bank import fill

FULL = {level: 20 for level in ("nhan_biet", "thong_hieu", "van_dung", "van_dung_cao")}


def bank_for(services, blueprint):
    counts = {s.type.value: FULL for s in blueprint.sections}
    fill(services, blueprint.subject, blueprint.grade, counts)


@pytest.mark.parametrize(
    ("preset", "questions", "minutes"),
    [(lambda: bp.exam_2025("toan"), 22, 90), (lambda: bp.exam_2025("vat-li"), 28, 50),
     (lambda: bp.exam_2025("lich-su"), 28, 50), (lambda: bp.exam_2025("tieng-anh"), 40, 50),
     (lambda: bp.periodic_7991("toan", 10), 21, 45)],
)  # fmt: skip
def test_every_preset_is_worth_ten_points_and_assembles(services, preset, questions, minutes):
    blueprint = preset()
    assert blueprint.max_points == 10
    assert sum(s.count for s in blueprint.sections) == questions
    assert blueprint.duration_min == minutes
    bank_for(services, blueprint)
    with services.sessions() as session:
        (version,) = assemble(session, blueprint, seed=1, versions=1)
    assert len(version.items) == questions
    assert len({i.question_id for i in version.items}) == questions


def test_the_2025_math_exam_has_the_official_parts():
    toan = bp.exam_2025("toan")
    parts = [(s.type.value, s.count, s.points_each) for s in toan.sections]
    assert parts == [("single_choice", 12, 0.25), ("true_false_group", 4, 1.0),
                     ("short_answer", 6, 0.5)]  # fmt: skip
    assert bp.points_by_level(bp.periodic_7991("vat-li", 11)) == {
        "nhan_biet": 4, "thong_hieu": 3, "van_dung": 3}  # fmt: skip


def test_24_versions_differ_and_their_keys_are_right(services):
    blueprint = bp.exam_2025("toan")
    bank_for(services, blueprint)
    with services.sessions() as session:
        versions = assemble(session, blueprint, seed=7, versions=24)
        questions = {q.id: q for q in session.query(Question)}
    assert [v.code for v in versions][:3] == ["101", "102", "103"]
    orders = {tuple((i.question_id, i.order) for i in v.items) for v in versions}
    assert len(orders) == 24
    first = {i.question_id for i in versions[0].items}
    for version in versions:
        assert {i.question_id for i in version.items} == first
        for item in version.items:
            question = questions[item.question_id]
            key = question.body.get("answer")
            if item.type == "single_choice":
                assert item.order[item.key] == key  # the letter shown is the right option
                assert key_text(item) in "ABCD"
            elif item.type == "true_false_group":
                assert item.order is None and item.key == key  # a–d stay in order
            elif item.type == "short_answer":
                assert item.key == key


def test_the_same_seed_gives_the_same_versions_and_another_seed_others(services):
    blueprint = bp.exam_2025("vat-li")
    bank_for(services, blueprint)
    with services.sessions() as session:
        a = assemble(session, blueprint, seed=3, versions=2)
        b = assemble(session, blueprint, seed=3, versions=2)
        c = assemble(session, blueprint, seed=4, versions=2)
        d = assemble(session, blueprint, seed=3, versions=2, same_questions=False)
    assert [v.items for v in a] == [v.items for v in b]
    assert [v.items for v in a] != [v.items for v in c]
    assert {i.question_id for i in d[0].items} != {i.question_id for i in d[1].items}


def test_pinned_options_stay_in_place(services):
    with services.sessions.begin() as session:
        for n in range(6):
            data = QuestionIn.model_validate({
                "type": "single_choice", "stem": f"Chọn đáp án đúng ({n * 11 + 1})",
                "options": ["x", "y", "z", "Cả ba đáp án trên"], "answer": 3, "pinned": [3],
                "subject": "toan", "grade": 10, "level": "nhan_biet", "status": "ready",
            })  # fmt: skip
            services.questions.create(session, None, data)
    blueprint = bp.parse({"title": "T", "subject": "toan", "grade": 10, "duration_min": 15,
                          "sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                                        "rows": [{"counts": {"NB": 6}}]}]})  # fmt: skip
    with services.sessions() as session:
        for version in assemble(session, blueprint, seed=5, versions=6):
            for item in version.items:
                assert item.order[3] == 3 and item.key == 3


def test_cells_the_bank_cannot_fill_are_each_named_with_what_is_missing(services):
    fill(services, "toan", 12, {"single_choice": {"nhan_biet": 2, "thong_hieu": 9},
                                "true_false_group": {"thong_hieu": 4}})  # fmt: skip
    blueprint = bp.parse({
        "title": "Giữa kì", "subject": "toan", "grade": 12, "duration_min": 45,
        "sections": [
            {"title": "PHẦN I", "type": "single_choice", "points_each": 0.25,
             "rows": [{"counts": {"nhận biết": 5, "thông hiểu": 4}}]},
            {"title": "PHẦN II", "type": "true_false_group", "points_each": 1,
             "rows": [{"topic": "Ứng dụng đạo hàm", "counts": {"thong_hieu": 2}}]},
        ]})  # fmt: skip
    with services.sessions() as session, pytest.raises(AssemblyFailed) as failed:
        draw(session, blueprint, seed=1)
    message = failed.value.message
    # each cell says what the bank has instead, in Vietnamese, levels by their names
    assert message.startswith("Ngân hàng chưa đủ câu hỏi cho ma trận đề. ")
    assert ("PHẦN I: cần 5 câu Nhận biết, ngân hàng có 2 (thiếu 3); ngân hàng có: Thông hiểu 9"
            in message)  # fmt: skip
    assert ("PHẦN II · chủ đề “Ứng dụng đạo hàm”: cần 2 câu Thông hiểu, ngân hàng có 0 (thiếu 2); "
            "ngân hàng không có câu Đúng/Sai nào của Toán 12, chủ đề “Ứng dụng đạo hàm”"
            ) in message  # fmt: skip
    assert "cần 4 câu" not in message  # that cell can be filled
    assert "nhan_biet" not in message and "thong_hieu" not in message
    first, second = failed.value.details["shortages"]
    assert first | {"message": ""} == {
        "section": 0, "row": 0, "level": "nhan_biet", "level_name": "Nhận biết", "needed": 5,
        "found": 2, "missing": 3, "available": {"nhan_biet": 2, "thong_hieu": 9}, "message": "",
    }  # fmt: skip
    assert second["available"] == {} and second["missing"] == 2


def test_near_duplicates_are_never_drawn_together(services):
    with services.sessions.begin() as session:
        for options in (["1", "2", "3", "4"], ["4", "3", "2", "1"]):  # the same question twice
            data = QuestionIn.model_validate({
                "type": "single_choice", "stem": "Số nào là số nguyên tố chẵn duy nhất?",
                "options": options, "answer": options.index("2"), "subject": "toan",
                "grade": 6, "level": "nhan_biet", "status": "ready"})  # fmt: skip
            services.questions.create(session, None, data)
    fill(services, "toan", 6, {"single_choice": {"nhan_biet": 1}})
    blueprint = bp.parse({"title": "T", "subject": "toan", "grade": 6, "duration_min": 15,
                          "sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                                        "rows": [{"counts": {"nhan_biet": 3}}]}]})  # fmt: skip
    with (
        services.sessions() as session,
        pytest.raises(AssemblyFailed, match=r"ngân hàng có 2 \(thiếu 1\)"),
    ):
        draw(session, blueprint, seed=2)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"subject": "toan-hoc"}, "subject"), ({"grade": 13}, "grade"),
     ({"versions": 2, "codes": ["101"]}, "codes"),
     ({"sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                     "rows": [{"counts": {"rất khó": 1}}]}]}, "sections.0.rows.0.counts")],
)  # fmt: skip
def test_bad_blueprints_name_the_field(change, field):
    data = {"title": "T", "subject": "toan", "grade": 10, "duration_min": 15,
            "sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                          "rows": [{"counts": {"nhan_biet": 1}}]}], **change}  # fmt: skip
    with pytest.raises(ValidationFailed) as failed:
        bp.parse(data)
    assert field in failed.value.message


def test_yaml_files_load_and_syntax_errors_give_the_line(tmp_path):
    good = tmp_path / "de.yaml"
    good.write_text(
        "title: Kiểm tra\nsubject: toan\ngrade: 12\nduration_min: 90\nsections:\n"
        "  - title: PHẦN I\n    type: single_choice\n    points_each: 0.25\n"
        "    rows:\n      - {topic: Ứng dụng đạo hàm, counts: {nhan_biet: 3, thong_hieu: 2}}\n"
    )
    assert bp.load(good).sections[0].count == 5
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nsections: [\n  - a\n")
    with pytest.raises(ValidationFailed, match="line"):
        bp.load(bad)


def test_versions_with_their_own_draws_are_balanced_on_difficulty(services):
    from sqlalchemy import update

    from kholieu.quiz.assembly import draw, mean_facility

    plan = bp.parse({"title": "T", "subject": "toan", "grade": 11, "duration_min": 15,
                     "sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                                   "rows": [{"counts": {"nhan_biet": 6}}]}]})  # fmt: skip
    ids = fill(services, "toan", 11, {"single_choice": {"nhan_biet": 60}})
    with services.sessions.begin() as session:  # half the bank easy, half hard
        session.execute(update(Question).where(Question.id.in_(ids[::2])).values(facility=0.9))
        session.execute(update(Question).where(Question.id.in_(ids[1::2])).values(facility=0.2))
    with services.sessions() as session:
        plain = [mean_facility(draw(session, plan, 100 + i)) for i in range(12)]
        versions = assemble(session, plan, seed=100, versions=12, same_questions=False)
        chosen = {q.id: q.facility for q in session.query(Question)}
    balanced = [sum(chosen[i.question_id] for i in v.items) / 6 for v in versions]
    spread = lambda xs: max(xs) - min(xs)  # noqa: E731
    assert spread(balanced) < spread(plain)
    assert all(abs(m - 0.55) <= 0.12 for m in balanced)
