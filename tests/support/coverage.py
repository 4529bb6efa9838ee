"""Outcome rows for tests that need a catalogue (the catalogue's own import is tested apart)."""

from __future__ import annotations

from kholieu.bank.models import Question
from kholieu.outcomes.models import Outcome
from kholieu.search.analysis import fold


def add_outcomes(services, subject: str, grade: int, rows: list[tuple[str, str, str]]) -> None:
    """``rows``: (code, strand, text), inserted in this order."""
    with services.sessions.begin() as session:
        for position, (code, strand, text) in enumerate(rows):
            session.add(Outcome(code=code, subject=subject, grade=grade, strand=strand,
                                text=text, position=position,
                                folded=fold(f"{code} {strand} {text}")))  # fmt: skip


def tag_questions(services, codes: dict[int, list[str]]) -> None:
    """Set questions' outcome codes directly (question id → codes)."""
    with services.sessions.begin() as session:
        for qid, names in codes.items():
            session.get(Question, qid).yccd_codes = names
