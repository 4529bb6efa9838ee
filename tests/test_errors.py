"""kholieu.errors: pydantic's complaints as the (field, message) lines users are shown."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from kholieu.errors import field_errors, first_problem


class Item(BaseModel):
    title: str
    grade: int
    options: list[str] = []

    @field_validator("title")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


def problems(data: object, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        Item.model_validate(data)
    return field_errors(info.value, **kwargs)


def test_fields_are_dotted_and_value_error_is_dropped():
    found = problems({"title": " ", "grade": "muoi", "options": ["a", 2]})
    assert found[0] == ("title", "must not be blank")
    assert found[1][0] == "grade" and "integer" in found[1][1]
    assert found[2][0] == "options.1"


def test_verbatim_keeps_pydantic_s_words():
    assert problems({"title": " ", "grade": 1}, verbatim=True) == [
        ("title", "Value error, must not be blank")
    ]


def test_the_whole_object_has_no_field_name():
    with pytest.raises(ValidationError) as info:
        Item.model_validate("not an object")
    assert first_problem(info.value)[0] == ""
