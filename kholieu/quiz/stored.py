"""The shapes of a quiz's and an attempt's stored JSON, checked by ``kholieu.db.types.Stored``.

They are the shapes ``service.QuizService`` writes (``item_dict``, ``_grade``) and reads; the API
models in ``kholieu.quiz.schemas`` reuse them, so what is stored and what is shown are declared
once. Values are JSON's own: a question type is its string value, an option order a list.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from kholieu.bank.models import QuestionType
from kholieu.db.types import StoredModel

# A question type is stored as its value ("single_choice"); Strict(False) lets the string in.
TypeName = Annotated[QuestionType, Strict(False)]

# An answer key in the order the options are shown: an option index (single_choice), indexes
# (multiple_response), four booleans (true_false_group), text (short_answer); None for essays.
Key = int | str | list[int] | list[bool] | None

# A student's answer, in the order shown: the same kinds as a key, with None for a statement
# of a true/false group left unanswered (``service.check_answer`` says which fits which type).
AnswerValue = int | str | list[int] | list[bool | None] | None

# ``Attempt.answers``: question id (as a string, JSON keys are strings) -> the answer saved.
Answers = dict[str, AnswerValue]


class StoredRow(StoredModel):
    """``blueprint.Row`` as stored: the structure without the limits a new blueprint is held to
    (those may change; a quiz made under the old ones must still open)."""

    topic: str | None = None
    tags: list[str] = Field(default_factory=list)
    requirement: str | None = None
    outcomes: list[str] = Field(default_factory=list)
    counts: dict[str, int]


class StoredSection(StoredModel):
    """``blueprint.Section`` as stored."""

    title: str
    type: TypeName
    points_each: float
    shuffle_questions: bool = True
    shuffle_options: bool = True
    answer_sheet: Literal["2025", "text"] = "2025"
    rows: list[StoredRow]


class StoredBlueprint(StoredModel):
    """``Quiz.blueprint``: ``blueprint.Blueprint`` as stored, the same fields and defaults (a
    test keeps them in step), so blueprints stored before a field existed still read."""

    title: str
    subject: str
    grade: int
    duration_min: int
    versions: int = 1
    codes: list[str] | None = None
    partial_multiple: bool = False
    source: Literal["all", "bank", "mine"] = "all"
    import_id: str | None = None
    sections: list[StoredSection]


class QuizItem(StoredModel):
    """A question as one version (or one practice attempt) shows it, with its key: an element
    of ``Attempt.items`` and of an exam version's ``items``. Kept on the server."""

    id: int  # the question
    version: int  # the question's version this item shows
    type: TypeName
    points: float
    order: list[int] | None  # original option indexes in the order shown; None: as authored
    key: Key


class CheckResult(StoredModel):
    """Practice's feedback on one question of an attempt (``Attempt.checks``), kept so that a
    reload shows what was checked. ``final``: the answer was right or this was the last try
    the quiz allows (``Quiz.practice_checks``): the key and explanation were shown (unless the
    review is "never") and the question's answer can no longer change."""

    share: float
    correct: bool | None
    key: Key = None
    explanation: str = ""
    tries: int = 1
    final: bool = True


class ExamVersion(StoredModel):
    """An element of ``Quiz.versions``: one mã đề and its items in order."""

    code: str
    items: list[QuizItem]


class ItemResult(StoredModel):
    """An element of ``Attempt.results``, in the order of ``Attempt.items``."""

    id: int  # the question
    share: float  # of the item's points earned, 0–1
    earned: float  # points
    pending: bool  # an essay waiting for its teacher's mark
    statements: list[bool | None]  # true/false groups: each statement judged right; else []
    # An essay's mark: the teacher's comment, who marked it and when (ISO 8601), as the
    # attempt shows them; the audit log keeps every mark given.
    comment: str = ""
    marked_by: int | None = None
    marked_at: str | None = None
