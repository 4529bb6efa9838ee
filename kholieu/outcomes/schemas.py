"""What the outcome API sends."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OutcomeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    subject: str
    grade: int
    strand: str
    text: str
    retired: bool


class OutcomePage(BaseModel):
    total: int
    items: list[OutcomeOut]


class ImportedOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    retired: int
