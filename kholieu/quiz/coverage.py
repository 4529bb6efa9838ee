"""A quiz's coverage of learning outcomes (yêu cầu cần đạt): which outcomes its questions
assess, with how many questions and points each, and which outcomes its blueprint's rows
target that no question drawn covers (a row may target several outcomes and be filled by
questions naming only some of them).

An exam's versions are assembled once and all hold the same questions (``assembly.assemble``
draws once for every mã đề), so the questions are those of its versions, each counted once.
A practice quiz draws anew at every attempt: its coverage is of the draw made with the quiz's
own seed (the one ``QuizService.create`` checked), a fair sample of what a student meets.
For the quiz's teacher only (the caller checks ``QuizService.owned``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.bank.models import Question
from kholieu.outcomes import catalogue
from kholieu.quiz import assembly
from kholieu.quiz import blueprint as blueprints
from kholieu.quiz.models import Quiz, QuizMode


def _questions(session: Session, quiz: Quiz, plan: blueprints.Blueprint) -> dict[int, float]:
    """Question id → its points in the quiz."""
    points: dict[int, float] = {}
    if quiz.mode == QuizMode.exam:
        for version in quiz.versions:
            for item in version["items"]:
                points.setdefault(item["id"], item["points"])
        return points
    try:
        drawn = assembly.draw(session, plan, quiz.seed, practice=True, owner_id=quiz.owner_id)
    except assembly.AssemblyFailed:
        return points  # the bank has shrunk since: nothing to show rather than a wrong sample
    for section, questions in zip(plan.sections, drawn, strict=True):
        for question in questions:
            points.setdefault(question.id, section.points_each)
    return points


def of_quiz(session: Session, quiz: Quiz) -> dict[str, Any]:
    """``covered``: each outcome the questions name (targeted ones first, in the blueprint's
    order), with its text, strand, question count and points; ``missing``: the blueprint's
    targeted outcomes no question covers; ``uncoded``: questions naming no outcome."""
    plan = blueprints.Blueprint.model_validate(quiz.blueprint)
    points = _questions(session, quiz, plan)
    codes_of: dict[int, list[str]] = {}
    if points:
        rows = session.execute(
            select(Question.id, Question.yccd_codes).where(Question.id.in_(list(points)))
        )
        codes_of = {qid: list(codes or []) for qid, codes in rows}
    tally: dict[str, list[float]] = {}  # code -> [questions, points]
    uncoded = 0
    for qid, value in points.items():
        codes = codes_of.get(qid) or []
        if not codes:
            uncoded += 1
        for code in dict.fromkeys(codes):
            counted = tally.setdefault(code, [0, 0.0])
            counted[0] += 1
            counted[1] += value
    targeted = blueprints.outcome_codes(plan)
    order = [c for c in targeted if c in tally] + sorted(c for c in tally if c not in targeted)
    rows_of = catalogue.by_code(session, [*order, *targeted])

    def described(code: str) -> dict[str, Any]:
        row = rows_of.get(code)
        return {"code": code, "text": row.text if row else "", "strand": row.strand if row else "",
                "targeted": code in targeted}  # fmt: skip

    return {
        "quiz_id": quiz.id, "sample": quiz.mode != QuizMode.exam, "questions": len(points),
        "covered": [described(code) | {"questions": int(tally[code][0]),
                                       "points": round(tally[code][1], 4)} for code in order],
        "missing": [described(code) for code in targeted if code not in tally],
        "uncoded": uncoded,
    }  # fmt: skip
