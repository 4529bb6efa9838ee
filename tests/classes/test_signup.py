"""A new student signs up through a class's code (issue 19, item 1): only when the class's
teacher allows it, into that class at once, under the password rules; the class's QR code.
Tried as someone holding a leaked code would: with sign-up closed, into a full class, with
another's username."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kholieu.classes import service as classes_service
from tests.support.web import csrf_from, sign_in

CLASS = {"name": "6A3", "school": "THCS Lê Lợi", "grade": 6, "school_year": "2026-2027"}
STRONG = "mây-trắng-bay-qua-đồi"


def test_sign_up_with_the_code_only_when_the_teacher_allows(client, make_user, bearer,
                                                           monkeypatch):  # fmt: skip
    teacher = bearer(make_user("teacher"))
    made = client.post("/api/v1/classes", json=CLASS, headers=teacher).json()
    assert made["signup_open"] is False
    new = {"name": "Lê Văn Tám", "username": "tam.le", "password": STRONG}
    url = f"/api/v1/classes/signup?code={made['code'].lower()}"  # typed as it comes
    closed = client.post(url, json=new)
    assert closed.status_code == 403
    assert closed.json()["error"]["details"]["reason"] == "signup_closed"

    switch = f"/api/v1/classes/{made['id']}/signup"
    assert client.post(switch, json={"open": True},
                       headers=bearer(make_user("teacher"))).status_code == 404  # fmt: skip
    assert client.post(switch, json={"open": True},
                       headers=bearer(make_user("student"))).status_code == 403  # fmt: skip
    opened = client.post(switch, json={"open": True}, headers=teacher)
    assert opened.status_code == 200 and opened.json()["signup_open"] is True

    weak = client.post(url, json=new | {"password": "12345678"})
    assert weak.status_code == 422 and weak.json()["error"]["details"]["problem"] == "short"
    made_user = client.post(url, json=new)
    assert made_user.status_code == 201 and made_user.json()["class_id"] == made["id"]
    again = client.post(url, json=new | {"name": "Người khác"})
    assert again.status_code == 409  # the username is taken: nobody takes over an account
    token = client.post("/api/v1/auth/token", data={"username": "tam.le", "password": STRONG})
    mine = client.get(
        "/api/v1/classes", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert [(c["name"], c["role"]) for c in mine.json()] == [("6A3", "student")]
    members = client.get(f"/api/v1/classes/{made['id']}/members", headers=teacher).json()
    assert any(m["name"] == "Lê Văn Tám" and m["role"] == "student" for m in members)

    # a leaked code fills a class no further than its cap
    monkeypatch.setattr(classes_service, "MAX_STUDENTS", 1)
    full = client.post(url, json=new | {"username": "tam.le2"})
    assert full.status_code == 409 and full.json()["error"]["details"]["reason"] == "full"


def test_a_visitor_signs_up_on_the_join_page_and_lands_in_the_class(app, make_user):
    teacher = TestClient(app)
    sign_in(teacher, make_user("teacher"))
    form = teacher.get("/lop/moi")
    created = teacher.post("/lop/moi", data={**CLASS, "grade": "6",
                                             "csrf_token": csrf_from(form.text)},
                           follow_redirects=False)  # fmt: skip
    class_url = created.headers["location"]
    page = teacher.get(class_url)
    code = page.text.split('data-testid="class-code">')[1].split("<")[0]
    qr = teacher.get(class_url + "/ma-qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") or b"<svg" in qr.content[:200]

    visitor = TestClient(app)
    join = visitor.get(f"/lop/vao?ma={code}")
    assert join.status_code == 200 and 'data-testid="signup-closed"' in join.text
    assert 'data-testid="signup-form"' not in join.text
    teacher.post(class_url + "/tu-dang-ky", data={"open": "true",
                                                  "csrf_token": csrf_from(page.text)})  # fmt: skip
    join = visitor.get(f"/lop/vao?ma={code}")
    assert 'data-testid="signup-form"' in join.text and "6A3" in join.text
    data = {"code": code, "name": "Phạm Thu Hà", "username": "ha.pham", "password": "ngắn",
            "csrf_token": csrf_from(join.text)}  # fmt: skip
    short = visitor.post("/lop/dang-ky", data=data, follow_redirects=False)
    assert short.status_code == 422 and "ít nhất 12 ký tự" in short.text
    assert 'value="Phạm Thu Hà"' in short.text  # what was typed stays
    done = visitor.post("/lop/dang-ky", data=data | {"password": STRONG}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == class_url
    inside = visitor.get(class_url)
    assert inside.status_code == 200 and 'data-testid="student-view"' in inside.text
    # the student's own QR request: only the class's teachers
    assert visitor.get(class_url + "/ma-qr.svg").status_code == 403
