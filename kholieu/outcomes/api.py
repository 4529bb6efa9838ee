"""The outcome catalogue's JSON API: the picker's search, one outcome, import and export.

The catalogue is the curriculum's public text: anyone may read it (the picker, the browse page);
only editors change it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep, EditorDep
from kholieu.curriculum import subject_code
from kholieu.errors import ValidationFailed
from kholieu.i18n import Invalid
from kholieu.outcomes import formats
from kholieu.outcomes.deps import OutcomesDep
from kholieu.outcomes.schemas import ImportedOut, OutcomeOut, OutcomePage
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/outcomes", tags=["outcomes"])
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def subject_of(value: str | None) -> str | None:
    """A subject filter as typed (``toan``, ``Toán``, ``vat ly``); 422 naming it otherwise."""
    try:
        return subject_code(value)
    except Invalid as exc:
        raise ValidationFailed(exc.text, details={"field": "subject"}) from None


@router.get("")
def search_outcomes(
    user: AnyoneDep,
    outcomes: OutcomesDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    subject: Annotated[str | None, Query(max_length=60)] = None,
    grade: Annotated[int | None, Query(ge=1, le=12)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> OutcomePage:
    """Outcomes whose code, strand or text hold every word of ``q`` (with or without
    diacritics), a code's beginning first; without ``q``, the catalogue in its order."""
    found = outcomes.search(session, q, subject_of(subject), grade, limit)
    return OutcomePage(total=found.total, items=[OutcomeOut.model_validate(o) for o in found.items])


@router.get("/export")
def export_outcomes(
    user: AnyoneDep,
    outcomes: OutcomesDep,
    session: SessionDep,
    format: Literal["csv", "json"] = "csv",
    subject: Annotated[str | None, Query(max_length=60)] = None,
    grade: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> Response:
    """The catalogue (or one subject, one grade) as a file that ``POST /import`` reads back,
    retired outcomes included."""
    wanted = subject_of(subject)
    data = outcomes.export(session, format, subject=wanted, grade=grade)
    name = "yeu-cau-can-dat" + (f"-{wanted}" if wanted else "") + (f"-lop-{grade}" if grade else "")
    headers = {"Content-Disposition": f'attachment; filename="{name}.{format}"'}
    return Response(data, media_type=MEDIA[format], headers=headers)


@router.post("/import")
async def import_outcomes(
    user: EditorDep,
    outcomes: OutcomesDep,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="CSV or JSON: code, subject, grade, strand…")],
) -> ImportedOut:
    """Upsert by code, all or nothing: 422 with ``details.errors`` (line, field, message) for
    every bad row, and nothing stored. Codes missing from the file are kept."""
    data = await file.read(formats.MAX_BYTES + 1)
    done = await run_in_threadpool(outcomes.import_file, session, user, data, file.filename or "")
    return ImportedOut(**done.as_json())


@router.get("/{code}")
def get_outcome(
    code: Annotated[str, Path(max_length=80)], user: AnyoneDep, outcomes: OutcomesDep,
    session: SessionDep,
) -> OutcomeOut:  # fmt: skip
    return OutcomeOut.model_validate(outcomes.get(session, code))
