"""Blueprints are bounded (issue 15, item 2): no YAML alias multiplies them, and sections,
rows, questions and text have limits a real test is far inside, each refused by name."""

from __future__ import annotations

import pytest

from kholieu.errors import ValidationFailed
from kholieu.quiz import blueprint as bp
from tests.support.web import csrf_from, sign_in

# 8 KB of this shape expands to a million rows through yaml.safe_load
BOMB = """
title: Bom
subject: toan
grade: 10
duration_min: 10
x1: &a [{counts: {nhan_biet: 1}}, {counts: {nhan_biet: 1}}, {counts: {nhan_biet: 1}}]
x2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
sections: [{title: I, type: single_choice, points_each: 1, rows: *b}]
"""


def test_yaml_aliases_and_anchors_are_refused_with_the_line():
    with pytest.raises(ValidationFailed) as refused:
        bp.parse_text(BOMB)
    assert "line 6" in refused.value.message and "anchors" in refused.value.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(sections=[d["sections"][0]] * 21), "sections"),
        (lambda d: d["sections"][0].update(rows=[{"counts": {"nhan_biet": 1}}] * 101), "rows"),
        (lambda d: d["sections"][0]["rows"][0].update(counts={"nhan_biet": 200, "thong_hieu": 200}),
         "400 questions, more than 300"),
        (lambda d: d["sections"][0]["rows"][0].update(tags=["x"] * 21), "tags"),
        (lambda d: d["sections"][0]["rows"][0].update(topic="x" * 301), "topic"),
    ],
)  # fmt: skip
def test_oversized_blueprints_name_the_limit(change, words):
    data = {"title": "T", "subject": "toan", "grade": 10, "duration_min": 10,
            "sections": [{"title": "I", "type": "single_choice", "points_each": 1,
                          "rows": [{"counts": {"nhan_biet": 1}}]}]}  # fmt: skip
    change(data)
    with pytest.raises(ValidationFailed) as refused:
        bp.parse(data)
    assert words in refused.value.message


def test_a_text_past_64_kb_is_refused_before_it_is_read():
    with pytest.raises(ValidationFailed) as refused:
        bp.parse_text("title: x\n" + "#" * (65 * 1024))
    assert "64 KB" in refused.value.message


def test_the_new_quiz_form_refuses_the_bomb_and_fills_a_missing_title(client, services, make_user):
    from tests.support.bank import fill

    fill(services, "toan", 10, {"single_choice": {"nhan_biet": 2}})
    sign_in(client, make_user("teacher"))
    token = csrf_from(client.get("/bai-kiem-tra/moi").text)
    form = {"csrf_token": token, "source": "yaml", "mode": "exam", "title": "Bài của cô"}
    bomb = client.post("/bai-kiem-tra/moi", data={**form, "blueprint": BOMB})
    assert (bomb.status_code == 422 and "aliases" in bomb.text) or "anchors" in bomb.text
    plain = (
        "subject: toan\ngrade: 10\nduration_min: 10\nsections:\n"
        "  - {title: I, type: single_choice, points_each: 5, rows: [{counts: {nhan_biet: 2}}]}"
    )
    made = client.post("/bai-kiem-tra/moi", data={**form, "blueprint": plain},
                       follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    assert "Bài của cô" in client.get(made.headers["location"]).text
