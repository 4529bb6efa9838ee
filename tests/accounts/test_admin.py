"""Administration (issue 19, item 7) and class lists: an admin imports a class of 40 from an
XLSX written the way a school's Excel writes it, resets a password, disables an account (it
can no longer sign in, its token stops at once) and enables it; bad files name their row and
column and create nobody; tried as students, teachers and editors would, and as an admin
who would lock everyone out."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select

from kholieu.accounts.models import User
from kholieu.classes.models import ClassMember
from tests.support.web import csrf_from, sign_in

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan"]


def class_list(n: int = 40, *, extra: list | None = None) -> bytes:
    """A school's sheet: two title rows (one merged across), a blank row, then STT, Họ và
    tên, Ngày sinh (date cells), Mã học sinh; Vietnamese names with diacritics."""
    book = Workbook()
    sheet = book.active
    sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO HÀ NỘI"])
    sheet.merge_cells("A1:D1")
    sheet.append(["DANH SÁCH HỌC SINH LỚP 10A1 — NĂM HỌC 2026-2027"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Mã học sinh"])
    for k in range(n):
        name = f"{SURNAMES[k % 5]} Văn {GIVEN[k % 8]}"
        sheet.append([k + 1, name, datetime(2010, 1 + k % 12, 1 + k % 28), 2026100 + k])
    for row in extra or []:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, headers, data: bytes, name: str = "10a1.xlsx", **form):
    files = {"file": (name, data, XLSX if name.endswith("xlsx") else "text/csv")}
    return client.post("/api/v1/users/import", files=files, data=form, headers=headers)


def token(client, username: str, password: str):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_an_admin_imports_40_students_and_resets_one_password(client, make_user, bearer,
                                                              services):  # fmt: skip
    admin = bearer(make_user("admin"))
    made = upload(client, admin, class_list(40))
    assert made.status_code == 201, made.text
    created = made.json()["created"]
    assert len(created) == 40
    first = created[0]
    assert first["user"]["display_name"] == "Nguyễn Văn An"
    assert first["user"]["student_number"] == "2026100"
    assert first["user"]["birth_date"] == "2010-01-01"
    assert first["user"]["role"] == "student" and first["user"]["must_change_password"]
    assert first["user"]["username"] == "an.nv"
    assert len({c["user"]["username"] for c in created}) == 40  # the same names: numbered
    with services.sessions() as session:
        stored = session.scalar(select(User).where(User.username == "an.nv"))
        assert first["password"] not in stored.password_hash  # only a hash is kept

    signed = token(client, "an.nv", first["password"])
    assert signed.status_code == 200 and signed.json()["must_change_password"] is True
    old_token = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    reset = client.post(f"/api/v1/users/{first['user']['id']}/password-reset", headers=admin)
    assert reset.status_code == 200 and reset.json()["password"] != first["password"]
    assert token(client, "an.nv", first["password"]).status_code == 401
    assert client.get("/api/v1/auth/me", headers=old_token).status_code == 401  # ended
    assert token(client, "an.nv", reset.json()["password"]).status_code == 200
    listed = client.get("/api/v1/users?q=2026100&role=student", headers=admin).json()
    assert [u["username"] for u in listed["users"]] == ["an.nv"] and listed["total"] == 1


def test_a_disabled_account_cannot_sign_in_and_its_token_stops(client, make_user, bearer):
    admin = bearer(make_user("admin"))
    student = make_user("student")
    headers = bearer(student)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    off = client.patch(f"/api/v1/users/{student.id}", json={"is_active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    from tests.conftest import PASSWORD

    assert token(client, student.username, PASSWORD).status_code == 401
    on = client.patch(f"/api/v1/users/{student.id}", json={"is_active": True}, headers=admin)
    assert on.status_code == 200
    assert token(client, student.username, PASSWORD).status_code == 200


@pytest.mark.parametrize("role", ["student", "teacher", "editor"])
def test_only_admins_administer(client, make_user, bearer, role):
    headers = bearer(make_user(role))
    victim = make_user("student")
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert upload(client, headers, class_list(2)).status_code == 403
    assert client.patch(f"/api/v1/users/{victim.id}", json={"role": "admin"},
                        headers=headers).status_code == 403  # fmt: skip
    assert client.post(f"/api/v1/users/{victim.id}/password-reset",
                       headers=headers).status_code == 403  # fmt: skip
    assert client.post("/api/v1/users", json={"username": "moi.tao"},
                       headers=headers).status_code == 403  # fmt: skip


def test_an_admin_cannot_lock_everyone_out(client, make_user, bearer):
    me = make_user("admin")
    headers = bearer(me)
    refused = client.patch(f"/api/v1/users/{me.id}", json={"role": "teacher"}, headers=headers)
    assert refused.status_code == 409 and refused.json()["error"]["details"]["reason"] == "self"
    refused = client.patch(f"/api/v1/users/{me.id}", json={"is_active": False}, headers=headers)
    assert refused.status_code == 409


def test_bad_lists_name_the_row_and_column_and_create_nobody(client, make_user, bearer,
                                                             services):  # fmt: skip
    admin = bearer(make_user("admin"))
    with services.sessions() as session:
        before = session.scalar(select(func.count(User.id)))
    rows = ["STT;Họ tên;Ngày sinh;SBD"] + [f"{k};Lê Thị Mai {k};0{1 + k % 9}/09/2010;{k}"
                                           for k in range(1, 9)]  # fmt: skip
    rows[7] = "7;Lê Thị Mai 7;31/02/2010;7"  # row 7 of the file (after the header: line 8)
    bad = upload(client, admin, "\n".join(rows).encode("utf-8-sig"), "lop.csv")
    assert bad.status_code == 422
    [problem] = bad.json()["error"]["details"]["rows"]
    assert problem == {"line": 8, "column": "Ngày sinh", "reason": "bad_date",
                       "value": "31/02/2010"}  # fmt: skip
    headless = upload(client, admin, b"a,b\n1,2\n", "lop.csv")
    assert headless.json()["error"]["details"]["rows"][0]["reason"] == "no_header"
    too_many = "Họ và tên\n" + "\n".join(f"Học sinh {k}" for k in range(2001))
    many = upload(client, admin, too_many.encode(), "lop.csv")
    assert many.json()["error"]["details"]["rows"][0]["reason"] == "too_many"
    junk = upload(client, admin, b"\x89PNG\r\n\x1a\n\x00\x00", "lop.xlsx")
    assert junk.status_code == 422 and junk.json()["error"]["details"]["problem"] == "not_a_sheet"
    duplicate = class_list(3, extra=[[4, "Ngô Văn Tư", date(2010, 5, 5), 2026100]])
    dup = upload(client, admin, duplicate)
    assert dup.json()["error"]["details"]["rows"][0]["reason"] == "duplicate_number"
    with services.sessions() as session:
        assert session.scalar(select(func.count(User.id))) == before


def test_the_pages_import_print_slips_and_the_slip_forces_a_new_password(app, make_user):
    admin = TestClient(app)
    sign_in(admin, make_user("admin"))
    page = admin.get("/quan-tri/nguoi-dung")
    assert page.status_code == 200 and 'data-testid="import-users"' in page.text
    sheet = admin.post("/quan-tri/nguoi-dung/nhap", data={"csrf_token": csrf_from(page.text)},
                       files={"file": ("10a1.xlsx", class_list(40), XLSX)})  # fmt: skip
    assert sheet.status_code == 200 and sheet.text.count('data-testid="slip"') == 40
    assert sheet.headers["cache-control"] == "no-store"
    username = sheet.text.split('data-testid="slip-username">')[1].split("<")[0]
    password = sheet.text.split('data-testid="slip-password">')[1].split("<")[0]
    found = admin.get("/quan-tri/nguoi-dung?q=Nguyễn Văn An")
    assert "an.nv" in found.text
    bad = admin.post("/quan-tri/nguoi-dung/nhap", data={"csrf_token": csrf_from(page.text)},
                     files={"file": ("lop.csv", b"Ho ten;Ngay sinh\nAn;32/13/2010\n",
                                     "text/csv")})  # fmt: skip
    assert bad.status_code == 422 and "Dòng 2, cột “Ngay sinh”" in bad.text

    student = TestClient(app)
    login = student.get("/login")
    data = {"username": username, "password": password, "csrf_token": csrf_from(login.text)}
    signed = student.post("/login", follow_redirects=False, data=data)
    assert signed.headers["location"] == "/tai-khoan/mat-khau?dau=1"
    assert 'data-testid="password-first"' in student.get(signed.headers["location"]).text
    for role in ("teacher", "student"):
        other = TestClient(app)
        sign_in(other, make_user(role))
        assert other.get("/quan-tri/nguoi-dung").status_code == 403


def test_a_teacher_imports_the_class_list_into_the_class(app, make_user, services):
    teacher = TestClient(app)
    sign_in(teacher, make_user("teacher"))
    form = teacher.get("/lop/moi")
    made = teacher.post("/lop/moi", follow_redirects=False, data={
        "name": "10A1", "school": "", "grade": "10", "school_year": "2026-2027",
        "csrf_token": csrf_from(form.text)})  # fmt: skip
    class_url = made.headers["location"]
    page = teacher.get(class_url)
    # a "Vai trò" column in a teacher's list makes no teacher
    data = ("STT,Họ và tên,Ngày sinh,Mã HS,Vai trò\n1,Đỗ Thị Hoa,03/03/2010,2026999,Giáo viên\n"
            "2,Vũ Văn Nam,04/04/2010,2026998,\n3,Lý Thị Thu,,2026997,\n"
            "4,Mai Văn Sơn,05/05/2010,,\n").encode("utf-8-sig")  # fmt: skip
    sheet = teacher.post(class_url + "/nhap-danh-sach", data={"csrf_token": csrf_from(page.text)},
                         files={"file": ("10a1.csv", data, "text/csv")})  # fmt: skip
    assert sheet.status_code == 200 and sheet.text.count('data-testid="slip"') == 4
    class_id = int(class_url.rsplit("/", 1)[1])
    with services.sessions() as session:
        members = session.execute(
            select(User.display_name, User.role, ClassMember.student_number)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == class_id, ClassMember.role == "student")
        ).all()
    assert ("Đỗ Thị Hoa", "student", "2026999") in members and len(members) == 4
    outsider = TestClient(app)
    sign_in(outsider, make_user("teacher"))
    refused = outsider.post(class_url + "/nhap-danh-sach",
                            data={"csrf_token": csrf_from(outsider.get("/lop").text)},
                            files={"file": ("10a1.xlsx", data, XLSX)})  # fmt: skip
    assert refused.status_code == 404
