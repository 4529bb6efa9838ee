"""The demo's question bank: both presets can be built from it for Toán 12, Vật lí 12 and Toán 9,
through the API as a teacher would, several versions over; its questions are distinct as the
bank judges them, keyed right, and written as a textbook writes formulas."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from kholieu.bank import dedup
from kholieu.bank.models import Question
from kholieu.bank.schemas import fits_2025_sheet
from kholieu.cli.demo_data import DEMO_QUESTIONS, PASSWORD, load_demo
from kholieu.demo.exam_bank import COUNTS, SUBJECTS, exam_questions
from kholieu.demo.questions import questions
from kholieu.quiz import assembly
from kholieu.quiz import blueprint as bp
from tests.support.katex import node, render_mathml

PRESET_SUBJECTS = [("toan", 12), ("vat-li", 12), ("toan", 9)]


def test_both_presets_build_from_the_demo_for_three_subjects(services, client):
    load_demo(services)
    with services.sessions() as session:
        count = session.scalar(select(func.count(Question.id)))
    assert count == DEMO_QUESTIONS + len(list(exam_questions()))  # nothing skipped as a duplicate
    token = client.post("/api/v1/auth/token", data={"username": "giaovien", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for subject, grade in PRESET_SUBJECTS:
        for kind in ("exam_2025", "cv7991"):
            wanted = {"kind": kind, "subject": subject, "grade": grade}
            preset = client.get("/api/v1/blueprints/presets", headers=headers, params=wanted)
            assert preset.status_code == 200, preset.text
            plan = {**preset.json(), "versions": 4}
            checked = client.post("/api/v1/blueprints/check", headers=headers, json=plan)
            assert checked.status_code == 200 and checked.json()["shortages"] == [], checked.text
            for mode in ("exam", "practice"):
                made = client.post("/api/v1/quizzes", headers=headers,
                                   json={"title": f"{kind} {subject} {grade}",
                                         "blueprint": plan, "mode": mode})  # fmt: skip
                assert made.status_code == 201, (kind, subject, grade, mode, made.text)


@pytest.mark.parametrize(("subject", "grade"), PRESET_SUBJECTS)
def test_the_bank_has_spare_for_versions_each_drawn_anew(services, subject, grade):
    """Several mã đề, each with its own draw, and none of them repeats a question."""
    load_demo(services)
    for plan in (bp.exam_2025(subject, grade), bp.periodic_7991(subject, grade)):
        with services.sessions() as session:
            versions = assembly.assemble(session, plan, seed=7, versions=4, same_questions=False)
        assert len(versions) == 4
        for version in versions:
            ids = [item.question_id for item in version.items]
            assert len(ids) == len(set(ids)) == sum(s.count for s in plan.sections)
        assert len({frozenset(i.question_id for i in v.items) for v in versions}) == 4


def test_every_cell_the_presets_need_is_covered_with_spare():
    made = Counter((q["subject"], q["grade"], q["type"], q["level"]) for q in exam_questions())
    for subject, grade in SUBJECTS:
        for plan in (bp.exam_2025(subject, grade), bp.periodic_7991(subject, grade)):
            for section in plan.sections:
                for level, count in section.rows[0].counts.items():
                    have = made[(subject, grade, section.type.value, level)]
                    assert have >= 2 * count, (plan.title, section.title, level, have, count)
    assert sum(made.values()) == len(SUBJECTS) * sum(COUNTS.values())


def test_no_two_demo_questions_are_near_duplicates():
    index = dedup.DuplicateIndex(lambda _id: None)
    for n, question in enumerate(exam_questions()):
        sig = dedup.signature(question["type"], question)
        assert index.find(sig) is None, question["stem"]
        index.add_signature(n, sig)


def test_the_same_seed_gives_the_same_bank_and_the_ids_are_stable():
    first, second = list(exam_questions()), list(exam_questions())
    assert first == second
    assert len({q["external_id"] for q in first}) == len(first)


def test_keys_are_right_and_short_answers_fit_the_2025_sheet():
    for q in exam_questions():
        assert q["explanation"], q["stem"]
        match q["type"]:
            case "single_choice":
                assert len(set(q["options"])) == 4 and 0 <= q["answer"] < 4
            case "true_false_group":
                assert len(q["statements"]) == 4 and len(set(q["statements"])) == 4
                assert 0 < sum(q["answer"]) < 4  # never all true nor all false
            case "short_answer":
                assert fits_2025_sheet(q["answer"]), q
    # a sample worked by hand: the vertical asymptote of (ax + b)/(x - c) is x = c
    for q in exam_questions():
        if "tiệm cận đứng" in q["stem"]:
            c = re.search(r"\{x ([+-]) (\d+)\}", q["stem"])
            root = -int(c.group(2)) if c.group(1) == "+" else int(c.group(2))
            assert q["options"][q["answer"]] == f"$x = {root}$"


# `48x¹`, `(1x + 11)`, `x^{1}`, `+ 0`, `+ -3`: what a formatter must never write.
UGLY = re.compile(r"(?<![\d.,{}\w])1[a-z](?![a-z])|[a-z]\^\{?1\}?(?![\d])|¹|\+ 0(?![\d,{])"
                  r"|[+-] [+-]|\+ -|\^\{?0\}?(?!\d)")  # fmt: skip


def _texts(q: dict) -> list[str]:
    return [q["stem"], q.get("explanation", ""), *(q.get("options") or []),
            *(q.get("statements") or [])]  # fmt: skip


def test_demo_text_writes_formulas_as_a_textbook_does():
    seen = 0
    for q in [*exam_questions(), *questions(2000)]:
        for text in _texts(q):
            for formula in re.findall(r"\$([^$]*)\$", text):
                assert not UGLY.search(formula), formula
                seen += 1
    assert seen > 5000


def _formulas() -> list[str]:
    return sorted({f for q in [*exam_questions(), *questions(300)] for text in _texts(q)
                   for f in re.findall(r"\$([^$]*)\$", text)})  # fmt: skip


@pytest.mark.skipif(node() is None, reason="node is not installed")
def test_katex_typesets_every_demo_formula():
    formulas = _formulas()
    rendered = render_mathml(formulas)
    failed = [(f, r["error"]) for f, r in zip(formulas, rendered, strict=True) if "error" in r]
    assert not failed and len(formulas) > 1000


def test_printed_papers_draw_every_exam_bank_formula():
    from kholieu.quiz.printing.mathimage import formula

    printed = [[q["stem"], *(q.get("options") or []), *(q.get("statements") or [])]
               for q in exam_questions()]  # fmt: skip
    drawn = {f for texts in printed for text in texts for f in re.findall(r"\$([^$]*)\$", text)}
    assert sorted(f for f in drawn if formula(f) is None) == []
