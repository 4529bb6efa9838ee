"""`kholieu outcomes …` as users run it, and the /yccd page: browsing, searching, and an
editor's import with every bad row shown."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_kholieu
from tests.support.outcomes import seed_outcomes
from tests.support.web import csrf_from, sign_in

CSV = "code;subject;grade;strand;text\nTOAN.10.VT.99;Toán;10;Vectơ;Nêu được vectơ thử.\n"


@pytest.fixture
def run(tmp_path, database_url, services):
    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
           "KHOLIEU_LOG_FORMAT": "json"}  # fmt: skip
    return lambda *args: run_kholieu(*args, env=env)


def test_seed_import_export_on_the_command_line(run, tmp_path):
    seeded = run("outcomes", "seed", "--json")
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout)["created"] >= 250
    assert json.loads(run("outcomes", "seed", "--json").stdout)["created"] == 0  # idempotent
    good = tmp_path / "yccd.csv"
    good.write_text(CSV, encoding="utf-8-sig")
    done = run("outcomes", "import", str(good), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"imported": 1, "created": 1, "updated": 0, "unchanged": 0,
                                       "retired": 0, "rejected": []}  # fmt: skip
    out = tmp_path / "vatli12.json"
    exported = run("outcomes", "export", "--format", "json", "--out", str(out), "--subject",
                   "Vật lí", "--grade", "12")  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert {r["code"][:9] for r in json.loads(out.read_text(encoding="utf-8"))} == {"VATLI.12."}


def test_a_rejected_import_exits_1_naming_line_and_field(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "TOAN.10.VT.98;toan;lớp mười ba;Vectơ;Lớp sai.\n", encoding="utf-8")
    done = run("outcomes", "import", str(bad), "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["imported"] == 0
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(3, "grade")]
    plain = run("outcomes", "import", str(bad))
    assert plain.returncode == 1 and f"{bad}:3: " in plain.stderr
    assert run("outcomes", "import", str(tmp_path / "none.csv")).returncode == 2
    assert run("outcomes", "export", "--format", "xml", "--out", "x").returncode == 2


def test_the_catalogue_page_browses_and_searches(client, services, make_user):
    seed_outcomes(services)
    sign_in(client, make_user("teacher"))
    page = client.get("/yccd")
    assert page.status_code == 200 and 'data-testid="grade-vat-li-12"' in page.text
    assert "/yccd/nhap" not in page.text  # the import form is for editors
    grade = client.get("/yccd", params={"subject": "toan", "grade": 12})
    assert "Nguyên hàm. Tích phân" in grade.text and "TOAN.12.NHTP.01" in grade.text
    found = client.get("/yccd", params={"q": "dinh luat boyle"})
    assert 'data-testid="outcome-VATLI.12.KLT.03"' in found.text


def test_an_editor_imports_on_the_page_and_sees_every_bad_row(client, services, make_user):
    sign_in(client, make_user("editor"))
    page = client.get("/yccd")
    assert "/yccd/nhap" in page.text and "/api/v1/outcomes/export?format=csv" in page.text
    bad = CSV + "TOAN.10.VT.98;toan;10;;Thiếu mạch.\nTOAN.10.VT.97;sử địa cổ;10;Vectơ;Môn lạ.\n"
    sent = client.post("/yccd/nhap", data={"csrf_token": csrf_from(page.text)},
                       files={"file": ("yccd.csv", bad.encode(), "text/csv")})  # fmt: skip
    assert sent.status_code == 422
    assert "Dòng 3, cột strand: không được để trống" in sent.text
    assert "Dòng 4, cột subject: " in sent.text
    assert client.get("/api/v1/outcomes/TOAN.10.VT.99").status_code == 404  # nothing stored
    good = client.post("/yccd/nhap", data={"csrf_token": csrf_from(sent.text)},
                       files={"file": ("yccd.csv", CSV.encode(), "text/csv")})  # fmt: skip
    assert good.status_code == 200 and 'data-testid="import-done"' in good.text
    assert client.get("/api/v1/outcomes/TOAN.10.VT.99").status_code == 200
