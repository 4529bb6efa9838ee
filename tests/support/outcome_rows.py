"""Outcome catalogue rows for tests that need a few codes to exist (the seed catalogue is
another module's, and tests should not depend on its contents)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kholieu.config import load_settings
from kholieu.outcomes.models import Outcome


def add_outcomes(session: Session, outcomes: dict[str, str], subject: str = "toan") -> None:
    """``{code: text}`` as catalogue rows (grade from the code's second part), once each."""
    known = set(session.scalars(select(Outcome.code).where(Outcome.code.in_(list(outcomes)))))
    for position, (code, text) in enumerate(outcomes.items()):
        if code not in known:
            grade = int(code.split(".")[1]) if code.split(".")[1].isdigit() else 10
            session.add(Outcome(code=code, subject=subject, grade=grade, strand="Hàm số",
                                text=text, position=position, folded=code.lower()))  # fmt: skip


def add_to_server(data_dir: Path, outcomes: dict[str, str]) -> None:
    """The same, straight into a running ``kholieu serve``'s database (end-to-end tests)."""
    engine = create_engine(load_settings(data_dir=data_dir).database_url)
    try:
        with Session(engine) as session, session.begin():
            add_outcomes(session, outcomes)
    finally:
        engine.dispose()
