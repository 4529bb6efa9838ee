"""Item analysis against figures worked out by hand."""

from __future__ import annotations

import pytest

from kholieu.quiz.stats import analyse, cronbach_alpha


def attempt(shares, answers=None):
    items = [{"id": n + 1, "type": "single_choice", "points": 1, "share": s, "options": 4,
              "answer": (answers or [0, 0, 0])[n], "statements": []}
             for n, s in enumerate(shares)]  # fmt: skip
    return {"score": sum(shares), "max_score": len(shares), "items": items}


def test_facility_discrimination_alpha_and_distractors():
    result = analyse([attempt([1, 1, 1]), attempt([1, 1, 0], [0, 0, 2]),
                      attempt([1, 0, 0], [0, 3, 2]), attempt([0, 0, 0], [1, 3, 1])])  # fmt: skip
    first, second, third = result.items
    assert [i.facility for i in result.items] == [0.75, 0.5, 0.25]
    assert first.upper_lower == second.upper_lower == third.upper_lower == 1
    assert first.point_biserial == pytest.approx(0.5222, abs=1e-4)
    assert result.alpha == pytest.approx(0.75)
    assert third.options == [1, 1, 2, 0]  # A once (the key), C twice: a strong distractor
    assert result.histogram == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1] and result.mean_10 == 5.0


def test_weak_items_are_flagged_with_the_reason():
    # item 1: the strongest students miss it; item 3: everyone gets it
    rows = [attempt([0, 1, 1]), attempt([0, 1, 1]), attempt([1, 0, 1]), attempt([1, 0, 1]),
            attempt([1, 1, 1])]  # fmt: skip
    flags = {i.question_id: i.flags for i in analyse(rows).items}
    assert flags[1] == ["negative discrimination"]
    assert flags[3] == ["too easy"]


def test_true_false_statements_and_practice_sets_that_differ():
    tfg = {"id": 9, "type": "true_false_group", "points": 1, "share": 0.25, "answer": [True] * 4,
           "statements": [True, True, False, None]}  # fmt: skip
    other = {**tfg, "share": 1, "statements": [True, True, True, True]}
    extra = {"id": 10, "type": "short_answer", "points": 1, "share": 1, "answer": "5"}
    result = analyse([{"score": 0.25, "max_score": 1, "items": [tfg]},
                      {"score": 2, "max_score": 2, "items": [other, extra]}])  # fmt: skip
    assert result.items[0].statements == [1.0, 1.0, 0.5, 0.5]
    assert [i.question_id for i in result.items] == [9, 10]
    assert result.alpha is None  # not the same questions in every attempt


def test_alpha_needs_variance():
    assert cronbach_alpha([[1, 1], [1, 1]]) is None
    assert cronbach_alpha([[1, 0]]) is None
