"""``/yccd``: the outcome catalogue to browse (subject → grade → strand → outcomes) and search,
on a phone too; editors also import a file (every bad row shown with its line and field) and
export. It works without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kholieu.accounts.deps import AnyoneDep, EditorDep
from kholieu.accounts.models import User
from kholieu.curriculum import SUBJECTS
from kholieu.errors import ValidationFailed
from kholieu.outcomes import formats
from kholieu.outcomes.deps import OutcomesDep
from kholieu.outcomes.service import Imported, OutcomeCatalogue
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)
RESULTS = 50


def _page(
    request: Request, user: User | None, outcomes: OutcomeCatalogue, session: Session, *,
    subject: str = "", grade: int | None = None, q: str = "", imported: Imported | None = None,
    import_errors: dict[str, Any] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    subject = subject if subject in SUBJECTS else ""
    counts = outcomes.counts(session)
    if subject and grade is None and len(counts.get(subject, {})) == 1:
        grade = next(iter(counts[subject]))
    found = outcomes.search(session, q, subject or None, grade, RESULTS) if q.strip() else None
    strands = outcomes.strands(session, subject, grade) if subject and grade and not found else []
    context = {
        "subjects": SUBJECTS, "counts": counts, "subject": subject, "grade": grade, "q": q,
        "found": found, "strands": strands, "imported": imported,
        "import_errors": import_errors, "limits": {"mb": formats.MAX_BYTES // 2**20,
                                                   "rows": formats.MAX_ROWS},
    }  # fmt: skip
    return render(request, "outcomes/catalogue.html", context, status_code=status)


@router.get("/yccd")
def catalogue_page(
    request: Request,
    user: AnyoneDep,
    outcomes: OutcomesDep,
    session: SessionDep,
    subject: Annotated[str, Query(max_length=60)] = "",
    grade: Annotated[int | None, Query(ge=1, le=12)] = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    return _page(request, user, outcomes, session, subject=subject, grade=grade, q=q)


@router.post("/yccd/nhap", dependencies=[Depends(csrf.require_form_token)])
async def import_page(
    request: Request,
    user: EditorDep,
    outcomes: OutcomesDep,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """The same import as ``POST /api/v1/outcomes/import``; a refused file shows every bad row
    under the form, with nothing stored."""
    data = await file.read(formats.MAX_BYTES + 1)
    name = file.filename or ""
    try:
        done = await run_in_threadpool(outcomes.import_file, session, user, data, name)
    except ValidationFailed as exc:
        shown = {"message": exc.message, "file": name[:200], **(exc.details or {})}
        raise PageRefused(lambda: _page(request, user, outcomes, session,
                                        import_errors=shown, status=422)) from None  # fmt: skip
    return _page(request, user, outcomes, session, imported=done)
