"""Saving a question the bank already holds (or nearly: case, spacing, option order) is refused
with 409 ``duplicate_question`` naming the one there, unless the saver asks to keep both; a
question the saver cannot see is never named; an edit is checked only when its text changes."""

from __future__ import annotations

import pytest

SINGLE = {"type": "single_choice", "stem": "Đạo hàm của $x^3$ tại $x = 2$ bằng",
          "options": ["12", "8", "6", "4"], "answer": 0, "subject": "toan",
          "grade": 11}  # fmt: skip


@pytest.fixture
def people(make_user, bearer):
    return {name: bearer(make_user(role)) for name, role in
            (("an", "teacher"), ("binh", "teacher"), ("editor", "editor"))}  # fmt: skip


def test_the_same_question_twice_is_refused_and_names_the_first(client, people):
    first = client.post("/api/v1/questions", json=SINGLE, headers=people["an"]).json()["id"]
    again = client.post("/api/v1/questions?lang=vi", json=SINGLE, headers=people["an"])
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "duplicate_question"
    assert error["details"] == {"question": first, "similarity": 1.0, "url": f"/cau-hoi/{first}"}
    assert f"câu #{first}" in error["message"] and "trùng" in error["message"]
    near = {**SINGLE, "stem": "đạo hàm  của $x^3$ tại $x = 2$ bằng:",
            "options": ["8", "12", "4", "6"], "answer": 1}  # fmt: skip
    refused = client.post("/api/v1/questions", json=near, headers=people["an"])
    assert refused.status_code == 409 and refused.json()["error"]["details"]["question"] == first
    listed = client.get("/api/v1/questions", headers=people["an"]).json()
    assert listed["total"] == 1  # nothing stored by the refusals
    # asked to keep both, the bank keeps both
    kept = client.post("/api/v1/questions?duplicates=keep", json=SINGLE, headers=people["an"])
    assert kept.status_code == 201 and kept.json()["id"] != first
    # another number is another question
    other = {
        **SINGLE,
        "stem": "Đạo hàm của $x^3$ tại $x = 3$ bằng",
        "options": ["27", "9", "6", "3"],
    }
    assert client.post("/api/v1/questions", json=other, headers=people["an"]).status_code == 201
    bad = client.post("/api/v1/questions?duplicates=maybe", json=SINGLE, headers=people["an"])
    assert bad.status_code == 422


def test_a_question_the_saver_cannot_see_is_never_named(client, people):
    assert client.post("/api/v1/questions", json=SINGLE, headers=people["an"]).status_code == 201
    # An's draft is An's: Bình saving the same text learns nothing of it
    assert client.post("/api/v1/questions", json=SINGLE, headers=people["binh"]).status_code == 201
    # the editor sees both drafts, so is warned
    assert (
        client.post("/api/v1/questions", json=SINGLE, headers=people["editor"]).status_code == 409
    )


def test_an_edit_is_checked_when_its_text_changes(client, people):
    first = client.post("/api/v1/questions", json=SINGLE, headers=people["an"]).json()["id"]
    other = {
        **SINGLE,
        "stem": "Đạo hàm của $x^2$ tại $x = 5$ bằng",
        "options": ["10", "25", "5", "2"],
    }
    second = client.post("/api/v1/questions", json=other, headers=people["an"]).json()["id"]
    into_copy = client.put(f"/api/v1/questions/{second}", json=SINGLE, headers=people["an"])
    assert into_copy.status_code == 409
    assert into_copy.json()["error"]["details"]["question"] == first
    # its own text saved again (a new tag) is no duplicate of itself
    retagged = client.put(f"/api/v1/questions/{first}", json={**SINGLE, "tags": ["đạo hàm"]},
                          headers=people["an"])  # fmt: skip
    assert retagged.status_code == 200
    kept = client.put(f"/api/v1/questions/{second}?duplicates=keep", json=SINGLE,
                      headers=people["an"])  # fmt: skip
    assert kept.status_code == 200
    # once a copy on purpose, editing its metadata does not ask again
    tagged = client.put(f"/api/v1/questions/{second}", json={**SINGLE, "topic": "Đạo hàm"},
                        headers=people["an"])  # fmt: skip
    assert tagged.status_code == 200
