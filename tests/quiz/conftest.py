"""Fixtures of the quiz tests: a bank of open questions (practice may draw them, reviews show
their keys) that fills the small blueprint, and API headers of a teacher and two students."""

from __future__ import annotations

import pytest

from tests.support.bank import fill


@pytest.fixture
def bank(services):
    fill(services, "toan", 10, {"single_choice": {"nhan_biet": 10},
                                "true_false_group": {"thong_hieu": 5},
                                "short_answer": {"van_dung": 5}}, exposure="open")  # fmt: skip


@pytest.fixture
def people(make_user, bearer):
    teacher, student, other = make_user("teacher"), make_user("student"), make_user("student")
    return {"teacher": bearer(teacher), "student": bearer(student), "other": bearer(other)}
