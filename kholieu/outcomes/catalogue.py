"""Looking outcomes up by code: what the rest of the product asks of the catalogue."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.errors import ValidationFailed
from kholieu.i18n import Invalid
from kholieu.outcomes.codes import normalise_codes
from kholieu.outcomes.models import Outcome


def unknown_codes(session: Session, codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` the catalogue does not hold (retired ones are known: what
    named them before keeps its meaning)."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return []
    known = set(session.scalars(select(Outcome.code).where(Outcome.code.in_(wanted))))
    return [code for code in wanted if code not in known]


def checked_codes(
    session: Session, values: Iterable[str], *, field: str = "yccd_codes"
) -> list[str]:
    """``values`` as catalogue codes (normalised, no duplicates), or a 422 naming each code the
    catalogue does not hold: nothing is stored naming an outcome that does not exist. A value
    that cannot be a code at all is a 422 too, naming it."""
    try:
        codes = normalise_codes(list(values))
    except Invalid as exc:
        raise ValidationFailed(exc.text, details={"field": field}) from None
    missing = unknown_codes(session, codes)
    if missing:
        raise ValidationFailed(
            "Không có trong danh mục yêu cầu cần đạt: {codes}",
            codes=", ".join(missing),
            details={"field": field, "unknown": missing},
        )
    return codes


def by_code(session: Session, codes: Iterable[str]) -> dict[str, Outcome]:
    """The catalogue's rows for ``codes``, keyed by code (unknown codes are absent)."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return {}
    rows = session.scalars(select(Outcome).where(Outcome.code.in_(wanted)))
    return {row.code: row for row in rows}
