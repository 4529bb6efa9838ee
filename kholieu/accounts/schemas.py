"""What the users API (administration) takes and gives (``kholieu.accounts.admin_api``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
RoleName = Literal["student", "teacher", "editor", "admin"]


class UserIn(BaseModel):
    """A new account; without ``password`` it gets a one-time password (sent back once)."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[Text, StringConstraints(min_length=2, max_length=63)]
    display_name: Annotated[Text, StringConstraints(max_length=200)] = ""
    role: RoleName = "student"
    password: Annotated[str, StringConstraints(max_length=128)] | None = None
    student_number: Annotated[Text, StringConstraints(max_length=32)] | None = None
    birth_date: date | None = None


class UserChange(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[Text, StringConstraints(max_length=200)] | None = None
    role: RoleName | None = None
    is_active: bool | None = None
    student_number: Annotated[Text, StringConstraints(max_length=32)] | None = None
    birth_date: date | None = None


class UserView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    is_active: bool
    student_number: str | None
    birth_date: date | None
    must_change_password: bool


class UserPage(BaseModel):
    users: list[UserView]
    total: int
    page: int


class IssuedView(BaseModel):
    """An account and its one-time password: shown once, never stored in clear."""

    user: UserView
    password: str


class Imported(BaseModel):
    created: list[IssuedView] = Field(description="every account made, with its password")
