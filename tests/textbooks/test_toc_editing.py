"""Editing a table of contents: through the API (the tree checked, refusals naming the row,
in Vietnamese) and the phone-friendly form page (an error beside each wrong row), audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kholieu.audit.models import AuditEntry
from kholieu.demo.textbook_pdf import make_textbook
from kholieu.outcomes.models import Outcome
from tests.support.textbooks import attach_pdf, new_textbook, publish
from tests.support.web import csrf_from, sign_in

OUTLINE = [("Chương I", 3, [("Bài 1", 3), ("Bài 2", 10)]), ("Chương II", 20, [("Bài 3", 20)])]


@pytest.fixture
def book(services) -> int:
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(30, OUTLINE))
    publish(services, item_id)
    with services.sessions.begin() as session:
        session.add(Outcome(code="TOAN.10.HS.01", subject="toan", grade=10, strand="Hàm số",
                            text="Nhận biết hàm số bậc hai"))  # fmt: skip
    return item_id


def toc(client, item_id: int, headers=None) -> list[dict]:
    return client.get(f"/api/v1/textbooks/{item_id}", headers=headers).json()["sections"]


def test_a_new_tree_replaces_the_old_one_and_sent_ids_keep_their_links(
    services, client, book, make_user, bearer
):
    editor = bearer(make_user("editor"))
    first_bai = toc(client, book)[0]["children"][0]
    from kholieu.content.schemas import ContentIn

    with services.sessions.begin() as session:
        lesson = services.content.create(session, None, ContentIn(
            kind="document", title="Phiếu bài tập", subject="toan", grade=10)).id  # fmt: skip
    linked = client.post(
        f"/api/v1/textbooks/sections/{first_bai['id']}/links",
        json={"target_kind": "content", "target_id": lesson},
        headers=editor,
    )
    assert linked.status_code == 201, linked.text
    tree = {"sections": [
        {"kind": "chuong", "title": "Chủ đề 1. Hàm số", "page_start": 1, "page_end": 30,
         "children": [
             {"id": first_bai["id"], "title": "Bài 1 (sửa)", "page_start": 2, "page_end": 9,
              "yccd_codes": ["toan.10.hs.01"]},
             {"title": "Bài mới", "page_start": 10, "page_end": 30},
         ]},
    ]}  # fmt: skip
    response = client.put(f"/api/v1/textbooks/{book}/sections", json=tree, headers=editor)
    assert response.status_code == 200, response.text
    got = toc(client, book)
    assert [(s["kind"], s["title"]) for s in got] == [("chuong", "Chủ đề 1. Hàm số")]
    children = got[0]["children"]
    assert [(c["title"], c["page_start"], c["page_end"], c["yccd_codes"]) for c in children] == [
        ("Bài 1 (sửa)", 2, 9, ["TOAN.10.HS.01"]), ("Bài mới", 10, 30, []),
    ]  # fmt: skip
    assert children[0]["id"] == first_bai["id"]
    links = client.get(f"/api/v1/textbooks/sections/{first_bai['id']}/links", headers=editor)
    assert links.status_code == 200
    assert [c["id"] for c in links.json()["content"]] == [lesson]  # the link was kept
    with services.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "toc_edited"))
        assert entry.target == f"content:{book}" and entry.detail == {"sections": 3}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"title": "Bài", "page_start": 5, "page_end": 31},
         "Mục 1: trang 5–31 phải nằm trong 1–30 và trang đầu không sau trang cuối"),
        ({"title": "Bài", "page_start": 9, "page_end": 4},
         "Mục 1: trang 9–4 phải nằm trong 1–30"),
        ({"title": "   ", "page_start": 1, "page_end": 2},
         "Mục 1: tên mục phải có từ 1 đến 300 ký tự"),
        ({"title": "Bài", "page_start": 1, "page_end": 2, "yccd_codes": ["TOAN.10.XX.99"]},
         "Mục 1: không có trong danh mục yêu cầu cần đạt: TOAN.10.XX.99"),
        ({"title": "C", "page_start": 1, "page_end": 9, "children": [
            {"title": "B", "page_start": 1, "page_end": 2, "children": [
                {"title": "x", "page_start": 1, "page_end": 1}]}]},
         "Mục 1.1: mục lục chỉ có hai cấp (chương và bài)"),
    ],
)  # fmt: skip
def test_a_wrong_tree_is_refused_in_vietnamese_naming_the_row(
    client, book, make_user, bearer, section, message
):
    before = toc(client, book)
    response = client.put(
        f"/api/v1/textbooks/{book}/sections?lang=vi",
        json={"sections": [section]},
        headers=bearer(make_user("editor")),
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]["message"]
    assert toc(client, book) == before


def test_too_many_sections_are_refused(client, book, make_user, bearer):
    many = [{"title": f"Bài {i}", "page_start": 1, "page_end": 1} for i in range(501)]
    response = client.put(
        f"/api/v1/textbooks/{book}/sections?lang=vi",
        json={"sections": many},
        headers=bearer(make_user("editor")),
    )
    assert response.status_code == 422


def test_the_form_page_saves_rows_and_shows_each_row_s_error(client, book, make_user):
    sign_in(client, make_user("editor"))
    page = client.get(f"/sach/{book}/muc-luc")
    assert page.status_code == 200
    keys = re.findall(r'name="row-(s\d+)-title" value="([^"]*)"', page.text)
    assert [title for _, title in keys] == ["Chương I", "Bài 1", "Bài 2", "Chương II", "Bài 3"]
    data = {"csrf_token": csrf_from(page.text)}
    for n, (key, title) in enumerate(keys, start=1):
        data |= {f"row-{key}-order": str(n), f"row-{key}-title": title,
                 f"row-{key}-kind": "chuong" if title.startswith("Chương") else "bai",
                 f"row-{key}-pages": {1: "3-19", 2: "3-9", 3: "10-19", 4: "20-30", 5: "20-30"}[n],
                 f"row-{key}-codes": ""}  # fmt: skip
    data[f"row-{keys[2][0]}-pages"] = "15-40"  # wrong
    data[f"row-{keys[4][0]}-codes"] = "TOAN.10.XX.99"  # wrong
    data |= {"row-n1-title": "Bài 4. Ôn tập", "row-n1-kind": "bai", "row-n1-pages": "28-30",
             "row-n1-order": "6"}  # fmt: skip
    refused = client.post(f"/sach/{book}/muc-luc", data=data)
    assert refused.status_code == 422
    errors = re.findall(r'data-testid="row-error">([^<]+)<', refused.text)
    assert errors == [
        "Mục 3: trang 15–40 phải nằm trong 1–30 và trang đầu không sau trang cuối",
        "Mục 5: không có trong danh mục yêu cầu cần đạt: TOAN.10.XX.99",
    ]
    assert 'value="Bài 4. Ôn tập"' in refused.text  # what was typed is kept
    data[f"row-{keys[2][0]}-pages"] = "10-19"
    data[f"row-{keys[4][0]}-codes"] = "TOAN.10.HS.01"
    data[f"row-{keys[1][0]}-remove"] = "1"
    saved = client.post(f"/sach/{book}/muc-luc", data=data, follow_redirects=False)
    assert saved.status_code == 303
    got = toc(client, book)
    assert [(s["title"], [(c["title"], c["yccd_codes"]) for c in s["children"]]) for s in got] == [
        ("Chương I", [("Bài 2", [])]),
        ("Chương II", [("Bài 3", ["TOAN.10.HS.01"]), ("Bài 4. Ôn tập", [])]),
    ]


@pytest.mark.parametrize("role", ["student", "teacher"])
def test_the_form_page_is_for_editors(client, book, make_user, role):
    sign_in(client, make_user(role))
    assert client.get(f"/sach/{book}/muc-luc", headers={"accept": "text/html"}).status_code == 403
