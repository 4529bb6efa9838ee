"""Item analysis of a quiz (classical test theory), from its submitted attempts.

Per question: facility (mean share of the points earned), discrimination as the corrected
point-biserial correlation (the item against the total without it) and as the upper/lower 27 %
index, how often each option was chosen, and per statement of a true/false group how often it
was judged right. Per quiz: the score histogram on the 10-point scale and Cronbach's α. Weak
items are flagged with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import fmean, pvariance
from typing import Any

WEAK_DISCRIMINATION = 0.2
TOO_HARD, TOO_EASY = 0.2, 0.9


@dataclass
class ItemStats:
    question_id: int
    type: str
    answered: int
    facility: float
    point_biserial: float | None
    upper_lower: float | None
    options: list[int] = field(default_factory=list)  # times each option was chosen
    statements: list[float] = field(default_factory=list)  # share judged right, per statement
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizStats:
    attempts: int
    mean_10: float
    histogram: list[int]  # counts of scores 0–1, 1–2, …, 9–10 (10 included in the last)
    alpha: float | None
    items: list[ItemStats]


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None
    mx, my = fmean(xs), fmean(ys)
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy)


def cronbach_alpha(matrix: list[list[float]]) -> float | None:
    """α of an attempts × items matrix of points earned."""
    if len(matrix) < 2 or len(matrix[0]) < 2:
        return None
    k = len(matrix[0])
    item_variance = sum(pvariance([row[i] for row in matrix]) for i in range(k))
    total_variance = pvariance([sum(row) for row in matrix])
    if total_variance == 0:
        return None
    return k / (k - 1) * (1 - item_variance / total_variance)


def analyse(attempts: list[dict[str, Any]]) -> QuizStats:
    """``attempts``: each ``{"score", "max_score", "items": [{"id", "type", "points", "share",
    "answer" (in the question's own order), "statements"}]}``, every attempt with the same
    questions in any order (exam versions differ only in order)."""
    if not attempts:
        return QuizStats(0, 0.0, [0] * 10, None, [])
    by_id = [{item["id"]: item for item in a["items"]} for a in attempts]
    ids = list(dict.fromkeys(qid for rows in by_id for qid in rows))
    totals = [sum(r["share"] * r["points"] for r in rows.values()) for rows in by_id]
    order = sorted(range(len(attempts)), key=lambda i: totals[i])
    group = max(1, round(len(attempts) * 0.27))
    lower, upper = set(order[:group]), set(order[-group:])
    items = []
    for qid in ids:
        who = [i for i, rows in enumerate(by_id) if qid in rows]  # practice: not everyone
        rows = [by_id[i][qid] for i in who]
        shares = [r["share"] for r in rows]
        rest = [totals[i] - r["share"] * r["points"] for i, r in zip(who, rows, strict=True)]
        high = [by_id[i][qid]["share"] for i in who if i in upper]
        low = [by_id[i][qid]["share"] for i in who if i in lower]
        upper_lower = fmean(high) - fmean(low) if len(who) >= 4 and high and low else None
        stats = ItemStats(
            question_id=qid, type=rows[0]["type"],
            answered=sum(1 for r in rows if r.get("answer") not in (None, "", [])),
            facility=round(fmean(shares), 4),
            point_biserial=_round(_correlation(shares, rest)),
            upper_lower=_round(upper_lower),
        )  # fmt: skip
        _choices(stats, rows)
        _flag(stats)
        items.append(stats)
    same = all(set(rows) == set(by_id[0]) for rows in by_id)
    earned = [[rows[q]["share"] * rows[q]["points"] for q in ids] for rows in by_id] if same else []
    scores_10 = [a["score"] / a["max_score"] * 10 if a["max_score"] else 0 for a in attempts]
    histogram = [0] * 10
    for score in scores_10:
        histogram[min(9, int(score))] += 1
    alpha = _round(cronbach_alpha(earned)) if earned else None
    return QuizStats(len(attempts), round(fmean(scores_10), 2), histogram, alpha, items)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _choices(stats: ItemStats, rows: list[dict[str, Any]]) -> None:
    if stats.type in ("single_choice", "multiple_response"):
        width = max((r.get("options") or 4) for r in rows)
        counts = [0] * width
        for r in rows:
            answer = r.get("answer")
            for index in [answer] if isinstance(answer, int) else answer or []:
                if 0 <= index < width:
                    counts[index] += 1
        stats.options = counts
    elif stats.type == "true_false_group":
        judged = [r.get("statements") or [None] * 4 for r in rows]
        stats.statements = [round(fmean(1.0 if j[s] else 0.0 for j in judged), 4) for s in range(4)]


def _flag(stats: ItemStats) -> None:
    if stats.facility < TOO_HARD:
        stats.flags.append("too hard")
    elif stats.facility > TOO_EASY:
        stats.flags.append("too easy")
    if stats.point_biserial is not None and stats.point_biserial < 0:
        stats.flags.append("negative discrimination")
    elif stats.point_biserial is not None and stats.point_biserial < WEAK_DISCRIMINATION:
        stats.flags.append("weak discrimination")
