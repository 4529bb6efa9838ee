"""Declarative base with a naming convention, so migrations name constraints the same way
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime
from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def in_utc(moment: datetime) -> datetime:
    """An aware moment as UTC, as it must be stored (SQLite keeps the wall time and drops
    the offset: 17:00+07:00 would come back as 17:00 UTC)."""
    return moment.astimezone(UTC)


# A time an API takes: with its offset (a bare time is refused), stored as UTC.
UtcMoment = Annotated[AwareDatetime, AfterValidator(in_utc)]


def aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes from timezone columns; the project stores UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
