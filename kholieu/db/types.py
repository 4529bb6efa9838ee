"""Typed JSON columns: ``Stored(model)`` checks what goes into a JSON column and what comes out.

Why: a JSON column takes any shape, so a bug that writes ``{"item": …}`` for ``{"items": …}``
shows only when a student's attempt fails to load weeks later. A ``Stored`` column refuses,
when it is written, a value that does not fit its pydantic model, naming the column and the
field (``quizzes.versions: 0.items.3.points: Input should be a valid number``), and keeps the
value in an envelope ``{"v": 1, "data": …}`` so that a later change of shape can tell the rows
written before it from those written after.

Reading gives plain JSON values (dicts and lists), the shape the code has always indexed
(``item["id"]``), checked against the model; rows written before the envelope existed (plain
JSON) read as they are, and a row from a newer format (``"v": 2``) is refused rather than
misread. ``None`` is SQL NULL. The column type in the database stays JSON: no migration.

Because the data sits under ``"data"``, SQL that reaches into such a column by JSON path would
have to say so; nothing does (only ``IS NULL`` tests, which are unaffected).

Which columns are ``Stored``: those whose shape the code defines, with their models next to
their capability (``kholieu.quiz.stored``, ``kholieu.content.stored``, ``kholieu.video.stored``).
Left as plain JSON, open by design: ``Question.body`` and its versions (a question type's own
fields, checked by ``kholieu.bank.schemas``), ``Job.payload`` (each job's own arguments),
``ContentVersion.data`` (a snapshot of whatever fields were versioned then), audit ``detail``,
``ScormAttempt.data`` (what a package's SCORM runtime sends), the bank import's ``options`` and
``report``, and the lists of tags, authors, requirement codes and sketch bands.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from sqlalchemy import JSON, Column, Table, event
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from kholieu.errors import StoredDataInvalid, field_errors

FORMAT_VERSION = 1  # of the envelope and the models; raise it with a reader for the old one


class StoredModel(BaseModel):
    """Base of the models of stored JSON. Strict, so that ``"5"`` is not quietly stored as
    ``5`` (an int where a float is expected is fine), and closed, so that a misspelt key is
    refused rather than dropped; a model whose shape is open says so (``extra="allow"``)."""

    model_config = ConfigDict(strict=True, extra="forbid")


@functools.cache
def adapter(model: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per model (they are costly to build); containers such as
    ``list[Item]`` are strict like the models inside them."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        return TypeAdapter(model)
    return TypeAdapter(model, config=ConfigDict(strict=True))


def _name(model: Any) -> str:
    """``QuizItem``, or ``list[kholieu.quiz.stored.QuizItem]`` for a typing form."""
    return model.__name__ if isinstance(model, type) else repr(model)


def _problem(exc: ValidationError) -> tuple[str, str, int]:
    problems = field_errors(exc)
    field, message = problems[0]
    return field or "(the whole value)", message, len(problems)


class Stored(TypeDecorator[Any]):
    """A JSON column whose value fits ``model``: a pydantic model class, or a type a
    ``TypeAdapter`` takes (``list[Item]``, ``dict[str, Answer]``). One instance per column:
    the instance learns its ``table.column`` name for its messages when the column joins its
    table."""

    impl = JSON
    cache_ok = True  # the cache key is ``model`` (hashable: a class or a typing form)

    def __init__(self, model: Any) -> None:
        super().__init__(none_as_null=True)  # None is SQL NULL, not the JSON text 'null'
        self.model = model
        self.column = f"a {_name(model)} column"  # until the column joins its table
        self.named = False

    def __repr__(self) -> str:
        return f"Stored({_name(self.model)})"

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return {"v": FORMAT_VERSION, "data": self._checked(value, "cannot store this value")}

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self._checked(self._unwrap(value), "the stored value does not fit its model")

    def _checked(self, value: Any, refusal: str) -> Any:
        """``value`` validated against the model, as plain JSON values; StoredDataInvalid
        (``refusal``, the column and the first field) when it does not fit."""
        checker = adapter(self.model)
        try:
            checked = checker.validate_python(value)
        except ValidationError as exc:
            field, message, count = _problem(exc)
            raise StoredDataInvalid(
                "{column}: {refusal}: {field}: {message_}",
                column=self.column,
                refusal=refusal,
                field=field,
                message_=message,
                details={"column": self.column, "field": field, "errors": count},
            ) from None
        return checker.dump_python(checked, mode="json")

    def _unwrap(self, value: Any) -> Any:
        """The data of an envelope, or a row written before envelopes as it is. No stored
        shape is a dict with both "v" and "data" (answers are keyed by question id)."""
        if not (isinstance(value, dict) and "v" in value and "data" in value):
            return value
        if value["v"] != FORMAT_VERSION:
            raise StoredDataInvalid(
                "{column}: lưu ở phiên bản định dạng “{v}”, mã này không đọc được (mã đọc phiên "
                "bản {format_version}); có phải do bản phát hành mới hơn ghi?",
                column=self.column,
                v=value["v"],
                format_version=FORMAT_VERSION,
                details={"column": self.column, "version": value["v"]},
            )
        return value["data"]


@event.listens_for(Column, "after_parent_attach")
def _name_the_column(column: Column[Any], table: Table) -> None:
    """Tell a Stored type which column it serves, so its errors can say so. The first table
    names it: a copy of the table (``Table.to_metadata``) shares the type and must not."""
    if isinstance(column.type, Stored) and isinstance(table, Table) and not column.type.named:
        column.type.column, column.type.named = f"{table.name}.{column.name}", True
