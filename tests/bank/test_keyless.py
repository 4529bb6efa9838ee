"""A question whose file gives no key is kept as a draft waiting for one (tagged, listed in the
report), so the teacher sets one field instead of typing the question again; nothing lets such
a draft be approved or reach a quiz, and every exporter either writes it as it is or names it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pydantic import ValidationError

from kholieu.bank.formats import reader_for, writer_for
from kholieu.bank.importer import NO_KEY
from kholieu.bank.models import Question, QuestionStatus
from kholieu.bank.schemas import NO_KEY_TAG, QuestionIn, first_error
from kholieu.bank.service import as_native
from kholieu.errors import ValidationFailed
from tests.support.docx import add

KEYLESS = [
    {"type": "single_choice", "stem": "Thủ đô của Việt Nam là", "options": ["Hà Nội", "Huế"]},
    {"type": "multiple_response", "stem": "Số nguyên tố?", "options": ["2", "4", "5"],
     "answer": []},
    {"type": "true_false_group", "stem": "Cho $y = x^2$.",
     "statements": ["Chẵn", "Có cực tiểu", "Đồng biến trên R", "Qua gốc"], "answer": None},
    {"type": "short_answer", "stem": "Tính $\\sqrt{2,25}$", "answer": "  "},
]  # fmt: skip


@pytest.mark.parametrize("data", KEYLESS, ids=lambda d: d["type"])
def test_a_draft_may_wait_for_its_key_and_nothing_else_may(data):
    draft = QuestionIn.model_validate(data)
    assert draft.keyless and draft.answer is None and draft.status == QuestionStatus.draft
    for status in ("ready", "changed"):
        with pytest.raises(ValidationError) as info:
            QuestionIn.model_validate({**data, "status": status})
        assert first_error(info.value).startswith(f"answer: a {status} question needs its key")


def test_a_keyless_draft_is_otherwise_checked_as_usual():
    def error(data: dict) -> str:
        with pytest.raises(ValidationError) as info:
            QuestionIn.model_validate(data)
        return first_error(info.value)

    single = KEYLESS[0]
    assert error({**single, "options": ["Hà Nội", " "]}) == "option B is empty"
    assert error({**single, "weights": [100, 0]}).startswith("weights: a question without its key")
    assert error({**KEYLESS[2], "statements": ["a", "b"]}).startswith("statements: exactly 4")
    assert error({**KEYLESS[3], "tolerance": 0.1}).startswith("tolerance: a question without")
    assert not QuestionIn.model_validate({"type": "essay", "stem": "Viết một đoạn văn"}).keyless


def test_the_bank_keeps_the_tag_and_refuses_to_approve_until_the_key_is_set(services, make_user):
    teacher, editor = make_user("teacher"), make_user("editor")
    with services.sessions.begin() as session:
        tagged = {**KEYLESS[0], "tags": ["dia-li"]}
        question = services.questions.create(session, teacher, QuestionIn.model_validate(tagged))
        assert question.tags == ["dia-li", NO_KEY_TAG]
        question_id = question.id
    with services.sessions.begin() as session:
        with pytest.raises(ValidationFailed) as info:
            services.questions.set_status(session, editor, question_id, QuestionStatus.ready)
        assert "no key" in info.value.message and "chưa có đáp án" in info.value.text.render("vi")
    with services.sessions.begin() as session:  # the teacher sets the key: the tag goes
        keyed = {**KEYLESS[0], "answer": 0, "tags": ["dia-li", NO_KEY_TAG]}
        question = services.questions.update(
            session, teacher, question_id, QuestionIn.model_validate(keyed)
        )
        assert question.tags == ["dia-li"]
    with services.sessions.begin() as session:
        services.questions.set_status(session, editor, question_id, QuestionStatus.ready)
    with services.sessions.begin() as session:  # an approved question cannot lose its key
        with pytest.raises(ValidationError):
            QuestionIn.model_validate({**KEYLESS[0], "status": "ready"})
        assert session.get(Question, question_id).status == "ready"


def test_a_teacher_cannot_save_an_approved_question_without_its_key(
    client, services, make_user, bearer
):
    teacher, editor = make_user("teacher"), make_user("editor")
    mine = client.post("/api/v1/questions", json={**KEYLESS[0], "answer": 1},
                       headers=bearer(teacher))  # fmt: skip
    assert mine.status_code == 201, mine.text
    question_id = mine.json()["id"]
    approve = client.post(f"/api/v1/questions/{question_id}/status", json={"status": "ready"},
                          headers=bearer(editor))  # fmt: skip
    assert approve.status_code == 200, approve.text
    for status in ("ready", "changed"):
        edit = client.put(f"/api/v1/questions/{question_id}", json={**KEYLESS[0], "status": status},
                          headers=bearer(teacher))  # fmt: skip
        assert edit.status_code == 422, edit.text
        assert "needs its key" in edit.text
    # As a draft it may lose its key; then it is no longer ready, so no quiz draws it.
    edit = client.put(f"/api/v1/questions/{question_id}", json=KEYLESS[0], headers=bearer(teacher))
    assert edit.status_code == 200, edit.text
    with services.sessions() as session:
        question = session.get(Question, question_id)
        assert question.status == "draft" and question.body["answer"] is None
    again = client.post(f"/api/v1/questions/{question_id}/status", json={"status": "ready"},
                        headers=bearer(editor))  # fmt: skip
    assert again.status_code == 422 and "no key" in again.text


def paper_without_keys(path: Path) -> Path:
    """A Word paper: one question keyed, one with nothing marked, a PHẦN III short answer
    without its key, and a true/false group with nothing underlined."""
    d = Document()
    add(d, ("PHẦN I. Câu trắc nghiệm nhiều phương án lựa chọn", {"bold": True}))
    add(d, ("Câu 1:", {"bold": True}), " Thủ đô của Việt Nam là")
    add(d, ("A.", {"underline": True}), " Hà Nội\t", "B. Huế\t", "C. Đà Nẵng\t", "D. Vinh")
    add(d, ("Câu 2:", {"bold": True}), " Sông dài nhất Việt Nam là")
    add(d, "A. sông Hồng\tB. sông Đồng Nai\tC. sông Mê Công\tD. sông Đà")
    add(d, ("PHẦN II. Câu trắc nghiệm đúng sai", {"bold": True}))
    add(d, ("Câu 1:", {"bold": True}), " Cho hàm số y = x².")
    for label, text in zip("abcd", ["Chẵn.", "Có cực tiểu.", "Đồng biến.", "Lẻ."], strict=True):
        add(d, f"{label}) {text}")
    add(d, ("PHẦN III. Câu trắc nghiệm trả lời ngắn", {"bold": True}))
    add(d, ("Câu 1:", {"bold": True}), " Tính căn bậc hai của 2,25.")
    d.save(path)
    return path


def test_a_paper_without_keys_comes_in_whole_with_each_draft_listed(services, make_user, tmp_path):
    editor = make_user("editor")
    path = paper_without_keys(tmp_path / "de-chua-co-dap-an.docx")
    report = services.importer.run([path], actor=editor, defaults={"status": "ready"})
    data = report.as_json()
    assert data["rejected"] == [] and data["imported"] == 4 and data["no_key"] == 3
    assert data["by_type"] == {"single_choice": 2, "true_false_group": 1, "short_answer": 1}
    warned = [(w["where"], w["warning"]) for w in data["warnings"]]
    assert [where for where, _ in warned] == ["PHẦN I Câu 2", "PHẦN II Câu 1", "PHẦN III Câu 1"]
    assert all(warning == NO_KEY for _, warning in warned)
    with services.sessions() as session:
        rows = [session.get(Question, i) for i in data["ids"]]
        kinds = {(q.type, q.status, q.body["answer"] is None, NO_KEY_TAG in q.tags) for q in rows}
    assert kinds == {
        ("single_choice", "ready", False, False),  # keyed: as the editor asked
        ("single_choice", "draft", True, True),
        ("true_false_group", "draft", True, True),
        ("short_answer", "draft", True, True),  # not an essay: PHẦN III holds short answers
    }


def test_a_spreadsheet_row_with_an_empty_key_cell_is_a_draft_waiting_for_it(services, tmp_path):
    path = tmp_path / "ngan-hang.csv"
    path.write_text(
        "type,stem,A,B,C,D,answer\n"
        "single_choice,Thủ đô của Việt Nam là,Hà Nội,Huế,Đà Nẵng,Vinh,A\n"
        "single_choice,Sông dài nhất Việt Nam là,sông Hồng,sông Đà,sông Mê Công,sông Cầu,\n"
        "true_false_group,Cho y = x².,Chẵn,Có cực tiểu,Đồng biến,Qua gốc,\n",
        encoding="utf-8",
    )
    data = services.importer.run([path]).as_json()
    assert data["rejected"] == [] and data["imported"] == 3 and data["no_key"] == 2
    assert [w["line"] for w in data["warnings"]] == [3, 4]


def test_an_option_that_looks_empty_is_imported_with_a_warning(services, tmp_path):
    path = tmp_path / "de.jsonl"
    path.write_text(
        '{"type": "single_choice", "stem": "Chọn câu đúng", "options": ["1", "…", "- -", "4"],'
        ' "answer": 0}\n',
        encoding="utf-8",
    )
    data = services.importer.run([path]).as_json()
    assert data["imported"] == 1
    assert [w["warning"] for w in data["warnings"]] == [
        "phương án B trông như để trống / option B looks empty",
        "phương án C trông như để trống / option C looks empty",
    ]


def stored(data: dict) -> dict:
    """A question as the bank exports it (native, with the tag the bank adds)."""
    question = QuestionIn.model_validate(data)
    row = Question(type=question.type.value, body=question.body(), **question.meta())
    row.tags = [*row.tags, NO_KEY_TAG] if question.keyless else row.tags
    return as_native(row)


@pytest.mark.parametrize("fmt", ["gift", "aiken", "moodle", "qti"])
def test_formats_that_cannot_say_no_key_name_the_draft_and_leave_it_out(fmt):
    questions = [stored({**KEYLESS[0], "answer": 0}), stored(KEYLESS[0])]
    notes = writer_for(fmt)(questions, io.BytesIO(), images=lambda sha: b"")
    assert notes == [f"{KEYLESS[0]['stem']}: chưa có đáp án / it has no key yet"]


@pytest.mark.parametrize(
    ("fmt", "suffix", "kinds"),
    [
        ("jsonl", ".jsonl", [q["type"] for q in KEYLESS]),
        ("csv", ".csv", [q["type"] for q in KEYLESS]),
        ("xlsx", ".xlsx", [q["type"] for q in KEYLESS]),
        # a paper cannot tell an unmarked multiple-response question from a single-choice one
        ("docx", ".docx", ["single_choice", "single_choice", "true_false_group", "short_answer"]),
    ],
)
def test_formats_that_can_write_a_draft_unkeyed_bring_it_back_unkeyed(fmt, suffix, kinds, tmp_path):
    buffer = io.BytesIO()
    assert writer_for(fmt)([stored(q) for q in KEYLESS], buffer, images=lambda sha: b"") == []
    path = tmp_path / f"xuat{suffix}"
    path.write_bytes(buffer.getvalue())
    records = list(reader_for(path)(path, lambda data, name: pytest.fail("no images")))
    assert [r.error for r in records] == [None] * len(KEYLESS)
    back = sorted((QuestionIn.model_validate(r.data) for r in records), key=lambda q: q.stem)
    wanted = sorted(zip(KEYLESS, kinds, strict=True), key=lambda pair: pair[0]["stem"])
    assert [(q.type.value, q.keyless) for q in back] == [(kind, True) for _, kind in wanted]


@pytest.mark.parametrize("fmt", ["gift", "aiken", "moodle", "qti", "csv", "xlsx", "docx"])
def test_a_body_not_as_the_bank_stores_it_is_named_and_the_rest_written(fmt):
    broken = {"type": "single_choice", "options": ["1", "2"], "answer": 0, "external_id": "hong"}
    fine = stored({**KEYLESS[0], "answer": 0})
    out = io.BytesIO()
    notes = writer_for(fmt)([broken, fine], out, images=lambda sha: b"")  # its stem is gone
    assert notes == ["hong: could not be written (KeyError: 'stem')"]
    assert out.getvalue()


def test_the_command_line_counts_the_drafts_and_prints_each_warning(tmp_path, settings):
    from tests.conftest import run_kholieu

    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": settings.database_url}
    path = paper_without_keys(tmp_path / "de.docx")
    result = run_kholieu("questions", "import", str(path), "--status", "ready", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "imported 4 (short_answer 1, single_choice 2, true_false_group 1), duplicates 0, "
        "rejected 0, without a key (drafts) 3"
    )
    warned = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warned) == 3 and all(line.startswith("de.docx:") for line in warned)
    assert all("chưa có đáp án" in line and "no key" in line for line in warned)
