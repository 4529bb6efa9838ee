"""GET /sach: the textbook shelf (each book opens in the reader at /sach/{id})."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.curriculum import SERIES, SUBJECTS
from kholieu.textbooks import shelf
from kholieu.web.deps import SessionDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/sach")
def shelf_page(
    request: Request,
    user: AnyoneDep,
    session: SessionDep,
    subject: str | None = None,
    grade: int | None = None,
    series: str | None = None,
) -> Response:
    found = shelf.books(session, user, subject=subject, grade=grade, series=series)
    return render(request, "textbooks/shelf.html", {
        "books": found, "subjects": shelf.subjects_present(session, user),
        "chosen": {"subject": subject or "", "grade": grade or "", "series": series or ""},
        "subject_names": SUBJECTS, "series_names": SERIES,
    })  # fmt: skip
