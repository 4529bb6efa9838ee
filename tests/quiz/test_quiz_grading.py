"""Golden tests for the 2025 scoring rules."""

from __future__ import annotations

import itertools

import pytest

from kholieu.quiz.grading import mark, on_ten, round_score

KEY = [True, False, True, True]


@pytest.mark.parametrize("given", list(itertools.product([True, False, None], repeat=4)))
def test_every_true_false_answer_earns_by_the_number_of_statements_right(given):
    right = sum(1 for g, k in zip(given, KEY, strict=True) if g is not None and g == k)
    expected = {0: 0, 1: 0.1, 2: 0.25, 3: 0.5, 4: 1}[right]
    marked = mark("true_false_group", {"answer": KEY}, list(given))
    assert marked.share == expected
    assert marked.statements == [
        None if g is None else g == k for g, k in zip(given, KEY, strict=True)
    ]


@pytest.mark.parametrize(
    ("given", "key", "share"),
    [("-1,5", "-1,5", 1), ("-1.5", "-1,5", 1), (" -1,50 ", "-1,5", 1), ("-1,6", "-1,5", 0),
     ("1,5", "-1,5", 0), ("0,5", ",5", 1), ("12", "12", 1), ("12", "12,0", 1),
     ("Hà Nội", "hà  nội", 1), ("Ha Noi", "Hà Nội", 0), ("", "0", 0), (None, "0", 0),
     (3, "3", 1), (True, "1", 0)],
)  # fmt: skip
def test_short_answers_compare_as_numbers_with_comma_decimals_else_as_text(given, key, share):
    assert mark("short_answer", {"answer": key}, given).share == share


def test_short_answer_tolerance_and_alternatives():
    body = {"answer": "3,14", "tolerance": 0.01, "accept": [{"value": "pi", "weight": 50}]}
    assert mark("short_answer", body, "3.15").share == 1
    assert mark("short_answer", body, "3.16").share == 0
    assert mark("short_answer", body, "PI").share == 0.5


def test_single_choice_and_multiple_response():
    assert mark("single_choice", {"answer": 2}, 2).share == 1
    assert mark("single_choice", {"answer": 2}, 1).share == 0
    assert mark("single_choice", {"answer": 0}, False).share == 0  # a boolean is not index 0
    body = {"answer": [0, 2]}
    assert mark("multiple_response", body, [2, 0]).share == 1
    assert mark("multiple_response", body, [0]).share == 0
    assert mark("multiple_response", body, [0], partial=True).share == 0.5
    assert mark("multiple_response", body, [0, 1], partial=True).share == 0
    weighted = {"answer": [0, 2], "weights": [50, -50, 50, -50]}
    assert mark("multiple_response", weighted, [0, 3], partial=True).share == 0


def test_essays_wait_for_a_teacher():
    marked = mark("essay", {}, "Bài làm")
    assert marked.pending and marked.correct is None


@pytest.mark.parametrize(
    ("score", "maximum", "ten"), [(7.25, 10, 7.25), (8.125, 10, 8.13), (13, 15, 8.67), (0, 0, 0)]
)
def test_scores_on_the_ten_point_scale_round_half_up(score, maximum, ten):
    assert on_ten(score, maximum) == ten
    assert round_score(2.675) == 2.68  # not 2.67, as float rounding would give
