"""Scoring one answer by the rules of the 2025 national exam, and a test on the 10-point scale.

Answers are in the question's own order (the attempt maps what a student saw back first):
``single_choice`` an option index, ``multiple_response`` a list of indexes, ``true_false_group``
four booleans (None for unanswered), ``short_answer`` a string, ``essay`` text graded by hand.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kholieu.bank.schemas import number

# 1, 2, 3 or 4 statements judged right earn 0.1, 0.25, 0.5 or 1 of the question's points.
TRUE_FALSE_SHARES = {0: 0.0, 1: 0.1, 2: 0.25, 3: 0.5, 4: 1.0}


@dataclass(frozen=True)
class Marked:
    """What an answer earned: a share of the question's points; ``pending`` for essays."""

    share: float
    pending: bool = False
    statements: list[bool | None] = field(default_factory=list)  # right per statement, or None

    @property
    def correct(self) -> bool | None:
        return None if self.pending else self.share >= 1.0


def text_key(text: str) -> str:
    """Short text answers compare without case, accents' encoding or extra spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _same(given: str, expected: str, tolerance: float | None) -> bool:
    a, b = number(given), number(expected)
    if a is not None and b is not None:
        return abs(a - b) <= (tolerance or 0) + 1e-9
    return text_key(given) == text_key(expected)


def _short(body: dict[str, Any], answer: Any) -> float:
    if not isinstance(answer, str | int | float) or isinstance(answer, bool):
        return 0.0
    given = str(answer).strip()
    if not given:
        return 0.0
    if _same(given, str(body["answer"]), body.get("tolerance")):
        return 1.0
    for other in body.get("accept") or []:
        if _same(given, other["value"], other.get("tolerance")):
            return max(0.0, other.get("weight", 100) / 100)
    return 0.0


def _multiple(body: dict[str, Any], answer: Any, partial: bool) -> float:
    if not isinstance(answer, list) or not all(isinstance(i, int) for i in answer):
        return 0.0
    chosen, key = set(answer), set(body["answer"])
    if not partial:
        return 1.0 if chosen == key else 0.0
    if body.get("weights"):
        earned = sum(body["weights"][i] for i in chosen if 0 <= i < len(body["weights"]))
        return min(1.0, max(0.0, earned / 100))
    right, wrong = len(chosen & key), len(chosen - key)
    return max(0.0, (right - wrong) / len(key))


def _true_false(body: dict[str, Any], answer: Any) -> Marked:
    given = answer if isinstance(answer, list) else []
    judged = [
        (given[i] == expected) if i < len(given) and isinstance(given[i], bool) else None
        for i, expected in enumerate(body["answer"])
    ]
    return Marked(TRUE_FALSE_SHARES[sum(1 for j in judged if j)], statements=judged)


def mark(qtype: str, body: dict[str, Any], answer: Any, *, partial: bool = False) -> Marked:
    """The share of a question's points ``answer`` earns (``partial``: multiple_response
    earns per option instead of all-or-nothing)."""
    if answer is None and qtype != "essay":
        return Marked(0.0)
    match qtype:
        case "single_choice":
            hit = isinstance(answer, int) and not isinstance(answer, bool)
            return Marked(1.0 if hit and answer == body["answer"] else 0.0)
        case "multiple_response":
            return Marked(_multiple(body, answer, partial))
        case "true_false_group":
            return _true_false(body, answer)
        case "short_answer":
            return Marked(_short(body, answer))
        case "essay":
            return Marked(0.0, pending=True)
    raise ValueError(f"no scoring rule for question type {qtype!r}")


def round_score(value: float, places: int = 2) -> float:
    """Half up, as marks are rounded on Vietnamese score sheets (8.125 → 8.13)."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def on_ten(score: float, max_score: float) -> float:
    """A score on the 10-point scale, rounded to two decimals."""
    return round_score(score / max_score * 10) if max_score else 0.0
