"""Classes through the HTTP API (issue 19, item 1): a teacher makes a class, students join by
its code, the teacher manages members; tried as students and other teachers would try to get
around it: another teacher's class, a student's view of the code, joining an archived class,
removing the class's own teacher."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kholieu.accounts.models import User
from kholieu.audit.models import AuditEntry
from kholieu.classes import service as classes_service

CLASS = {"name": "10A1", "school": "THPT Chu Văn An", "grade": 10, "school_year": "2026-2027"}


@pytest.fixture
def people(make_user, bearer):
    """A class's teacher, another teacher, two students and an admin, with their headers."""
    users = {
        "teacher": make_user("teacher"), "other": make_user("teacher"),
        "an": make_user("student"), "binh": make_user("student"), "admin": make_user("admin"),
    }  # fmt: skip
    return {name: (user, bearer(user)) for name, user in users.items()}


def make_class(client, headers, **changes) -> dict:
    response = client.post("/api/v1/classes", json=CLASS | changes, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def join(client, headers, code: str):
    return client.post("/api/v1/classes/join", json={"code": code}, headers=headers)


def test_a_teacher_makes_a_class_and_students_join_with_its_code(client, people, services):
    teacher, t = people["teacher"]
    made = make_class(client, t)
    assert made["name"] == "10A1" and made["role"] == "teacher" and made["students"] == 0
    assert len(made["code"]) == 7 and made["teachers"] == [teacher.username]
    _, an = people["an"]
    # typed as a student reads it off the board: lower case, spaces, a dash
    typed = made["code"][:3].lower() + " " + made["code"][3:5] + "-" + made["code"][5:]
    joined = join(client, an, typed)
    assert joined.status_code == 200, joined.text
    assert joined.json()["role"] == "student" and "code" not in joined.json()
    assert join(client, an, made["code"]).status_code == 200  # twice is once
    assert join(client, people["binh"][1], made["code"]).status_code == 200
    assert client.get(f"/api/v1/classes/{made['id']}", headers=t).json()["students"] == 2
    mine = client.get("/api/v1/classes", headers=an).json()
    assert [c["name"] for c in mine] == ["10A1"] and "code" not in mine[0]
    members = client.get(f"/api/v1/classes/{made['id']}/members", headers=t).json()
    assert [m["role"] for m in members] == ["teacher", "student", "student"]
    assert members[0]["owner"] is True
    with services.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == f"class:{made['id']}")
        ).all()
    assert actions == ["class.create", "class.join", "class.join"]


def test_a_class_is_reachable_by_its_members_only(client, people):
    made = make_class(client, people["teacher"][1])
    url = f"/api/v1/classes/{made['id']}"
    _, other = people["other"]
    assert client.get(url, headers=other).status_code == 404  # another teacher: none
    assert client.get(f"{url}/members", headers=other).status_code == 404
    assert client.post(f"{url}/code", headers=other).status_code == 404
    _, an = people["an"]
    assert client.get(url, headers=an).status_code == 404  # not joined yet
    join(client, an, made["code"])
    assert client.get(url, headers=an).status_code == 200
    # a student of the class manages nothing and never sees the code or classmates
    assert client.get(f"{url}/members", headers=an).status_code == 403
    assert client.post(f"{url}/code", headers=an).status_code == 403
    assert client.post(f"{url}/archive", headers=an).status_code == 403
    assert "code" not in client.get(url, headers=an).json()
    assert client.get(url).status_code == 401  # a visitor
    assert client.get(url, headers=people["admin"][1]).json()["role"] == "teacher"  # an admin
    assert client.get("/api/v1/classes/999999", headers=an).status_code == 404


def test_a_wrong_code_a_teacher_typing_one_and_bad_class_data_are_refused(client, people):
    made = make_class(client, people["teacher"][1])
    assert join(client, people["an"][1], "ZZZZZZZ").status_code == 404
    assert join(client, people["other"][1], made["code"]).status_code == 403  # a teacher
    assert join(client, people["an"][1], "").status_code == 422
    t = people["teacher"][1]
    for bad in ({"name": ""}, {"grade": 13}, {"school_year": "2026-2028"},
                {"school_year": "26-27"}, {"name": "x" * 121}, {"role": "admin"}):  # fmt: skip
        response = client.post("/api/v1/classes", json=CLASS | bad, headers=t)
        assert response.status_code == 422, (bad, response.text)
    assert client.post("/api/v1/classes", json=CLASS, headers=people["an"][1]).status_code == 403


def test_a_new_code_stops_the_old_one_and_members_stay(client, people):
    _, t = people["teacher"]
    made = make_class(client, t)
    _, an = people["an"]
    join(client, an, made["code"])
    fresh = client.post(f"/api/v1/classes/{made['id']}/code", headers=t).json()["code"]
    assert fresh != made["code"]
    assert join(client, people["binh"][1], made["code"]).status_code == 404
    assert join(client, people["binh"][1], fresh).status_code == 200
    assert client.get(f"/api/v1/classes/{made['id']}", headers=an).status_code == 200


def test_an_archived_class_takes_no_one_and_changes_nothing_until_restored(client, people):
    _, t = people["teacher"]
    made = make_class(client, t)
    _, an = people["an"]
    join(client, an, made["code"])
    url = f"/api/v1/classes/{made['id']}"
    assert client.post(f"{url}/archive", headers=t).json()["archived"] is True
    assert join(client, people["binh"][1], made["code"]).status_code == 409
    assert client.post(f"{url}/code", headers=t).status_code == 409
    assert client.get("/api/v1/classes", headers=an).json() == []  # this year's classes
    past = client.get("/api/v1/classes?archived=true", headers=an).json()
    assert [c["id"] for c in past] == [made["id"]]  # still findable, and readable
    assert client.get(f"{url}/members", headers=t).status_code == 200
    assert client.post(f"{url}/restore", headers=t).json()["archived"] is False
    assert join(client, people["binh"][1], made["code"]).status_code == 200


def test_co_teachers_manage_the_class_but_cannot_remove_its_own_teacher(client, people):
    teacher, t = people["teacher"]
    other, o = people["other"]
    made = make_class(client, t)
    url = f"/api/v1/classes/{made['id']}"
    added = client.post(f"{url}/teachers", json={"username": other.username.upper()}, headers=t)
    assert added.status_code == 201, added.text
    assert added.json()["role"] == "teacher" and added.json()["owner"] is False
    assert client.get(url, headers=o).json()["teachers"] == [teacher.username, other.username]
    an, a = people["an"]
    join(client, a, made["code"])
    assert client.delete(f"{url}/members/{teacher.id}", headers=o).status_code == 409
    assert client.delete(f"{url}/members/{an.id}", headers=o).status_code == 204
    assert client.get(url, headers=a).status_code == 404  # removed: the class is gone for them
    assert client.delete(f"{url}/members/{an.id}", headers=o).status_code == 404
    # a student cannot be made a co-teacher, nor an unknown user
    assert (
        client.post(f"{url}/teachers", json={"username": an.username}, headers=t).status_code == 409
    )
    assert (
        client.post(f"{url}/teachers", json={"username": "khong-co"}, headers=t).status_code == 404
    )
    assert client.get("/api/v1/classes", headers=o).json()[0]["role"] == "teacher"


def test_a_student_of_the_class_given_the_teacher_role_still_does_not_manage_it(
    client, people, services
):
    """Roles change (a student account made a teacher's): managing a class takes being one
    of its teachers, not holding the role."""
    made = make_class(client, people["teacher"][1])
    an, a = people["an"]
    join(client, a, made["code"])
    with services.sessions.begin() as session:
        session.get(User, an.id).role = "teacher"
    url = f"/api/v1/classes/{made['id']}"
    assert client.get(f"{url}/members", headers=a).status_code == 403
    assert client.post(f"{url}/code", headers=a).status_code == 403
    assert client.delete(f"{url}/members/{people['teacher'][0].id}", headers=a).status_code == 403
    assert "code" not in client.get(url, headers=a).json()


def test_a_class_takes_at_most_its_limit_of_students(
    client, people, make_user, bearer, monkeypatch
):
    monkeypatch.setattr(classes_service, "MAX_STUDENTS", 2)
    made = make_class(client, people["teacher"][1])
    assert join(client, people["an"][1], made["code"]).status_code == 200
    assert join(client, people["binh"][1], made["code"]).status_code == 200
    third = join(client, bearer(make_user("student")), made["code"])
    assert third.status_code == 409 and third.json()["error"]["details"] == {"reason": "full"}
    assert join(client, people["an"][1], made["code"]).status_code == 200  # a member still is
