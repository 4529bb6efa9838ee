"""Every GIFT file of GIFT-grammar-PEG.js imports to what its .json twin says, for the types the
bank supports; matching questions and descriptions are reported with the reason, not mangled.

Where gift-peg and Moodle disagree we follow Moodle, whose importer teachers' files come from:
a true/false question's first feedback is for the wrong answer and the second for the right one
(gift-peg files them under "true" and "false" by position, which differs for TRUE answers).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from kholieu.bank import richtext
from kholieu.bank.formats import gift
from kholieu.bank.formats.text_formats import to_html
from kholieu.bank.schemas import QuestionIn, equal_shares
from tests.conformance.conftest import files, folder


def text(rich: str) -> str:
    return " ".join(richtext.to_text(rich).split())


def expected_text(value: dict | None) -> str:
    if not value:
        return ""
    return text(richtext.clean(to_html(value["text"], value.get("format", "moodle"))))


def check_choices(ours: QuestionIn, exp: dict) -> None:
    choices = exp["choices"]
    assert [text(o) for o in ours.options] == [expected_text(c["text"]) for c in choices]
    weights = ours.weights
    if weights is None and ours.type.value == "multiple_response":  # the usual equal shares
        weights = equal_shares(ours.answer, len(ours.options))
    for i, choice in enumerate(choices):
        weight = choice["weight"]
        if weight is None:
            weight = 100 if choice["isCorrect"] else 0
        ours_weight = weights[i] if weights else (100 if ours.answer == i else 0)
        assert ours_weight == pytest.approx(weight, abs=0.01), f"option {i}"
        feedback = ours.option_feedback[i] if ours.option_feedback else ""
        assert text(feedback) == expected_text(choice["feedback"]), f"feedback {i}"


def check_true_false(ours: QuestionIn, exp: dict) -> None:
    assert ours.options == list(gift.TRUE_FALSE)
    assert ours.answer == (0 if exp["isTrue"] else 1)
    feedback = {text(f) for f in ours.option_feedback or []} - {""}
    wanted = {expected_text(exp[k]) for k in ("trueFeedback", "falseFeedback")} - {""}
    assert feedback == wanted
    if not exp["isTrue"] and ours.option_feedback:  # here gift-peg and Moodle agree
        assert text(ours.option_feedback[0]) == expected_text(exp["trueFeedback"])


def numeric(spec: dict) -> tuple[Decimal, Decimal]:
    if spec["type"] == "high-low":
        low, high = Decimal(str(spec["numberLow"])), Decimal(str(spec["numberHigh"]))
        return (low + high) / 2, (high - low) / 2
    return Decimal(str(spec["number"])), Decimal(str(spec.get("range") or 0))


def check_short(ours: QuestionIn, exp: dict) -> None:
    accepted = {(a.value, a.weight) for a in ours.accept or []} | {(ours.answer, 100)}
    choices = exp["choices"]
    if exp["type"] == "Numerical":
        if isinstance(choices, dict):
            choices = [{"isCorrect": True, "weight": None, "text": choices, "feedback": None}]
        for choice in choices:
            if "format" in choice["text"]:  # the "anything else" (*) row: feedback only
                continue
            value, tolerance = numeric(choice["text"])
            weight = 100 if choice["weight"] is None else choice["weight"]
            match = [
                a for a in ours.accept or [] if Decimal(a.value) == value and a.weight == weight
            ]
            if match:
                assert Decimal(str(match[0].tolerance or 0)) == tolerance
            else:
                assert Decimal(ours.answer) == value and weight == 100
                assert Decimal(str(ours.tolerance or 0)) == tolerance
        return
    for choice in choices:
        weight = 100 if choice["weight"] is None else choice["weight"]
        assert (text(to_html(choice["text"]["text"], choice["text"]["format"])), weight) in {
            (text(v), w) for v, w in accepted
        }


@pytest.mark.parametrize("name", files("gift-peg", "*.gift"))
def test_gift_peg_file(name):
    source = folder("gift-peg") / name
    expected = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    records = list(gift.read(source, images=lambda *_: pytest.fail("no images expected")))
    questions = [e for e in expected if e["type"] != "Category"]
    assert len(records) == len(questions)
    categories = [e["title"] for e in expected if e["type"] == "Category"]
    for record, exp in zip(records, questions, strict=True):
        where = f"{name}:{record.line}"
        if exp["type"] == "Matching":
            assert record.error == "matching questions are not supported by the bank", where
            continue
        if exp["type"] == "Description":
            assert "a description" in record.error, where
            continue
        assert record.error is None, f"{where}: {record.error}"
        try:
            ours = QuestionIn.model_validate(record.data)
        except ValidationError as exc:
            pytest.fail(f"{where}: {exc}")
        assert text(ours.stem) == expected_text(exp["stem"]), where
        assert ours.title == (exp["title"] or ""), where
        assert ours.external_id == exp.get("id"), where
        assert ours.tags == (exp.get("tags") or []), where
        assert text(ours.explanation) == expected_text(exp.get("globalFeedback")), where
        if categories:
            assert ours.topic == gift.topic_of(categories[-1])
        kind = exp["type"]
        if kind == "MC":
            check_choices(ours, exp)
        elif kind == "TF":
            check_true_false(ours, exp)
        elif kind in ("Short", "Numerical"):
            assert ours.type.value == "short_answer", where
            check_short(ours, exp)
        elif kind == "Essay":
            assert ours.type.value == "essay", where
        else:
            pytest.fail(f"{where}: unexpected type {kind}")


def test_categories_become_topics():
    records = list(
        gift.parse("$CATEGORY: $course$/top/Đại số/Chương 1\n\nCâu hỏi?{=có ~không}\n", "t.gift")
    )
    assert records[0].data["topic"] == "Đại số/Chương 1"
