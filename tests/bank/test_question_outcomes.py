"""Questions name learning outcomes (YCCĐ codes): checked against the catalogue by the API, the
editor and every import; written as ``yccd:CODE`` tags by formats with tags (and a column in
spreadsheets) so a round trip keeps them; the bank filters by them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from kholieu.audit.models import AuditEntry
from kholieu.bank.models import Question
from kholieu.bank.schemas import QuestionIn
from tests.support.outcome_rows import add_outcomes

SINGLE = {"type": "single_choice", "stem": "Tập xác định của hàm số $y = \\sqrt{x}$ là",
          "options": ["$[0; +\\infty)$", "$\\mathbb{R}$", "$(0; +\\infty)$"], "answer": 0,
          "subject": "toan", "grade": 10}  # fmt: skip
CODES = ["TOAN.10.HS.01", "TOAN.10.HS.02", "TOAN.10.TK.01"]
# What the catalogue says of each (the search page shows it beside the code)
TEXTS = {
    "TOAN.10.HS.01": "Nhận biết được những mô hình thực tế dẫn đến khái niệm hàm số.",
    "TOAN.10.HS.02": "Mô tả được các khái niệm cơ bản về hàm số.",
    "TOAN.10.TK.01": "Thu thập, phân loại dữ liệu theo các tiêu chí cho trước.",
}


@pytest.fixture
def outcomes(services):
    """A few catalogue rows, inserted directly (the seed is another module's)."""
    with services.sessions.begin() as session:
        add_outcomes(session, TEXTS)
    return CODES


@pytest.fixture
def people(make_user, bearer):
    users = {role: make_user(role) for role in ("student", "teacher", "editor")}
    return {role: bearer(user) for role, user in users.items()} | {"users": users}


def post(client, headers, data, **params):
    return client.post("/api/v1/questions", json=data, headers=headers, params=params)


# -- the API and the editor ----------------------------------------------------------------------
def test_codes_are_normalised_stored_and_sent_back(client, people, outcomes):
    made = post(client, people["teacher"], {**SINGLE, "yccd_codes": ["toan.10.hs.01 "],
                                            "tags": ["ham-so", "YCCĐ:Toan.10.HS.02"]})  # fmt: skip
    assert made.status_code == 201, made.text
    data = made.json()["data"]
    # the tag written yccd: became a code; the ordinary tag stayed a tag
    assert data["yccd_codes"] == ["TOAN.10.HS.01", "TOAN.10.HS.02"]
    assert data["tags"] == ["ham-so"]
    url = f"/api/v1/questions/{made.json()['id']}"
    edited = client.put(url, json={**SINGLE, "yccd_codes": ["TOAN.10.TK.01"]},
                        headers=people["teacher"])  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["yccd_codes"] == ["TOAN.10.TK.01"]
    # metadata, not content: the version stays (as for tags) and the change is in the history
    assert edited.json()["version"] == 1
    assert client.get(url, headers=people["teacher"]).json()["data"]["yccd_codes"] == [
        "TOAN.10.TK.01"
    ]


def test_the_history_records_a_change_of_outcomes(client, people, outcomes, services):
    made = post(client, people["teacher"], {**SINGLE, "yccd_codes": ["TOAN.10.HS.01"]}).json()
    client.put(f"/api/v1/questions/{made['id']}", json={**SINGLE, "yccd_codes": CODES[1:]},
               headers=people["teacher"])  # fmt: skip
    with services.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.target == f"question:{made['id']}")
        ).all()
    updated = [e for e in entries if e.action == "updated"]
    assert [e.detail.get("yccd_codes") for e in updated] == [CODES[1:]]


def test_an_unknown_code_is_refused_in_vietnamese_naming_it(client, people, outcomes, services):
    refused = post(client, people["teacher"], {**SINGLE, "yccd_codes": ["TOAN.10.HS.01",
                                                                        "TOAN.10.XX.99"]},
                   lang="vi")  # fmt: skip
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["message"] == "Không có trong danh mục yêu cầu cần đạt: TOAN.10.XX.99"
    assert error["details"]["field"] == "yccd_codes"
    assert error["details"]["unknown"] == ["TOAN.10.XX.99"]
    made = post(client, people["teacher"], SINGLE).json()
    tagged = {**SINGLE, "tags": ["yccd:SU.10.A.01"]}
    edit = client.put(f"/api/v1/questions/{made['id']}?lang=vi", json=tagged,
                      headers=people["teacher"])  # fmt: skip
    assert edit.status_code == 422 and "SU.10.A.01" in edit.json()["error"]["message"]
    with services.sessions() as session:  # nothing half-stored
        assert session.scalars(select(Question.yccd_codes)).all() == [[]]


def test_malformed_or_too_many_codes_name_the_field(client, people, outcomes):
    bad = post(client, people["teacher"], {**SINGLE, "yccd_codes": ["toán 10"]}, lang="vi")
    assert bad.status_code == 422
    assert "Yêu cầu cần đạt" in bad.json()["error"]["message"]
    assert "toán 10" in bad.json()["error"]["message"]
    many = post(client, people["teacher"], {**SINGLE, "yccd_codes": [f"X.{i:02d}" for i in
                                                                      range(21)]})  # fmt: skip
    assert many.status_code == 422
    assert any("yccd_codes" in d["field"] for d in many.json()["error"]["details"])


def test_students_cannot_reach_outcomes_of_questions(client, people, outcomes):
    made = post(client, people["teacher"], {**SINGLE, "yccd_codes": CODES[:1]}).json()
    assert client.get(f"/api/v1/questions?yccd={CODES[0]}",
                      headers=people["student"]).status_code == 403  # fmt: skip
    assert client.get(f"/api/v1/questions/{made['id']}",
                      headers=people["student"]).status_code == 403  # fmt: skip


def test_the_bank_filters_by_outcome_in_the_api_and_the_page(client, people, outcomes):
    first = post(client, people["editor"], {**SINGLE, "yccd_codes": CODES[:2]}).json()
    post(client, people["editor"], {**SINGLE, "stem": "Số trung bình của 1, 2, 3 là",
                                    "yccd_codes": CODES[2:]})  # fmt: skip
    post(client, people["editor"], {**SINGLE, "stem": "Câu chưa gắn yêu cầu cần đạt"})
    found = client.get("/api/v1/questions", params={"yccd": "toan.10.hs.02"},
                       headers=people["editor"]).json()  # fmt: skip
    assert [q["id"] for q in found["items"]] == [first["id"]] and found["total"] == 1
    assert client.get("/api/v1/questions", params={"yccd": "TOAN.11.HS.01"},
                      headers=people["editor"]).json()["total"] == 0  # fmt: skip
    assert client.get("/api/v1/questions", headers=people["editor"]).json()["total"] == 3
    exported = client.get("/api/v1/questions/export", headers=people["editor"],
                          params={"format": "jsonl", "yccd": CODES[2]})  # fmt: skip
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert [q["stem"] for q in lines] == ["Số trung bình của 1, 2, 3 là"]
    assert lines[0]["yccd_codes"] == [CODES[2]]


def test_the_editor_shows_the_outcome_field_and_the_bank_page_filters(
    client, services, outcomes, make_user
):
    editor = make_user("editor")
    data = QuestionIn.model_validate({**SINGLE, "yccd_codes": CODES[:2]})
    with services.sessions.begin() as session:
        qid = services.questions.create(session, editor, data).id
        services.questions.create(
            session, editor, QuestionIn.model_validate({**SINGLE, "stem": "Câu khác"})
        )
    _sign_in(client, editor.username)
    page = client.get(f"/cau-hoi/{qid}", headers={"accept": "text/html"})
    assert page.status_code == 200
    # the plain input (the picker script enhances it): comma-separated, the subject and grade
    assert 'name="yccd_codes" value="TOAN.10.HS.01, TOAN.10.HS.02"' in page.text
    assert "data-outcome-picker" in page.text and 'data-subject="toan"' in page.text
    assert 'data-grade="10"' in page.text
    blank = client.get("/cau-hoi/moi", headers={"accept": "text/html"})
    assert 'name="yccd_codes" value=""' in blank.text
    listed = client.get("/cau-hoi", params={"yccd": "toan.10.hs.01"},
                        headers={"accept": "text/html"})  # fmt: skip
    assert 'data-testid="bank-total">Tìm thấy 1 câu hỏi' in listed.text
    assert 'data-testid="yccd-filter"' in listed.text and 'value="toan.10.hs.01"' in listed.text
    assert 'href="/cau-hoi?yccd=TOAN.10.HS.01"' in listed.text  # a code on a card filters by it
    assert "Câu khác" not in listed.text


def test_the_editor_posts_codes_as_its_script_does(client, outcomes, make_user):
    """What question-editor.js sends: the field's text split at commas, through the session
    cookie and its CSRF header; an unknown code comes back naming the field."""
    teacher = make_user("teacher")
    _sign_in(client, teacher.username)
    page = client.get("/cau-hoi/moi", headers={"accept": "text/html"})
    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    typed = "toan.10.hs.01, TOAN.10.HS.02"
    body = {**SINGLE, "yccd_codes": [c.strip() for c in typed.split(",")]}
    saved = client.post("/api/v1/questions?duplicates=refuse", json=body,
                        headers={"x-csrf-token": token, "accept-language": "vi"})  # fmt: skip
    assert saved.status_code == 201, saved.text
    assert saved.json()["data"]["yccd_codes"] == CODES[:2]
    wrong = client.put(f"/api/v1/questions/{saved.json()['id']}?duplicates=refuse",
                       json={**body, "yccd_codes": ["TOAN.10.HS.77"]},
                       headers={"x-csrf-token": token, "accept-language": "vi"})  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"]["field"] == "yccd_codes"
    assert "TOAN.10.HS.77" in wrong.json()["error"]["message"]


def _sign_in(client, username: str) -> None:
    form = client.get("/login").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"username": username, "password": "mat-khau-123", "csrf_token": token}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


# -- imports -------------------------------------------------------------------------------------
GIFT = """// [tag:dai-so] [tag:YCCĐ:toan.10.hs.01]
::Câu 1::Tập xác định của $y=\\sqrt x$ là {=$[0;+\\infty)$ ~$\\mathbb R$}

// [yccd:TOAN.10.HS.02]
Hàm số $y = 2x + 1$ đồng biến trên {=$\\mathbb R$ ~$(0;+\\infty)$}
"""
MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Câu 1</text></name>
    <questiontext format="html"><text>Tập xác định của hàm số căn là</text></questiontext>
    <answer fraction="100"><text>[0; +∞)</text></answer>
    <answer fraction="0"><text>R</text></answer>
    <single>true</single>
    <tags><tag><text>ham-so</text></tag><tag><text>yccd:TOAN.10.HS.01</text></tag>
      <tag><text>YCCD:toan.10.tk.01</text></tag></tags>
  </question>
</quiz>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored(services, ids: list[int]) -> list[tuple[list[str], list[str]]]:
    with services.sessions() as session:
        rows = session.scalars(select(Question).where(Question.id.in_(ids)).order_by(Question.id))
        return [(row.yccd_codes, row.tags) for row in rows]


def test_gift_tags_and_comments_name_outcomes(services, outcomes, tmp_path):
    report = services.importer.run([_write(tmp_path, "de.gift", GIFT)])
    assert report.rejected == [] and report.imported == 2
    assert _stored(services, report.ids) == [(["TOAN.10.HS.01"], ["dai-so"]),
                                             (["TOAN.10.HS.02"], [])]  # fmt: skip


def test_moodle_xml_tags_name_outcomes(services, outcomes, tmp_path):
    report = services.importer.run([_write(tmp_path, "de.xml", MOODLE)])
    assert report.rejected == [] and report.imported == 1
    assert _stored(services, report.ids) == [(["TOAN.10.HS.01", "TOAN.10.TK.01"], ["ham-so"])]


@pytest.mark.parametrize("header", ["YCCĐ", "Yêu cầu cần đạt", "yccd"])
def test_a_spreadsheet_column_names_outcomes(services, outcomes, tmp_path, header):
    path = tmp_path / "de.csv"
    path.write_text(
        f"Câu hỏi,A,B,Đáp án,Thẻ,{header}\n"
        "Hàm số nào đồng biến?,y = x,y = -x,A,ham-so; yccd:TOAN.10.TK.01,"
        '"toan.10.hs.01, TOAN.10.HS.02"\n',
        encoding="utf-8",
    )
    report = services.importer.run([path])
    assert report.rejected == [] and report.imported == 1
    assert _stored(services, report.ids) == [
        (["TOAN.10.HS.01", "TOAN.10.HS.02", "TOAN.10.TK.01"], ["ham-so"])
    ]


def test_an_xlsx_column_names_outcomes(services, outcomes, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Câu hỏi", "A", "B", "Đáp án", "Mã YCCĐ"])
    sheet.append(["Hàm số nào đồng biến?", "y = x", "y = -x", "A", "YCCĐ:TOAN.10.HS.02"])
    path = tmp_path / "de.xlsx"
    book.save(path)
    report = services.importer.run([path])
    assert report.rejected == [] and report.imported == 1
    assert _stored(services, report.ids) == [(["TOAN.10.HS.02"], [])]


def test_an_unknown_code_rejects_its_question_with_file_and_line(services, outcomes, tmp_path):
    lines = [
        {**SINGLE, "yccd_codes": ["TOAN.10.HS.01"]},
        {**SINGLE, "stem": "Câu thứ hai", "yccd_codes": ["TOAN.10.HS.01", "TOAN.12.ZZ.09"]},
        {**SINGLE, "stem": "Câu thứ ba", "tags": ["yccd:LY.10.XX.01"]},
        {**SINGLE, "stem": "Câu thứ tư", "yccd_codes": ["toan.10.hs.02"]},
    ]
    path = _write(tmp_path, "ngan-hang.jsonl", "\n".join(json.dumps(q) for q in lines) + "\n")
    report = services.importer.run([path])
    assert report.imported == 2
    assert [(r["file"], r["line"]) for r in report.rejected] == [
        ("ngan-hang.jsonl", 2), ("ngan-hang.jsonl", 3)
    ]  # fmt: skip
    assert "TOAN.12.ZZ.09" in report.rejected[0]["error"]
    assert "TOAN.10.HS.01" not in report.rejected[0]["error"]  # only the unknown one is named
    assert "LY.10.XX.01" in report.rejected[1]["error"]
    assert "not in the learning-outcome catalogue" in report.rejected[0]["error"]
    assert _stored(services, report.ids) == [(["TOAN.10.HS.01"], []), (["TOAN.10.HS.02"], [])]


def test_a_malformed_code_in_a_file_is_reported_by_line(services, outcomes, tmp_path):
    path = _write(tmp_path, "de.gift", "// [tag:yccd:toán lớp 10]\nCâu hỏi {=Một ~Hai}\n")
    report = services.importer.run([path])
    assert report.imported == 0 and report.rejected[0]["line"] == 2  # the question's line
    assert "toán lớp 10" in report.rejected[0]["error"]


# Formats that carry codes: each exporter writes them back, and importing the export gives the
# same codes. Aiken has no tags (nor any metadata) and Word papers no tag lines: neither does.
CARRIERS = {"jsonl": "jsonl", "gift": "gift", "moodle": "xml", "qti": "zip", "xlsx": "xlsx",
            "csv": "csv"}  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(CARRIERS))
def test_import_export_import_keeps_the_codes(client, people, services, outcomes, tmp_path, fmt):
    made = post(client, people["editor"], {**SINGLE, "yccd_codes": CODES[:2],
                                           "tags": ["ham-so"], "external_id": "T10-1"})  # fmt: skip
    assert made.status_code == 201
    exported = client.get("/api/v1/questions/export", params={"format": fmt},
                          headers=people["editor"])  # fmt: skip
    assert exported.status_code == 200 and exported.headers["x-questions"] == "1"
    client.delete(f"/api/v1/questions/{made.json()['id']}", headers=people["editor"])
    path = tmp_path / f"xuat.{CARRIERS[fmt]}"
    path.write_bytes(exported.content)
    report = services.importer.run([path])
    assert report.rejected == [] and report.imported == 1
    assert _stored(services, report.ids) == [(CODES[:2], ["ham-so"])]
    if fmt in ("gift", "moodle", "qti"):  # written as tags there, read back as codes
        assert b"yccd:TOAN.10.HS.01" in _readable(exported.content, fmt)


def _readable(data: bytes, fmt: str) -> bytes:
    if fmt != "qti":
        return data
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("imsmanifest.xml")


def test_aiken_and_word_exports_leave_codes_out_without_failing(client, people, outcomes):
    post(client, people["editor"], {**SINGLE, "yccd_codes": CODES[:1]})
    for fmt in ("aiken", "docx"):
        exported = client.get("/api/v1/questions/export", params={"format": fmt},
                              headers=people["editor"])  # fmt: skip
        assert exported.status_code == 200 and exported.headers["x-questions"] == "1"


def test_the_command_line_exports_by_outcome(services, settings, outcomes, tmp_path):
    from tests.conftest import run_kholieu

    with services.sessions.begin() as session:
        for stem, codes in (("Câu có YCCĐ", CODES[:1]), ("Câu không có", [])):
            data = QuestionIn.model_validate({**SINGLE, "stem": stem, "yccd_codes": codes})
            services.questions.create(session, None, data)
    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": settings.database_url}
    out = tmp_path / "out.jsonl"
    result = run_kholieu("questions", "export", "--format", "jsonl", "--out", str(out),
                         "--yccd", CODES[0].lower(), env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(q["stem"], q["yccd_codes"]) for q in exported] == [("Câu có YCCĐ", CODES[:1])]
