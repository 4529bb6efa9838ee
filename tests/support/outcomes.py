"""Putting outcomes in the catalogue for a test: what content, sections and questions name."""

from __future__ import annotations

from kholieu.outcomes.formats import Row


def add_outcomes(services, *codes: str, subject: str = "toan", grade: int = 10,
                 strand: str = "Mạch thử", text: str = "Yêu cầu cần đạt thử.") -> None:  # fmt: skip
    """Each code as an outcome (text ``text``, or ``text`` then the code when there are several)."""
    rows = [Row(n, code, subject, grade, strand, text if len(codes) == 1 else f"{text} {code}")
            for n, code in enumerate(codes, start=1)]  # fmt: skip
    with services.sessions.begin() as session:
        services.outcomes.upsert(session, rows)


def seed_outcomes(services) -> None:
    """The seed catalogue (Toán and Vật lí 10–12)."""
    with services.sessions.begin() as session:
        services.outcomes.seed(session)
