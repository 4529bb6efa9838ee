"""The question bank's core: per-type validation with located errors, sanitising, levels,
near duplicates, versions and where-used, permissions, and the importer's all-or-nothing rule."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from kholieu.bank import dedup
from kholieu.bank.formats import Parsed
from kholieu.bank.models import Question, QuestionStatus, QuestionVersion
from kholieu.bank.schemas import QuestionIn, first_error, level_code, number
from kholieu.errors import NotFound, PermissionDenied
from kholieu.search.models import OutboxEntry

SINGLE = {
    "type": "single_choice",
    "stem": "Nghiệm của phương trình $x^2-5x+6=0$ là",
    "options": ["$x=2; x=3$", "$x=1; x=6$", "$x=-2; x=-3$", "Vô nghiệm"],
    "answer": 0,
    "subject": "toan",
    "grade": 9,
}
GROUP = {
    "type": "true_false_group",
    "stem": "Cho hàm số $y=x^3-3x$.",
    "statements": ["Đồng biến trên $(1;+\\infty)$", "Có hai cực trị", "$y_{CĐ}=2$", "Qua gốc"],
    "answer": [True, True, True, False],
}


def error_of(data: dict) -> str:
    with pytest.raises(ValidationError) as info:
        QuestionIn.model_validate(data)
    return first_error(info.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": ["chỉ một"]}, "options: a single_choice question needs at least 2 options"),
        ({"answer": 4}, "answer: option 4 does not exist (0–3)"),
        ({"answer": True}, "answer: True is not an option index"),
        ({"options": ["a", " ", "c", "d"]}, "option B is empty"),
        ({"stem": "<p> </p>"}, "stem: the question has no text"),
        ({"statements": ["a"] * 4}, "statements: not used by a single_choice question"),
        ({"weights": [100, 0]}, "weights: 2 values for 4 options"),
        ({"subject": "toan-cao-cap"}, "subject: 'toan-cao-cap' is not a known subject"),
        ({"level": "rất khó"}, "'rất khó' is not a level"),
        ({"grade": 13}, "grade: Input should be less than or equal to 12"),
    ],
)
def test_single_choice_errors_name_the_field(change, message):
    assert message in error_of({**SINGLE, **change})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"statements": ["a", "b", "c"]}, "statements: exactly 4 statements a–d, not 3"),
        ({"answer": [True, False, True]}, "answer: four true/false values, one per statement"),
        ({"answer": [1, 0, 1, 1]}, "answer: four true/false values"),
        ({"statements": ["a", "b", "", "d"]}, "statement c is empty"),
    ],
)
def test_true_false_group_errors(change, message):
    assert message in error_of({**GROUP, **change})


def test_other_types_validate():
    multi = QuestionIn.model_validate(
        {"type": "multiple_response", "stem": "s", "options": ["a", "b", "c"], "answer": [2, 0]}
    )
    assert multi.answer == [0, 2]
    assert "an option is listed twice" in error_of({**multi.model_dump(), "answer": [0, 0]})
    short = QuestionIn.model_validate({"type": "short_answer", "stem": "s", "answer": -1.5})
    assert short.answer == "-1.5" and not short.fits_2025
    assert QuestionIn.model_validate(
        {"type": "short_answer", "stem": "s", "answer": "-1,5"}
    ).fits_2025
    assert "only a numeric answer can have a tolerance" in error_of(
        {"type": "short_answer", "stem": "s", "answer": "Hà Nội", "tolerance": 1}
    )
    assert "an essay is graded by hand" in error_of({"type": "essay", "stem": "s", "answer": "x"})


def test_rich_text_is_sanitised_and_math_kept():
    data = QuestionIn.model_validate(
        {
            **SINGLE,
            "stem": '<p onclick="x()">Tính $a<b$ <script>alert(1)</script>'
            '<img src="https://evil.example/t.png"><img src="/cau-hoi/anh/' + "a" * 64 + '"></p>',
        }
    )
    assert "script" not in data.stem and "onclick" not in data.stem and "evil" not in data.stem
    assert "$a&lt;b$" in data.stem and "/cau-hoi/anh/" + "a" * 64 in data.stem


@pytest.mark.parametrize(
    ("text", "code"),
    [("Nhận biết", "nhan_biet"), ("NB", "nhan_biet"), ("biết", "nhan_biet"), ("hiểu", "thong_hieu"),
     ("Thông hiểu", "thong_hieu"), ("vận dụng", "van_dung"), ("VẬN DỤNG CAO", "van_dung_cao"),
     ("van_dung_cao", "van_dung_cao"), (None, None)],
)  # fmt: skip
def test_levels_and_curriculum_2018_names(text, code):
    assert level_code(text) == code


def test_short_answer_numbers_read_comma_decimals():
    assert number("-1,5") == -1.5 and number("-1.5") == -1.5 and number("12") == 12
    assert number("1,2,3") is None and number("abc") is None


def sig(data: dict) -> dedup.Signature:
    q = QuestionIn.model_validate(data)
    return dedup.signature(q.type.value, q.body())


def test_duplicates_ignore_order_case_spacing_and_markup():
    a = sig(SINGLE)
    shuffled = {**SINGLE, "options": SINGLE["options"][::-1], "answer": 3}
    shuffled["stem"] = "<p>NGHIỆM của  phương trình $x^2-5x+6=0$ là:</p>"
    assert dedup.similar(a, sig(shuffled)) == 1.0


def test_a_small_wording_change_is_a_near_duplicate_but_another_number_is_not():
    a = sig(
        {**SINGLE, "stem": "Tập nghiệm của phương trình bậc hai $x^2-5x+6=0$ là tập nào sau đây"}
    )
    reworded = sig(
        {**SINGLE, "stem": "Tập nghiệm của phương trình bậc hai $x^2-5x+6=0$ là tập nào dưới đây"}
    )
    other = sig(
        {**SINGLE, "stem": "Tập nghiệm của phương trình bậc hai $x^2-5x+4=0$ là tập nào sau đây"}
    )
    assert 0.9 < dedup.similar(a, reworded) < 1
    assert dedup.similar(a, other) is None
    capital = {**SINGLE, "stem": "Thủ đô của Việt Nam là", "options": ["Hà Nội", "Viêng Chăn"]}
    assert dedup.similar(sig(capital), sig({**capital, "stem": "Thủ đô của Lào là"})) is None
    index = dedup.DuplicateIndex(lambda _: None)
    index.add_signature(7, a)
    assert index.find(reworded)[0] == 7 and index.find(other) is None


def test_versions_edit_in_place_until_used_then_new_version(services, make_user):
    editor = make_user("editor")
    bank = services.questions
    with services.sessions.begin() as session:
        q = bank.create(session, editor, QuestionIn.model_validate(SINGLE))
        qid = q.id
    with services.sessions.begin() as session:
        bank.update(
            session, editor, qid, QuestionIn.model_validate({**SINGLE, "stem": "Sửa lần 1"})
        )
    with services.sessions.begin() as session:
        q = bank.get(session, editor, qid)
        assert q.version == 1 and bank.version(session, qid, 1).body["stem"] == "Sửa lần 1"
        bank.mark_used(session, q.id, q.version, "quiz", "quiz:1", "Kiểm tra 15 phút")
    with services.sessions.begin() as session:
        bank.update(
            session, editor, qid, QuestionIn.model_validate({**SINGLE, "stem": "Sửa lần 2"})
        )
    with services.sessions() as session:
        assert bank.get(session, editor, qid).version == 2
        assert bank.version(session, qid, 1).body["stem"] == "Sửa lần 1"  # what the quiz showed
        assert bank.version(session, qid, 2).body["stem"] == "Sửa lần 2"
        uses = bank.where_used(session, qid)
        assert [(u.ref, u.version) for u in uses] == [("quiz:1", 1)]
        outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.index == "questions"))
        assert {row.doc_id for row in outbox} == {str(qid)}


def test_who_may_do_what(services, make_user):
    bank = services.questions
    teacher, other, student = make_user("teacher"), make_user("teacher"), make_user("student")
    editor = make_user("editor")
    with services.sessions.begin() as session:
        qid = bank.create(session, teacher, QuestionIn.model_validate(SINGLE)).id
        with pytest.raises(PermissionDenied):
            bank.create(session, student, QuestionIn.model_validate(SINGLE))
        with pytest.raises(PermissionDenied, match="only editors may add ready"):
            bank.create(session, teacher, QuestionIn.model_validate({**SINGLE, "status": "ready"}))
        with pytest.raises(PermissionDenied, match="the question bank is for teachers"):
            bank.get(session, student, qid)
        ready = bank.create(
            session, editor, QuestionIn.model_validate({**GROUP, "status": "ready"})
        )
        with pytest.raises(PermissionDenied, match="only the questions they added"):
            bank.update(session, other, ready.id, QuestionIn.model_validate(GROUP))
        with pytest.raises(PermissionDenied):
            bank.set_status(session, teacher, qid, QuestionStatus.ready)
    with services.sessions() as session:  # a teacher's draft is not another teacher's to see
        with pytest.raises(NotFound, match="no question"):
            bank.get(session, other, qid)
        assert bank.get(session, teacher, qid).id == qid


def parsed(*records: dict | str) -> list[Parsed]:
    return [
        Parsed("t.jsonl", i, data=r) if isinstance(r, dict) else Parsed("t.jsonl", i, error=r)
        for i, r in enumerate(records, start=1)
    ]


def test_import_keeps_the_good_reports_the_bad_and_skips_duplicates(services):
    report = services.importer.run_records(
        parsed(SINGLE, {**SINGLE, "answer": 9}, "not valid JSON", GROUP, dict(SINGLE)),
        defaults={"subject": "toan", "grade": 12},
    )
    assert report.imported == 2 and report.by_type == {"single_choice": 1, "true_false_group": 1}
    assert [r["line"] for r in report.rejected] == [2, 3]
    assert report.rejected[0]["error"] == "answer: option 9 does not exist (0–3)"
    assert report.duplicates == [
        {"file": "t.jsonl", "line": 5, "question": report.ids[0], "similarity": 1.0}
    ]
    with services.sessions() as session:
        grades = dict(session.execute(select(Question.type, Question.grade)).all())
        assert grades == {"single_choice": 9, "true_false_group": 12}  # file beats default
    again = services.importer.run_records(parsed(GROUP), on_duplicate="link")
    assert again.imported == 0 and again.ids == report.ids[1:]
    kept = services.importer.run_records(parsed(GROUP), on_duplicate="keep")
    assert kept.imported == 1


def test_external_ids_are_checked_against_the_bank_and_the_file(services):
    with services.sessions.begin() as session:
        existing = services.questions.create(
            session, None, QuestionIn.model_validate({**GROUP, "external_id": "X1"})
        ).id
    records = parsed(
        {**SINGLE, "stem": "Câu một", "external_id": "X1"},
        {**SINGLE, "stem": "Câu hai", "external_id": "X2"},
        {**SINGLE, "stem": "Câu ba", "external_id": "X2"},
    )
    report = services.importer.run_records(records)
    assert report.imported == 1
    assert [r["error"] for r in report.rejected] == [
        f"external_id 'X1' is already question {existing}",
        "external_id 'X2' is already line 2 of t.jsonl",
    ]


def test_a_question_the_database_refuses_is_reported_and_its_batch_mates_kept(
    services, monkeypatch
):
    # Another import stores "X1" after this one read the bank's external ids: the database's
    # unique constraint refuses the batch, which is then written one question at a time.
    monkeypatch.setattr(services.questions, "external_ids", lambda session: {})
    with services.sessions.begin() as session:
        services.questions.create(
            session, None, QuestionIn.model_validate({**GROUP, "external_id": "X1"})
        )
    records = parsed(
        {**SINGLE, "stem": "Câu một"}, {**SINGLE, "stem": "Câu hai", "external_id": "X1"},
        {**SINGLE, "stem": "Câu ba"},
    )  # fmt: skip
    report = services.importer.run_records(records)
    assert report.imported == 2
    assert [r["line"] for r in report.rejected] == [2]
    assert "external_id 'X1' is already question" in report.rejected[0]["error"]
    with services.sessions() as session:
        assert session.scalar(select(func.count(Question.id))) == 3
        assert session.scalar(select(func.count(QuestionVersion.id))) == 3


def test_cli_import_and_export_round_trip(tmp_path, settings):
    from tests.conftest import run_kholieu

    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": settings.database_url}
    source = tmp_path / "bank.jsonl"
    source.write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in (SINGLE, GROUP)) + "\n{bad\n",
        encoding="utf-8",
    )
    result = run_kholieu(
        "questions", "import", str(source), "--json", "--grade", "12", "--status", "ready", env=env
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["imported"] == 2 and report["rejected"][0]["line"] == 3
    assert "importing" in result.stderr  # the progress bar
    out = tmp_path / "out.jsonl"
    result = run_kholieu("questions", "export", "--format", "jsonl", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [q["type"] for q in exported] == ["single_choice", "true_false_group"]
    assert exported[1]["grade"] == 12 and exported[0]["grade"] == 9
    assert {q["status"] for q in exported} == {"ready"}
    result = run_kholieu("questions", "export", "--format", "pdf", "--out", str(out), env=env)
    assert result.returncode == 2 and "Không có định dạng xuất “pdf”" in result.stderr
