"""Fixtures of the classes tests: a bank of open questions of every type, essays included,
for the quizzes assigned to classes."""

from __future__ import annotations

import pytest

from tests.support.bank import fill


@pytest.fixture
def bank(services):
    fill(services, "toan", 10, {"single_choice": {"nhan_biet": 10},
                                "true_false_group": {"thong_hieu": 5},
                                "short_answer": {"van_dung": 5},
                                "essay": {"van_dung": 2}}, exposure="open")  # fmt: skip
