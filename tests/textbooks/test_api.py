"""The textbook API: a book with its table of contents, search inside it, who may see and
change what."""

from __future__ import annotations

from kholieu.demo.textbook_pdf import make_textbook
from tests.support.textbooks import attach_pdf, new_textbook, publish

OUTLINE = [
    ("Chương I. Hàm số", 3, [("Bài 1. Hàm số bậc hai", 3), ("Bài 2. Đồ thị", 10)]),
    ("Chương II. Phương trình", 20, [("Bài 3. Phương trình quy về bậc hai", 20)]),
]
WORDS = {12: "Đường parabol có trục đối xứng", 25: "Giải phương trình chứa căn thức",
         26: "Ví dụ: đường parabol cắt trục hoành"}  # fmt: skip


def book(services, *, published: bool = True) -> int:
    item_id = new_textbook(services, edition="2022")
    attach_pdf(services, item_id, make_textbook(30, OUTLINE, WORDS))
    if published:
        publish(services, item_id)
    return item_id


def test_a_book_with_its_table_of_contents(services, client, make_user, bearer):
    item_id = book(services)
    response = client.get(f"/api/v1/textbooks/{item_id}")  # a visitor
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("title", "subject", "grade", "series", "publisher",
                                 "edition", "page_count")} == {
        "title": "Toán 10", "subject": "toan", "grade": 10, "series": "ket-noi-tri-thuc",
        "publisher": "NXB Giáo dục Việt Nam", "edition": "2022", "page_count": 30,
    }  # fmt: skip
    assert "/b/" in body["file_url"] and body["file_url"].endswith("/sach.pdf")
    chapter = body["sections"][0]
    assert (chapter["kind"], chapter["page_start"], chapter["page_end"]) == ("chuong", 3, 19)
    assert [(c["title"], c["page_start"], c["page_end"]) for c in chapter["children"]] == [
        ("Bài 1. Hàm số bậc hai", 3, 9), ("Bài 2. Đồ thị", 10, 19),
    ]  # fmt: skip


def test_a_draft_book_is_not_found_for_a_student_and_is_for_an_editor(
    services, client, make_user, bearer
):
    item_id = book(services, published=False)
    student, editor = bearer(make_user("student")), bearer(make_user("editor"))
    assert client.get(f"/api/v1/textbooks/{item_id}", headers=student).status_code == 404
    assert client.get(f"/api/v1/textbooks/{item_id}").status_code == 404
    search = client.get(f"/api/v1/textbooks/{item_id}/search", params={"q": "parabol"},
                        headers=student)  # fmt: skip
    assert search.status_code == 404
    assert client.get(f"/api/v1/textbooks/{item_id}", headers=editor).status_code == 200


def test_another_kind_of_item_is_not_a_textbook(services, client):
    from tests.support.content import new_item

    item_id = new_item(services, kind="document")
    assert client.get(f"/api/v1/textbooks/{item_id}").status_code == 404


def test_search_inside_the_book_with_or_without_diacritics(services, client):
    item_id = book(services)
    for q in ("đường parabol", "duong parabol", "ĐƯỜNG   Parabol"):
        response = client.get(f"/api/v1/textbooks/{item_id}/search", params={"q": q})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == 2 and [h["page"] for h in body["hits"]] == [12, 26], q
    snippet = body["hits"][0]["snippet"]
    assert "<mark>Đường parabol</mark>" in snippet and "trục đối xứng" in snippet
    limited = client.get(f"/api/v1/textbooks/{item_id}/search",
                         params={"q": "parabol", "limit": 1}).json()  # fmt: skip
    assert limited["total"] == 2 and [h["page"] for h in limited["hits"]] == [12]


def test_a_snippet_escapes_the_page_text(services, client):
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(3, [], {2: "<b>đậm</b> & x<y"}))
    publish(services, item_id)
    body = client.get(f"/api/v1/textbooks/{item_id}/search", params={"q": "dam"}).json()
    assert body["total"] == 1
    assert "&lt;b&gt;<mark>đậm</mark>&lt;/b&gt; &amp; x&lt;y" in body["hits"][0]["snippet"]


def test_an_empty_or_long_search_is_refused_in_vietnamese(services, client):
    item_id = book(services)
    url = f"/api/v1/textbooks/{item_id}/search"
    empty = client.get(url, params={"q": "  ", "lang": "vi"})
    assert empty.status_code == 422 and "Hãy nhập từ cần tìm" in empty.text
    long = client.get(url, params={"q": "a" * 201, "lang": "vi"})
    assert long.status_code == 422 and "200" in long.text


def test_only_editors_change_the_table_of_contents(services, client, make_user, bearer):
    item_id = book(services)
    sections = {"sections": [{"kind": "bai", "title": "Ôn tập", "page_start": 1,
                              "page_end": 30}]}  # fmt: skip
    url = f"/api/v1/textbooks/{item_id}/sections"
    for role in ("student", "teacher"):
        response = client.put(url, json=sections, headers=bearer(make_user(role)))
        assert response.status_code == 403, role
    assert client.put(url, json=sections).status_code == 401
    response = client.put(url, json=sections, headers=bearer(make_user("editor")))
    assert response.status_code == 200, response.text
    assert [s["title"] for s in response.json()] == ["Ôn tập"]
    assert client.get(f"/api/v1/textbooks/{item_id}").json()["toc_edited"] is True
