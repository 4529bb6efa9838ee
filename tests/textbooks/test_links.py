"""Links from a bài to lessons and questions: editors add and remove them; everyone sees the
linked content they may see; questions only teachers and editors (students never see the
bank)."""

from __future__ import annotations

import pytest

from kholieu.content.schemas import ContentIn
from kholieu.demo.textbook_pdf import make_textbook
from tests.support.bank import fill
from tests.support.textbooks import attach_pdf, new_textbook, publish
from tests.support.web import csrf_from, sign_in


@pytest.fixture
def setting(services):
    """A published book, its first bài, a published and a draft lesson, a ready question."""
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(20, [("Chương I", 1, [("Bài 1", 1)])]))
    publish(services, item_id)
    with services.sessions() as session:
        bai = services.textbooks.tree(session, item_id)[0]["children"][0]["id"]
    with services.sessions.begin() as session:
        made = [services.content.create(session, None, ContentIn(
            kind="document", title=title, subject="toan", grade=10)).id
            for title in ("Phiếu học tập", "Bản nháp")]  # fmt: skip
    publish(services, made[0])
    question = fill(services, "toan", 10, {"single_choice": {"nhan_biet": 1}})[0]
    return {"book": item_id, "bai": bai, "lesson": made[0], "draft": made[1],
            "question": question}  # fmt: skip


def add(client, bai: int, kind: str, target: int, headers):
    return client.post(
        f"/api/v1/textbooks/sections/{bai}/links",
        json={"target_kind": kind, "target_id": target},
        headers=headers,
    )


def shown(client, bai: int, headers=None) -> tuple[list[int], list[int]]:
    response = client.get(f"/api/v1/textbooks/sections/{bai}/links", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return [c["id"] for c in body["content"]], [q["id"] for q in body["questions"]]


def test_what_each_role_sees_of_a_bai_s_links(client, setting, make_user, bearer):
    editor = bearer(make_user("editor"))
    bai = setting["bai"]
    for kind, target in (("content", setting["lesson"]), ("content", setting["draft"]),
                         ("question", setting["question"])):  # fmt: skip
        assert add(client, bai, kind, target, editor).status_code == 201
    assert add(client, bai, "content", setting["lesson"], editor).status_code == 201  # no twin
    assert shown(client, bai, editor) == ([setting["lesson"], setting["draft"]],
                                          [setting["question"]])  # fmt: skip
    assert shown(client, bai, bearer(make_user("teacher"))) == ([setting["lesson"]],
                                                                [setting["question"]])  # fmt: skip
    assert shown(client, bai, bearer(make_user("student"))) == ([setting["lesson"]], [])
    assert shown(client, bai) == ([setting["lesson"]], [])


def test_teachers_and_students_cannot_link(client, setting, make_user, bearer):
    for role in ("teacher", "student"):
        response = add(client, setting["bai"], "content", setting["lesson"],
                       bearer(make_user(role)))  # fmt: skip
        assert response.status_code == 403, role
    assert add(client, setting["bai"], "content", setting["lesson"], {}).status_code == 401


def test_links_to_what_does_not_exist_are_refused(client, setting, make_user, bearer):
    editor = bearer(make_user("editor"))
    assert add(client, setting["bai"], "content", 9999, editor).status_code == 404
    assert add(client, setting["bai"], "question", 9999, editor).status_code == 404
    assert add(client, 9999, "content", setting["lesson"], editor).status_code == 404
    assert add(client, setting["bai"], "quiz", 1, editor).status_code == 422


def test_a_draft_book_s_links_are_not_found_for_students(services, client, setting, make_user,
                                                         bearer):  # fmt: skip
    with services.sessions.begin() as session:
        services.content.transition(session, None, setting["book"], "archive")
    student = bearer(make_user("student"))
    response = client.get(f"/api/v1/textbooks/sections/{setting['bai']}/links", headers=student)
    assert response.status_code == 404


def test_removing_a_link(client, setting, make_user, bearer):
    editor = bearer(make_user("editor"))
    link = add(client, setting["bai"], "content", setting["lesson"], editor).json()["id"]
    url = f"/api/v1/textbooks/sections/{setting['bai']}/links/{link}"
    assert client.delete(url, headers=bearer(make_user("teacher"))).status_code == 403
    assert client.delete(url, headers=editor).status_code == 204
    assert shown(client, setting["bai"], editor) == ([], [])
    assert client.delete(url, headers=editor).status_code == 404


def test_the_toc_page_links_by_number(client, setting, make_user):
    sign_in(client, make_user("editor"))
    page = client.get(f"/sach/{setting['book']}/muc-luc")
    url = f"/sach/{setting['book']}/muc-luc/{setting['bai']}/lien-ket"
    token = csrf_from(page.text)
    bad = client.post(url, data={"csrf_token": token, "target_kind": "content",
                                 "target_id": "abc"})  # fmt: skip
    assert bad.status_code == 422 and "phải là một số" in bad.text
    done = client.post(url, data={"csrf_token": token, "target_kind": "content",
                                  "target_id": str(setting["lesson"])})  # fmt: skip
    assert done.status_code == 200 and "Phiếu học tập" in done.text  # followed the redirect
