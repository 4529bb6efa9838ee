"""What the classes API takes and gives (``kholieu.classes.api``), as /openapi.json shows it.
Views are picked by who asks: a student's has no join code."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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
            raise ValueError(f"a school year runs from one year to the next ({start}-{start + 1})")
        return value


class JoinIn(BaseModel):
    code: Annotated[Text, StringConstraints(min_length=1, max_length=20)]


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


class Member(BaseModel):
    user_id: int
    name: str
    username: str
    role: Literal["teacher", "student"]
    student_number: str
    joined_at: str  # ISO 8601 with the UTC offset
    owner: bool  # the class's own teacher (cannot be removed)
