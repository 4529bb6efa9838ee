"""What the quiz API takes and gives (``kholieu.quiz.api``), as /openapi.json shows it.

The response models are also a guard: FastAPI sends only the fields they declare, so what a
student receives before the review policy allows is exactly ``QuestionShown`` and the attempt's
own fields, never a key, whatever the service's dict holds. Routes send only the fields the
service set (``response_model_exclude_unset``): the JSON is the service's, filtered.

The create-quiz and check-blueprint bodies are checked by the service (its messages are the
API's) and only documented here (``QuizIn``, ``blueprint.Blueprint``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from kholieu.bank.models import QuestionType
from kholieu.db.base import UtcMoment
from kholieu.quiz.blueprint import Blueprint
from kholieu.quiz.models import QuizMode
from kholieu.quiz.stats import QuizStats
from kholieu.quiz.stored import (
    Answers,
    AnswerValue,
    ExamVersion,
    ItemResult,
    Key,
    StoredBlueprint,
)
from kholieu.web.openapi import documented_as

Grading = Literal["highest", "last", "average"]
Review = Literal["after_submit", "after_close", "never"]
Moment = Annotated[str, Field(description="ISO 8601 with the UTC offset")]

# -- requests ------------------------------------------------------------------------------


class QuizSettings(BaseModel):
    """The rules a teacher sets; the blueprint is checked on its own (``blueprint.parse``)."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(default="", max_length=300)
    mode: QuizMode = QuizMode.practice
    time_limit_s: int | None = Field(default=None, ge=60, le=6 * 3600)
    access: Literal["link"] = "link"
    max_attempts: int | None = Field(default=None, ge=1, le=100)
    grading: Grading = "highest"
    review: Review = "after_submit"
    opens_at: UtcMoment | None = None
    closes_at: UtcMoment | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**31)
    practice_checks: int = Field(
        default=1, ge=0, le=5,
        description="practice: how many times each question may be checked before submitting "
        "(0: none); a right answer or the last try shows the key and locks the answer",
    )  # fmt: skip


class QuizIn(QuizSettings):
    """A new quiz (documentation only: ``QuizService.create`` checks it). An exam without
    ``time_limit_s`` gets the blueprint's duration, and without ``max_attempts`` one attempt."""

    blueprint: Blueprint


class AnswersIn(BaseModel):
    """Autosave: the answers given replace those saved for the same questions."""

    # Any value gets in; the service names the question whose answer has the wrong shape.
    answers: dict[str, Annotated[Any, documented_as(AnswerValue)]] = Field(max_length=500)


class JoinIn(BaseModel):
    """The share code a student types, or the token of the link they opened."""

    code: str = Field(default="", max_length=20)
    token: str = Field(default="", max_length=40)


class CheckIn(BaseModel):
    question_id: int
    answer: Annotated[Any, documented_as(AnswerValue)] = None


class EssayMarkIn(BaseModel):
    question_id: int
    points: float = Field(ge=0)
    comment: str = Field(default="", max_length=4000)  # the student reads it in the review
    step: float | None = Field(default=None, gt=0, le=10)  # points must be a multiple of it


# -- quizzes -------------------------------------------------------------------------------


class QuizBase(BaseModel):
    id: int
    title: str
    mode: QuizMode
    time_limit_s: int | None
    max_attempts: int | None
    grading: Grading
    review: Review
    opens_at: Moment | None
    closes_at: Moment | None
    practice_checks: int = Field(description="practice: checks allowed per question (0: none)")
    versions: list[str] = Field(description="the exam versions' codes (mã đề); [] in practice")
    questions: int | None = Field(description="per attempt; None in practice (drawn each time)")


class QuizSummary(QuizBase):
    code: str = Field(description="the share code students type")
    link: str = Field(description="the share link's path, the other way to join")


class QuizForStudent(QuizBase):
    """A quiz before starting it: no questions, no keys, no share code."""

    attempts_left: int | None


class QuizForTeacher(QuizSummary):
    """The quiz's teacher (or an editor) also gets the blueprint and every version's keys."""

    attempts_left: int | None
    blueprint: StoredBlueprint
    keys: list[ExamVersion]


def _quiz_view(value: Any) -> str:
    """Which view a quiz dict is: the teacher's carries the keys."""
    if isinstance(value, dict):
        return "teacher" if "keys" in value else "student"
    return "teacher" if isinstance(value, QuizForTeacher) else "student"


QuizView = Annotated[
    Annotated[QuizForTeacher, Tag("teacher")] | Annotated[QuizForStudent, Tag("student")],
    Discriminator(_quiz_view),
]

# -- attempts ------------------------------------------------------------------------------


class QuestionShown(BaseModel):
    """A question as a student sees it: text and choices only, options in the order shown."""

    id: int
    type: QuestionType
    stem: str
    points: float
    options: list[str] | None = Field(default=None, description="choice questions only")
    statements: list[str] | None = Field(default=None, description="true/false groups only")


class ReviewItem(ItemResult):
    """A graded question with its key: only once the quiz's review policy allows."""

    model_config = ConfigDict(strict=False, extra="ignore")  # a response, not a stored row

    points: float
    key: Key
    answer: AnswerValue
    explanation: str
    withheld: Literal["secure", "in_use"] | None = Field(
        default=None,
        description="why the key is not shown: a secure question, or one another quiz that "
        "still takes attempts uses",
    )


class AttemptResult(BaseModel):
    """A submitted attempt's score; ``items`` stay [] (and ``review`` says why) until the
    review policy allows showing keys."""

    score: float | None
    max_score: float
    score_10: float
    pending: bool = Field(description="an essay waits for its teacher's mark")
    items: list[ReviewItem]
    review: Literal["later", "none"] | None = Field(
        default=None, description="sent instead of the review: 'later' after the quiz closes"
    )


class AttemptBase(BaseModel):
    id: int
    quiz_id: int
    title: str
    mode: QuizMode
    number: int
    code: str = Field(description="the exam version (mã đề); '' in practice")
    deadline: Moment | None
    now: Moment = Field(description="the server's clock, for the timer")
    questions: list[QuestionShown]
    answers: Answers
    submitted: bool


class CheckShown(BaseModel):
    """A practice check made before a reload: right or not, the tries used, and once the
    question is settled (``final``: right, or its last try) the key and explanation the check
    showed (none while tries are left, nor when the quiz's review is "never")."""

    share: float
    correct: bool | None
    key: Key = None
    explanation: str = ""
    tries: int = 1
    final: bool = True


class OpenAttempt(AttemptBase):
    submitted: Literal[False]
    checks: dict[str, CheckShown] = Field(
        default_factory=dict, description="practice: the checks already made, by question id"
    )
    checks_allowed: int = Field(
        default=0, description="practice: checks allowed per question (the quiz's setting)"
    )


class SubmittedAttempt(AttemptResult, AttemptBase):
    """The attempt and its result (the fields keep the service's order: the attempt's first)."""

    submitted: Literal[True]


AttemptView = OpenAttempt | SubmittedAttempt  # told apart by ``submitted``


class Saved(BaseModel):
    saved: int = Field(description="how many answers this request saved")
    saved_at: Moment
    answers: Answers = Field(
        description="every answer stored now, from every device: another device's later save "
        "of a question shows here"
    )


class Checked(BaseModel):
    """Practice mode's feedback on one answer: right or not and the tries left; once the
    question is settled (right, or no try left: ``final``, its answer then locked) the key and
    the explanation, unless the quiz's review is "never"."""

    question_id: int
    share: float
    correct: bool | None
    key: Key = None
    explanation: str = ""
    tries: int
    tries_left: int
    final: bool


class PracticeTopic(BaseModel):
    topic: str
    count: int


class PracticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(max_length=32)
    grade: int = Field(ge=1, le=12)
    topic: str = Field(default="", max_length=300)
    count: int = Field(default=10, ge=5, le=40)


class MyAttempt(BaseModel):
    id: int
    quiz_id: int
    title: str
    mode: QuizMode
    number: int
    submitted: bool
    submitted_at: str | None
    score_10: float | None
    pending: bool  # an essay still waits for its mark
    review: bool  # the review policy lets me open it now


class EssayMarked(BaseModel):
    score: float | None
    max_score: float
    pending: bool


# -- a quiz's results ----------------------------------------------------------------------


class AttemptRow(BaseModel):
    id: int
    student: str
    user_id: int
    number: int
    code: str
    score: float | None
    max_score: float
    score_10: float
    submitted_at: Moment


class CountedScore(BaseModel):
    user_id: int
    student: str
    score_10: float = Field(description="by the quiz's grading rule: highest, last or average")


class Participant(BaseModel):
    user_id: int
    student: str
    joined_at: Moment
    started: int = Field(description="attempts started")
    submitted: int = Field(description="attempts submitted")


class Participants(BaseModel):
    participants: list[Participant]


class QuizResults(BaseModel):
    attempts: list[AttemptRow]
    counted: list[CountedScore]
    stats: QuizStats


# -- blueprints ----------------------------------------------------------------------------


class ShortageOut(BaseModel):
    """A matrix cell the bank cannot fill: ``found`` of ``needed`` questions at ``level``, and
    how many questions the row's part of the bank holds at each level (``available``; the key
    "" counts those without a level). ``message`` says it all in a sentence."""

    section: int
    row: int
    level: str
    level_name: str  # "Nhận biết"
    needed: int
    found: int
    missing: int
    available: dict[str, int]
    message: str


class BlueprintCheck(BaseModel):
    questions: int
    max_points: float
    points_by_level: dict[str, float]
    level_names: dict[str, str]  # the name of each level code above ("nhan_biet": "Nhận biết")
    shortages: list[ShortageOut]


class CoveredOutcome(BaseModel):
    """An outcome a quiz's questions assess: how many of them, for how many points."""

    code: str
    text: str  # the catalogue's text ("" for a code the catalogue does not hold)
    strand: str
    targeted: bool  # one of the blueprint's rows targets it
    questions: int
    points: float


class MissingOutcome(BaseModel):
    """An outcome the blueprint targets that no question of the quiz covers."""

    code: str
    text: str
    strand: str
    targeted: bool


class QuizCoverage(BaseModel):
    quiz_id: int
    sample: bool  # practice: the questions of one draw (each attempt draws anew)
    questions: int
    covered: list[CoveredOutcome]
    missing: list[MissingOutcome]
    uncoded: int  # questions naming no outcome
