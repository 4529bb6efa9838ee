"""What the classes API takes and gives (``kholieu.classes.api``), as /openapi.json shows it.
Views are picked by who asks: a student's has no join code."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from kholieu.db.base import UtcMoment
from kholieu.i18n import Invalid

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class ClassIn(BaseModel):
    """A new class: "10A1", its school, grade and school year ("2026-2027")."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, StringConstraints(min_length=1, max_length=120)]
    school: Annotated[Text, StringConstraints(max_length=200)] = ""
    grade: int = Field(ge=1, le=12)
    school_year: Annotated[Text, StringConstraints(pattern=r"^\d{4}-\d{4}$")]

    @field_validator("school_year")
    @classmethod
    def _one_year(cls, value: str) -> str:
        start, end = (int(part) for part in value.split("-"))
        if end != start + 1:
            raise Invalid(
                "Năm học kéo dài từ một năm sang năm sau ({start}-{value})",
                start=start,
                value=start + 1,
            )
        return value


class JoinIn(BaseModel):
    code: Annotated[Text, StringConstraints(min_length=1, max_length=20)]


class SignupIn(BaseModel):
    """A new student's own account, made with a class's code (when its teacher allows)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]  # họ và tên
    username: Annotated[Text, StringConstraints(min_length=2, max_length=63)]
    password: Annotated[str, StringConstraints(max_length=256)]


class SignupView(BaseModel):
    user_id: int
    username: str
    class_id: int


class SignupSwitch(BaseModel):
    open: bool


class TeacherIn(BaseModel):
    username: Annotated[Text, StringConstraints(min_length=1, max_length=64)]


class ClassForStudent(BaseModel):
    id: int
    name: str
    school: str
    grade: int
    school_year: str
    archived: bool
    role: Literal["teacher", "student"]  # what the one asking is in this class
    teachers: list[str]  # names, the class's own teacher first


class ClassForTeacher(ClassForStudent):
    code: str
    students: int
    signup_open: bool  # new students may make their own accounts with the code


class Member(BaseModel):
    user_id: int
    name: str
    username: str
    role: Literal["teacher", "student"]
    student_number: str
    joined_at: str  # ISO 8601 with the UTC offset
    owner: bool  # the class's own teacher (cannot be removed)


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opens_at: UtcMoment | None = None
    closes_at: UtcMoment | None = None  # for a lesson: the due date


class LessonAssignmentIn(Window):
    """A published content item for the class to study."""

    item_id: int
    title: Annotated[Text, StringConstraints(max_length=300)] = ""  # default: the item's


class QuizAssignmentIn(Window):
    """One of my quizzes for the class: a copy made for it, with these rules (those left out
    are the quiz's)."""

    quiz_id: int
    title: Annotated[Text, StringConstraints(max_length=300)] = ""
    max_attempts: int | None = Field(default=None, ge=1, le=100)
    time_limit_s: int | None = Field(default=None, ge=60, le=6 * 3600)
    review: Literal["after_submit", "after_close", "never"] | None = None
    grading: Literal["highest", "last", "average"] | None = None


class AllowanceIn(BaseModel):
    """For one student: attempts and minutes beyond the quiz's, a later close of their own."""

    model_config = ConfigDict(extra="forbid")

    user_id: int
    extra_attempts: int = Field(default=0, ge=0, le=10)
    extra_minutes: int = Field(default=0, ge=0, le=24 * 60)
    closes_at: UtcMoment | None = None


class AssignmentView(BaseModel):
    id: int
    class_id: int
    kind: Literal["lesson", "practice", "exam"]
    title: str
    item_id: int | None
    quiz_id: int | None
    window: Literal["not_open", "open", "closed"]
    opens_at: str | None
    closes_at: str | None
    # a student's own (absent in a teacher's list)
    status: str | None = None
    score_10: float | None = None
    attempts: int | None = None
    class_name: str | None = None


class StudentProgress(BaseModel):
    user_id: int
    name: str
    student_number: str
    status: str  # not_started, in_progress, submitted, needs_marking; lessons: opened, done
    score_10: float | None = None
    attempts: int | None = None
    last_attempt_id: int | None = None
    watched: float | None = None


class Progress(BaseModel):
    assignment: AssignmentView
    counts: dict[str, int]
    students: list[StudentProgress]


class Allowance(BaseModel):
    user_id: int
    extra_attempts: int
    extra_minutes: int
    closes_at: str | None


class Cell(BaseModel):
    status: str
    score_10: float | None = None
    attempts: int | None = None
    last_attempt_id: int | None = None
    watched: float | None = None


class GradebookRow(BaseModel):
    user_id: int
    name: str
    username: str
    student_number: str
    cells: list[Cell]  # in the order of ``assignments``


class ClassRef(BaseModel):
    id: int
    name: str
    school_year: str


class GradebookTable(BaseModel):
    # "class" is Python's: the field keeps its JSON name through the alias
    class_: ClassRef = Field(alias="class")
    assignments: list[AssignmentView]
    rows: list[GradebookRow]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Essay(BaseModel):
    attempt_id: int
    question_id: int
    student: str
    user_id: int
    stem: str
    model_answer: str
    answer: str
    points: float
    earned: float | None
    comment: str


class EssayQueue(BaseModel):
    assignment: AssignmentView
    essays: list[Essay]


class ItemForTeacher(BaseModel):
    id: int
    type: str
    stem: str
    points: float
    options: list[str] | None = None
    statements: list[str] | None = None
    answer: Any = None
    key: Any = None
    explanation: str
    result: dict[str, Any] | None


class AttemptForTeacher(BaseModel):
    id: int
    quiz_id: int
    title: str
    number: int
    student: str
    user_id: int
    code: str
    source: str
    submitted: bool
    score: float | None
    max_score: float
    score_10: float | None
    items: list[ItemForTeacher]


class OutcomeRef(BaseModel):
    code: str
    text: str  # the catalogue's ("" for a code it does not hold)
    strand: str


class OutcomeCell(BaseModel):
    """One student's (or the class's) graded items of one outcome (``classes.heatmap``)."""

    earned: float
    possible: float
    n: int  # items
    percent: float | None  # earned / possible × 100, one decimal; None without items
    enough: bool  # n ≥ min_items
    band: Literal["high", "mid", "low", "none"]


class OutcomeRow(BaseModel):
    user_id: int
    name: str
    student_number: str
    cells: list[OutcomeCell]  # in the order of ``outcomes``


class OutcomeHeatmap(BaseModel):
    class_: ClassRef = Field(alias="class")
    outcomes: list[OutcomeRef]
    rows: list[OutcomeRow]
    total: list[OutcomeCell]  # the whole class
    attempts: int  # submitted attempts counted
    pending: int  # essays left out, waiting for a mark
    min_items: int

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
