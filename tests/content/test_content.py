"""Content items through the API: editorial workflow, permissions for every role, versions,
audit log, visibility, and validation errors that name the field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kholieu.search.models import OutboxEntry

LESSON = {
    "kind": "lecture",
    "title": "Phương trình bậc hai một ẩn",
    "summary": "Công thức nghiệm $x = \\frac{-b \\pm \\sqrt{\\Delta}}{2a}$",
    "subject": "toan",
    "grade": 9,
    "textbook_series": "ket-noi-tri-thuc",
    "chapter": "Chương VI",
    "tags": ["phuong-trinh"],
    "license": "CC-BY-4.0",
    "authors": ["Nguyễn Văn A"],
    "body": "Phương trình $ax^2 + bx + c = 0$ với $a \\ne 0$.",
}


@pytest.fixture
def editor_headers(make_user, bearer):
    return bearer(make_user("editor"))


@pytest.fixture
def reviewer_headers(make_user, bearer):
    """A second editor: nobody approves their own submission."""
    return bearer(make_user("editor"))


@pytest.fixture
def make_item(client, editor_headers, reviewer_headers):
    def make(status: str = "draft", **fields) -> dict:
        response = client.post("/api/v1/content", json={**LESSON, **fields}, headers=editor_headers)
        assert response.status_code == 201, response.text
        item = response.json()
        steps = {
            "draft": [],
            "in_review": ["submit"],
            "published": ["submit", "approve"],
            "archived": ["submit", "approve", "archive"],
        }[status]
        for action in steps:
            headers = reviewer_headers if action == "approve" else editor_headers
            item = client.post(f"/api/v1/content/{item['id']}/{action}", headers=headers)
            item = item.json()
        assert item["status"] == status
        return item

    return make


def test_editor_creates_a_draft(client, editor_headers, services):
    response = client.post("/api/v1/content", json=LESSON, headers=editor_headers)
    assert response.status_code == 201
    item = response.json()
    assert item["status"] == "draft" and item["version"] == 1 and item["grade"] == 9
    with services.sessions() as session:
        rows = session.scalars(select(OutboxEntry)).all()
        assert [(r.index, r.doc_id) for r in rows] == [("content", str(item["id"]))]


def test_full_workflow_with_rejection(client, editor_headers, reviewer_headers, make_item):
    item = make_item("in_review")
    url = f"/api/v1/content/{item['id']}"
    rejected = client.post(
        f"{url}/reject",
        json={"reason": "Thiếu nguồn", "note": "Hãy ghi rõ nguồn hình ảnh."},
        headers=editor_headers,
    ).json()
    assert rejected["status"] == "draft" and rejected["review_reason"] == "Thiếu nguồn"
    assert rejected["review_note"] == "Hãy ghi rõ nguồn hình ảnh."
    again = client.post(f"{url}/submit", headers=editor_headers).json()
    assert again["status"] == "in_review" and again["review_reason"] is None
    published = client.post(f"{url}/approve", headers=reviewer_headers).json()
    assert published["status"] == "published" and published["published_at"]
    archived = client.post(f"{url}/archive", headers=editor_headers).json()
    assert archived["status"] == "archived"
    history = client.get(f"{url}/history", headers=editor_headers).json()
    assert [h["action"] for h in history] == [
        "created",
        "submit",
        "reject",
        "submit",
        "approve",
        "archive",
    ]
    assert history[2]["detail"]["reason"] == "Thiếu nguồn"


def test_rejection_needs_a_reason(client, editor_headers, make_item):
    item = make_item("in_review")
    response = client.post(
        f"/api/v1/content/{item['id']}/reject", json={"reason": " "}, headers=editor_headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "body.reason"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "approve"),
        ("published", "submit"),
        ("draft", "archive"),
        ("archived", "approve"),
        ("published", "restore"),
    ],
)
def test_impossible_transitions_are_conflicts(client, editor_headers, make_item, status, action):
    item = make_item(status)
    response = client.post(f"/api/v1/content/{item['id']}/{action}", headers=editor_headers)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == f"cannot {action} an item that is {status}"


def test_every_edit_is_a_version(client, editor_headers, make_item):
    item = make_item()
    url = f"/api/v1/content/{item['id']}"
    client.patch(url, json={"title": "Phương trình bậc hai"}, headers=editor_headers)
    edited = client.patch(url, json={"grade": 10, "tags": ["pt"]}, headers=editor_headers).json()
    assert edited["version"] == 3
    versions = client.get(f"{url}/versions", headers=editor_headers).json()
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["data"]["title"] == LESSON["title"]
    assert versions[2]["data"]["grade"] == 10 and versions[2]["data"]["tags"] == ["pt"]
    unchanged = client.patch(url, json={"grade": 10}, headers=editor_headers).json()
    assert unchanged["version"] == 3  # nothing changed, no new version


def test_archived_items_cannot_be_edited(client, editor_headers, make_item):
    item = make_item("archived")
    response = client.patch(
        f"/api/v1/content/{item['id']}", json={"title": "x"}, headers=editor_headers
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "toan-cao-cap", "'toan-cao-cap' is not a known subject"),
        ("grade", 13, "less than or equal to 12"),
        ("textbook_series", "sach-moi", "'sach-moi' is not a known textbook series"),
        ("license", "GPL", "'GPL' is not a known licence"),
        ("kind", "podcast", "Input should be 'lecture', 'video', 'lab', 'document' or 'textbook'"),
        ("title", "   ", "at least 1 character"),
        ("colour", "red", "Extra inputs are not permitted"),
    ],
)
def test_bad_metadata_names_the_field(client, editor_headers, field, value, message):
    response = client.post("/api/v1/content", json={**LESSON, field: value}, headers=editor_headers)
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == f"body.{field}" and message in detail["message"]


def test_external_id_is_unique(client, editor_headers, make_item):
    make_item(external_id="vtv7-toan9-01")
    response = client.post(
        "/api/v1/content", json={**LESSON, "external_id": "vtv7-toan9-01"}, headers=editor_headers
    )
    assert response.status_code == 409


# -- who may do what ---------------------------------------------------------------------------

ROLES = ["anonymous", "student", "teacher", "editor", "admin"]


@pytest.fixture
def as_role(make_user, bearer):
    def headers(role: str) -> dict[str, str]:
        return {} if role == "anonymous" else bearer(make_user(role))

    return headers


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_what(client, make_item, as_role, role):
    items = {
        status: make_item(status) for status in ("draft", "in_review", "published", "archived")
    }
    headers = as_role(role)
    listed = client.get("/api/v1/content", headers=headers).json()
    seen = {i["status"] for i in listed["items"]}
    privileged = role in ("editor", "admin")
    assert seen == (
        {"draft", "in_review", "published", "archived"} if privileged else {"published"}
    )
    for status, item in items.items():
        code = client.get(f"/api/v1/content/{item['id']}", headers=headers).status_code
        assert code == (200 if privileged or status == "published" else 404), status


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_content(client, make_item, as_role, role):
    draft, review = make_item("draft"), make_item("in_review")
    headers = as_role(role)
    expected = {"anonymous": 401, "student": 403, "teacher": 403}.get(role)
    attempts = [
        client.post("/api/v1/content", json=LESSON, headers=headers),
        client.patch(f"/api/v1/content/{draft['id']}", json={"title": "x"}, headers=headers),
        client.post(f"/api/v1/content/{draft['id']}/submit", headers=headers),
        client.post(f"/api/v1/content/{review['id']}/approve", headers=headers),
        client.post(
            f"/api/v1/content/{review['id']}/reject", json={"reason": "r"}, headers=headers
        ),
        client.get(f"/api/v1/content/{draft['id']}/versions", headers=headers),
        client.get(f"/api/v1/content/{draft['id']}/history", headers=headers),
    ]
    codes = [r.status_code for r in attempts]
    if expected:
        assert codes == [expected] * len(attempts)
    else:
        assert codes == [201, 200, 200, 200, 409, 200, 200]  # reject: approve came first


def test_listing_filters_and_pages(client, make_item, editor_headers):
    for grade in (9, 9, 10):
        make_item("published", grade=grade)
    make_item("published", subject="vat-li", grade=11)
    assert client.get("/api/v1/content?subject=toan").json()["total"] == 3
    page = client.get("/api/v1/content?subject=toan&grade=9&size=1&page=2").json()
    assert page["total"] == 2 and len(page["items"]) == 1
