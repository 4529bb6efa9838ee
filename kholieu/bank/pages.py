"""Teachers' and editors' pages for the question bank: the browser with filters, the editor
with a live preview, and the import page with upload progress and a per-question report.
The pages call the JSON API from the browser; the rules live in the service."""

from __future__ import annotations

from typing import Annotated

import nh3
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kholieu.accounts.deps import TeacherDep, signed_in
from kholieu.bank import listing, richtext
from kholieu.bank.api import EXPORT_SUFFIX, page_of
from kholieu.bank.deps import BankDep, ReviewsDep
from kholieu.bank.exporter import Filters
from kholieu.bank.formats import READERS
from kholieu.bank.models import Exposure, QuestionStatus, QuestionType
from kholieu.bank.schemas import NO_KEY_TAG, lacks_key
from kholieu.bank.service import as_native, image_key
from kholieu.curriculum import LEVELS, SUBJECTS
from kholieu.search.deps import SearchingDep
from kholieu.web.deps import SessionDep, StoreDep
from kholieu.web.templating import render

router = APIRouter(prefix="/cau-hoi", tags=["pages"], include_in_schema=False)
PAGE_SIZE = 20
CHOICES = {
    "subjects": SUBJECTS, "levels": LEVELS, "grades": range(1, 13),
    "types": [t.value for t in QuestionType], "statuses": [s.value for s in QuestionStatus],
    "exposures": [e.value for e in Exposure],
    "formats": ["docx", *sorted(set(EXPORT_SUFFIX) - {"docx"})],  # Word first, and chosen
    "format_names": {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "moodle": "Moodle XML",
                     "qti": "QTI (.zip)"},
    "accept": ",".join(sorted(READERS)),
    "no_key_tag": NO_KEY_TAG,
}  # fmt: skip


@router.get("")
def bank(
    request: Request,
    user: TeacherDep,
    searching: SearchingDep,
    reviews: ReviewsDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=300)] = "",
    subject: str | None = None,
    grade: Annotated[str | None, Query()] = None,
    topic: str | None = None,
    level: str | None = None,
    type: str | None = None,
    status: str | None = None,
    exposure: str | None = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    yccd: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    grade_number = int(grade) if grade and grade.isdigit() else None
    code = (yccd or "").strip().upper() or None
    filters = Filters(subject or None, grade_number, topic or None, level or None, type or None,
                      status or None, tag or None, exposure or None, code)  # fmt: skip
    if q.strip():  # the question search teachers use when building tests
        found = page_of(listing.search(searching, session, user, q, filters, page, PAGE_SIZE))
    else:
        found = page_of(listing.page(session, user, filters, page, PAGE_SIZE))
    chosen = {k: v for k, v in request.query_params.items() if v and k != "page"}
    context = {
        **CHOICES, "found": found, "chosen": chosen, "page": page,
        "pages": max(1, -(-found.total // PAGE_SIZE)), "rich": safe,
        "lacks_key": lacks_key,
        "reviews": reviews.of(session, [q.id for q in found.items if q.owner_id == user.id]),
    }  # fmt: skip
    return render(request, "quiz/bank.html", context)


@router.get("/moi")
def new_question(request: Request, user: TeacherDep) -> Response:
    blank = {"type": "single_choice", "stem": "", "options": ["", "", "", ""], "answer": None}
    return render(request, "quiz/editor.html", {**CHOICES, "question": None, "data": blank})


@router.get("/nhap")
def import_page(request: Request, user: TeacherDep) -> Response:
    return render(request, "quiz/import.html", CHOICES)


@router.get("/{question_id}")
def edit_question(
    request: Request, question_id: int, user: TeacherDep, bank: BankDep,
    reviews: ReviewsDep, session: SessionDep,
) -> Response:  # fmt: skip
    question = bank.get(session, user, question_id)
    uses = bank.where_used(session, question_id)
    context = {**CHOICES, "question": question, "data": as_native(question), "uses": uses,
               "review": reviews.of(session, [question.id]).get(question.id),
               "mine": question.owner_id == user.id,
               "send_failed": request.query_params.get("gui-duyet") == "loi"}  # fmt: skip
    return render(request, "quiz/editor.html", context)


def safe(html: str) -> str:
    """Stored rich text is sanitised on the way in; cleaning again on the way out costs little
    and keeps a template from ever trusting the database."""
    return nh3.clean(
        html, tags=richtext.TAGS, attributes=richtext.ATTRIBUTES,
        attribute_filter=richtext.attribute_filter,
    )  # fmt: skip


@router.get("/anh/{sha256}", dependencies=[Depends(signed_in)])
def image(sha256: str, bank: BankDep, store: StoreDep, session: SessionDep) -> Response:
    """Images shown in questions, to anyone signed in (students see them in quizzes). Stored
    by checksum, so they never change: cached for a year."""
    row = bank.image(session, sha256)
    with store.get(image_key(sha256)) as stream:
        data = stream.read()
    return Response(
        data,
        media_type=row.mime,
        headers={
            "Cache-Control": "private, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )
