"""Codes people read out and type: the share codes of quizzes and the join codes of classes."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


def new(length: int) -> str:
    """A random code of ``length`` characters of ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def typed(code: str) -> str:
    """A code as typed ("abc 12-34") as stored ("ABC1234")."""
    return "".join(code.split()).replace("-", "").upper()
