"""How printed papers number their questions: as the 2025 format does, "Câu 1" again at the
start of each PHẦN (I: choice, II: true/false, III: short answer, IV: essay). The paper, the
Word paper, the keys and the answer sheet all number from here, so they agree; two sections of
the same part (single and multiple choice, both PHẦN I) count on from each other."""

from __future__ import annotations

from collections.abc import Iterable

PARTS = {"single_choice": "I", "multiple_response": "I", "true_false_group": "II",
         "short_answer": "III", "essay": "IV"}  # fmt: skip


def numbers(types: Iterable[str]) -> list[tuple[str, int]]:
    """``(part, number)`` for each question in paper order: ``("III", 1)`` is PHẦN III's Câu 1."""
    seen: dict[str, int] = {}
    out = []
    for kind in types:
        part = PARTS[kind]
        seen[part] = seen.get(part, 0) + 1
        out.append((part, seen[part]))
    return out


def label(part: str, number: int) -> str:
    """The column a scanned sheet may name a question by: ``III.1``."""
    return f"{part}.{number}"
