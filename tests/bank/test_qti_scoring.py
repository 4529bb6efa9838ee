"""The QTI 3.0 export scores like the 2025 exam when a QTI player runs its response processing.

``Scorer`` below evaluates the part of QTI response processing the export writes (conditions,
match, equal with tolerance, sum, set-outcome-value, and the match_correct / map_response
templates), following the QTI 3.0 specification's definitions of those operators.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from typing import Any

import defusedxml.ElementTree as SafeET
import pytest

from kholieu.bank.formats.qti_read import normalise
from kholieu.bank.formats.qti_write import write
from kholieu.bank.schemas import QuestionIn, number

GROUP = {"type": "true_false_group", "stem": "Cho hàm số $y=x^3-3x$.",
         "statements": ["a", "b", "c", "d"], "answer": [True, False, True, True]}  # fmt: skip


class Scorer:
    def __init__(self, item) -> None:
        self.item = item
        self.declarations = {d.get("identifier"): d for d in item.iter("responseDeclaration")}

    def score(self, responses: dict[str, Any]) -> float:
        self.values: dict[str, Any] = dict(responses)
        for outcome in self.item.iter("outcomeDeclaration"):
            default = outcome.find("defaultValue/value")
            self.values[outcome.get("identifier")] = (
                float(default.text) if default is not None else 0
            )
        rp = self.item.find("responseProcessing")
        if rp is None:
            return 0.0
        template = rp.get("template", "")
        if template.endswith("match_correct.xml"):
            right = self._match(responses["RESPONSE"], self._correct("RESPONSE"))
            return 1.0 if right else 0.0
        if template.endswith("map_response.xml"):
            return self._map("RESPONSE", responses["RESPONSE"])
        for rule in rp:
            self._rule(rule)
        return float(self.values["SCORE"])

    def _correct(self, identifier: str) -> Any:
        declaration = self.declarations[identifier]
        values = [v.text for v in declaration.find("correctResponse").iter("value")]
        if declaration.get("cardinality") == "multiple":
            return set(values)
        value = values[0]
        return float(value) if declaration.get("baseType") == "float" else value

    def _map(self, identifier: str, response: Any) -> float:
        mapping = self.declarations[identifier].find("mapping")
        entries = {e.get("mapKey"): float(e.get("mappedValue")) for e in mapping.iter("mapEntry")}
        if all(e.get("caseSensitive") == "false" for e in mapping.iter("mapEntry")):
            entries = {k.lower(): v for k, v in entries.items()}
            response = response.lower() if isinstance(response, str) else response
        keys = response if isinstance(response, set) else {response}
        total = sum(entries.get(k, float(mapping.get("defaultValue", 0))) for k in keys)
        low, high = mapping.get("lowerBound"), mapping.get("upperBound")
        total = max(total, float(low)) if low is not None else total
        return min(total, float(high)) if high is not None else total

    @staticmethod
    def _match(a: Any, b: Any) -> bool:
        return a is not None and a == b

    def _rule(self, rule) -> None:
        if rule.tag == "responseCondition":
            for branch in rule:
                if branch.tag == "responseElse" or self._expr(branch[0]):
                    for action in list(branch)[0 if branch.tag == "responseElse" else 1 :]:
                        self._rule(action)
                    return
        elif rule.tag == "setOutcomeValue":
            self.values[rule.get("identifier")] = self._expr(rule[0])
        else:
            raise AssertionError(f"the export wrote {rule.tag}, which this scorer does not know")

    def _expr(self, node) -> Any:
        tag = node.tag
        if tag == "variable":
            return self.values.get(node.get("identifier"))
        if tag == "correct":
            return self._correct(node.get("identifier"))
        if tag == "baseValue":
            return float(node.text) if node.get("baseType") in ("float", "integer") else node.text
        if tag == "match":
            return self._match(self._expr(node[0]), self._expr(node[1]))
        if tag == "sum":
            return sum(self._expr(child) for child in node)
        if tag == "equal":
            a, b = self._expr(node[0]), self._expr(node[1])
            tolerance = float(node.get("tolerance").split()[0])
            return a is not None and abs(a - b) <= tolerance
        raise AssertionError(f"the export wrote <{tag}>, which this scorer does not know")


def exported_item(data: dict) -> Scorer:
    question = QuestionIn.model_validate(data)
    buffer = io.BytesIO()
    write([{"type": question.type.value, **question.body()}], buffer)
    with zipfile.ZipFile(buffer) as package:
        name = next(n for n in package.namelist() if n.startswith("items/"))
        return Scorer(normalise(SafeET.fromstring(package.read(name))))


@pytest.mark.parametrize("judged", list(itertools.product([True, False], repeat=4)))
def test_true_false_group_scores_by_the_2025_rule(judged):
    scorer = exported_item(GROUP)
    responses = {f"R{'ABCD'[i]}": "T" if v else "F" for i, v in enumerate(judged)}
    right = sum(a == b for a, b in zip(judged, GROUP["answer"], strict=True))
    assert scorer.score(responses) == {0: 0, 1: 0.1, 2: 0.25, 3: 0.5, 4: 1}[right]


def test_an_unanswered_statement_is_not_right():
    scorer = exported_item(GROUP)
    assert scorer.score({"RA": "T", "RB": None, "RC": "T", "RD": "T"}) == 0.5


@pytest.mark.parametrize(
    ("typed", "score"), [("-1,5", 1), ("-1.5", 1), ("-15", 0), ("1,5", 0), ("", 0)]
)
def test_short_answer_accepts_either_decimal_separator(typed, score):
    scorer = exported_item({"type": "short_answer", "stem": "x = ?", "answer": "-1,5"})
    assert scorer.score({"RESPONSE": typed}) == score


@pytest.mark.parametrize(("typed", "score"), [(3.1416, 1), (3.1411, 1), (3.15, 0)])
def test_numeric_short_answer_within_tolerance(typed, score):
    data = {"type": "short_answer", "stem": "π ≈ ?", "answer": "3.1415", "tolerance": 0.0005}
    assert exported_item(data).score({"RESPONSE": typed}) == score
    assert number("3.1415") == 3.1415


def test_choices_and_weights():
    single = {"type": "single_choice", "stem": "?", "options": ["a", "b", "c"], "answer": 1}
    assert exported_item(single).score({"RESPONSE": "C1"}) == 1
    assert exported_item(single).score({"RESPONSE": "C0"}) == 0
    weighted = {**single, "weights": [50, 100, 0]}
    assert exported_item(weighted).score({"RESPONSE": "C0"}) == 0.5
    multi = {"type": "multiple_response", "stem": "?", "options": ["a", "b", "c"], "answer": [0, 2]}
    assert exported_item(multi).score({"RESPONSE": {"C0", "C2"}}) == 1
    assert exported_item(multi).score({"RESPONSE": {"C0"}}) == 0
