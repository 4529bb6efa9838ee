"""The catalogue over HTTP: the picker's search (with and without diacritics), one outcome,
import (editors only) and export; content naming outcomes the catalogue does not hold."""

from __future__ import annotations

import pytest

from tests.support.outcomes import add_outcomes, seed_outcomes
from tests.support.web import csrf_from, sign_in

CSV = "code,subject,grade,strand,text\nTOAN.10.VT.99,toan,10,Vectơ,Nêu được vectơ thử.\n"


@pytest.fixture
def seeded(services):
    seed_outcomes(services)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize("q", ["hàm số", "ham so", "HAM SO", "Hàm Số"])
def test_search_with_and_without_diacritics(client, seeded, q):
    found = codes(client.get("/api/v1/outcomes", params={"q": q, "subject": "toan", "grade": 10}))
    assert found and all(code.startswith("TOAN.10.") for code in found)
    assert "TOAN.10.HS.02" in found


@pytest.mark.parametrize("q", ["đạo hàm", "dao ham"])
def test_d_folds_to_d(client, seeded, q):
    response = client.get("/api/v1/outcomes", params={"q": q, "grade": 11, "limit": 50})
    found = codes(response)
    assert "TOAN.11.DH.02" in found  # "Nhận biết được định nghĩa đạo hàm…"
    body = response.json()
    assert body["total"] >= len(found) and set(body["items"][0]) >= {
        "code", "subject", "grade", "strand", "text"}  # fmt: skip


def test_every_word_must_match(client, seeded):
    both = codes(client.get("/api/v1/outcomes", params={"q": "tiep tuyen duong tron"}))
    assert both == ["TOAN.10.TD.12"]  # "…phương trình tiếp tuyến của đường tròn…"
    assert codes(client.get("/api/v1/outcomes", params={"q": "tiep tuyen zzzz"})) == []


def test_a_code_comes_first_and_its_beginning_finds_its_strand(client, seeded):
    assert codes(client.get("/api/v1/outcomes", params={"q": "toan.12.nhtp.03"}))[0] == (
        "TOAN.12.NHTP.03"
    )
    found = codes(client.get("/api/v1/outcomes", params={"q": "VATLI.11.DD", "limit": 100}))
    assert found[:9] == [f"VATLI.11.DD.{n:02d}" for n in range(1, 10)]


def test_exact_diacritics_rank_before_folded_matches(client, services):
    add_outcomes(services, "A.1", text="Nêu được ba ma trận.")  # "ba ma" folded only
    add_outcomes(services, "A.2", text="Nêu được bà mã.")  # the words as typed
    assert codes(client.get("/api/v1/outcomes", params={"q": "bà mã"})) == ["A.2", "A.1"]
    assert codes(client.get("/api/v1/outcomes", params={"q": "ba ma"})) == ["A.1", "A.2"]


def test_filters_and_limits(client, seeded):
    only = codes(client.get("/api/v1/outcomes", params={"q": "dao dong", "subject": "Vật lý"}))
    assert only and all(code.startswith("VATLI.") for code in only)
    assert len(codes(client.get("/api/v1/outcomes", params={"limit": 5}))) == 5
    assert client.get("/api/v1/outcomes", params={"limit": 101}).status_code == 422
    assert client.get("/api/v1/outcomes", params={"grade": 13}).status_code == 422
    assert client.get("/api/v1/outcomes", params={"subject": "thiên văn"}).status_code == 422
    assert client.get("/api/v1/outcomes", params={"q": "x" * 201}).status_code == 422


def test_one_outcome(client, seeded):
    got = client.get("/api/v1/outcomes/toan.10.hs.01")
    assert got.status_code == 200 and got.json()["strand"] == "Hàm số, đồ thị và ứng dụng"
    assert client.get("/api/v1/outcomes/TOAN.99.X.01").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("student", 403), ("teacher", 403), ("editor", 200),
                                              ("admin", 200)])  # fmt: skip
def test_only_editors_import(client, make_user, bearer, role, status):
    files = {"file": ("yccd.csv", CSV.encode(), "text/csv")}
    response = client.post("/api/v1/outcomes/import", files=files, headers=bearer(make_user(role)))
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "retired": 0}
    found = client.get("/api/v1/outcomes/TOAN.10.VT.99")
    assert found.status_code == (200 if status == 200 else 404)


def test_visitors_cannot_import_and_a_student_cookie_needs_more_than_a_form(client, make_user):
    files = {"file": ("yccd.csv", CSV.encode(), "text/csv")}
    assert client.post("/api/v1/outcomes/import", files=files).status_code == 401
    sign_in(client, make_user("student"))
    token = csrf_from(client.get("/login").text)
    page_post = client.post("/yccd/nhap", files=files, data={"csrf_token": token})
    assert page_post.status_code == 403
    api_post = client.post("/api/v1/outcomes/import", files=files, headers={"X-CSRF-Token": token})
    assert api_post.status_code == 403
    assert client.get("/api/v1/outcomes/TOAN.10.VT.99").status_code == 404


def test_a_refused_import_is_a_422_with_every_row(client, make_user, bearer):
    bad = CSV + "TOAN.10.VT.98,toan,15,Vectơ,Lớp sai.\nTOAN.10.VT.97,toan,10,,Thiếu mạch.\n"
    response = client.post("/api/v1/outcomes/import", headers=bearer(make_user("editor")),
                           files={"file": ("yccd.csv", bad.encode(), "text/csv")})  # fmt: skip
    assert response.status_code == 422
    errors = response.json()["error"]["details"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "grade"), (4, "strand")]
    assert errors[0]["message"].startswith("Line 3, column grade: ")  # the API asks in English
    assert client.get("/api/v1/outcomes/TOAN.10.VT.99").status_code == 404  # nothing stored


def test_export_for_anyone_signed_in_or_not(client, seeded, make_user, bearer):
    csv = client.get("/api/v1/outcomes/export", params={"format": "csv", "subject": "vat-li",
                                                        "grade": 12})  # fmt: skip
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="yeu-cau-can-dat-vat-li-lop-12.csv"' in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code,subject,grade,strand,text,position,retired"
    assert all(line.startswith("VATLI.12.") for line in lines[1:])
    as_json = client.get("/api/v1/outcomes/export", params={"format": "json"},
                         headers=bearer(make_user("student")))  # fmt: skip
    assert as_json.status_code == 200 and len(as_json.json()) >= 250
    assert client.get("/api/v1/outcomes/export", params={"format": "xml"}).status_code == 422


# -- content naming outcomes ------------------------------------------------------------------
LECTURE = {"kind": "lecture", "title": "Đạo hàm", "subject": "toan", "grade": 11, "body": "x"}


def test_content_with_an_unknown_code_is_refused_naming_it(client, seeded, make_user, bearer):
    headers = bearer(make_user("editor"))
    sent = {**LECTURE, "yccd_codes": ["toan.11.dh.02", "TOAN.11.DH.77"]}
    made = client.post("/api/v1/content", headers=headers, json=sent)
    assert made.status_code == 422
    error = made.json()["error"]
    assert "TOAN.11.DH.77" in error["message"] and error["details"]["unknown"] == ["TOAN.11.DH.77"]
    bad = client.post("/api/v1/content", headers=headers,
                      json={**LECTURE, "yccd_codes": ["đạo hàm"]})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "yccd_codes"
    good = client.post("/api/v1/content", headers=headers,
                       json={**LECTURE, "yccd_codes": ["toan.11.dh.02"]})  # fmt: skip
    assert good.status_code == 201 and good.json()["yccd_codes"] == ["TOAN.11.DH.02"]
    item = good.json()["id"]
    patched = client.patch(f"/api/v1/content/{item}", headers=headers,
                           json={"yccd_codes": ["TOAN.11.DH.02", "TOAN.11.XX.01"]})  # fmt: skip
    assert patched.status_code == 422 and "TOAN.11.XX.01" in patched.json()["error"]["message"]
    assert client.get(f"/api/v1/content/{item}", headers=headers).json()["yccd_codes"] == [
        "TOAN.11.DH.02"]  # fmt: skip


def test_codes_an_item_held_before_the_catalogue_may_stay(client, services, seeded, make_user,
                                                          bearer):  # fmt: skip
    from kholieu.content.models import ContentItem

    headers = bearer(make_user("editor"))
    item = client.post("/api/v1/content", headers=headers, json=LECTURE).json()["id"]
    with services.sessions.begin() as session:
        session.get(ContentItem, item).yccd_codes = ["CU.01"]  # written before the catalogue
    sent = {"yccd_codes": ["CU.01", "TOAN.11.DH.01"], "title": "Đạo hàm 1"}
    kept = client.patch(f"/api/v1/content/{item}", headers=headers, json=sent)
    assert kept.status_code == 200 and kept.json()["yccd_codes"] == ["CU.01", "TOAN.11.DH.01"]


def test_the_editor_form_shows_an_unknown_code_beside_its_field(client, seeded, make_user):
    sign_in(client, make_user("editor"))
    form = client.get("/bien-tap/moi")
    assert "data-outcome-picker" in form.text
    sent = {"csrf_token": csrf_from(form.text), **{k: str(v) for k, v in LECTURE.items()},
            "yccd_codes": "TOAN.11.DH.02, TOAN.11.DH.77"}  # fmt: skip
    page = client.post("/bien-tap/moi", data=sent, follow_redirects=False)
    assert page.status_code == 422
    assert 'data-testid="error-yccd_codes"' in page.text and "TOAN.11.DH.77" in page.text
    assert 'value="TOAN.11.DH.02, TOAN.11.DH.77"' in page.text  # what was typed is kept
