"""Teachers' and editors' pages for the question bank: the browser with filters, the editor
with a live preview, and the import page with upload progress and a per-question report.
The pages call the JSON API from the browser; the rules live in the service."""

from __future__ import annotations

from typing import Annotated, Any

import nh3
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from kholieu.accounts.authz import teachers
from kholieu.accounts.models import User
from kholieu.curriculum import LEVELS, SUBJECTS
from kholieu.quiz import richtext
from kholieu.quiz.api import EXPORT_SUFFIX, Filters, page_of, search_page_of
from kholieu.quiz.formats import READERS
from kholieu.quiz.models import QuestionStatus, QuestionType
from kholieu.quiz.schemas import QuestionIn, first_error
from kholieu.quiz.service import as_native
from kholieu.web.deps import ServicesDep, SessionDep
from kholieu.web.templating import render

router = APIRouter(prefix="/cau-hoi", tags=["pages"], include_in_schema=False)
preview = APIRouter(prefix="/api/v1/questions", tags=["questions"])
TeacherDep = Annotated[User, Depends(teachers)]
PAGE_SIZE = 20
CHOICES = {
    "subjects": SUBJECTS, "levels": LEVELS, "grades": range(1, 13),
    "types": [t.value for t in QuestionType], "statuses": [s.value for s in QuestionStatus],
    "formats": sorted(EXPORT_SUFFIX), "accept": ",".join(sorted(READERS)),
}  # fmt: skip


@router.get("")
def bank(
    request: Request,
    user: TeacherDep,
    services: ServicesDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=300)] = "",
    subject: str | None = None,
    grade: Annotated[str | None, Query()] = None,
    topic: str | None = None,
    level: str | None = None,
    type: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    grade_number = int(grade) if grade and grade.isdigit() else None
    filters = Filters(subject or None, grade_number, topic or None, level or None, type or None,
                      status or None)  # fmt: skip
    if q.strip():  # the question search teachers use when building tests
        found = search_page_of(services, session, user, q, filters, page, PAGE_SIZE)
    else:
        found = page_of(session, user, filters, page, PAGE_SIZE)
    chosen = {k: v for k, v in request.query_params.items() if v and k != "page"}
    context = {
        **CHOICES, "found": found, "chosen": chosen, "page": page,
        "pages": max(1, -(-found.total // PAGE_SIZE)), "rich": safe,
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
    request: Request, question_id: int, user: TeacherDep, services: ServicesDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    question = services.questions.get(session, user, question_id)
    uses = services.questions.where_used(session, question_id)
    context = {**CHOICES, "question": question, "data": as_native(question), "uses": uses}
    return render(request, "quiz/editor.html", context)


@preview.post("/preview")
def preview_question(user: TeacherDep, data: dict[str, Any]) -> dict[str, Any]:
    """What the editor's text becomes once stored: sanitised HTML to show (math is rendered by
    KaTeX in the page), or the first problem, named by field."""
    try:
        question = QuestionIn.model_validate(data)
    except ValidationError as exc:
        return {"ok": False, "error": first_error(exc), "html": _rough(data)}
    body = question.body()
    return {"ok": True, "error": None, "html": {
        "stem": body["stem"], "options": body.get("options", []),
        "statements": body.get("statements", []), "explanation": body.get("explanation", ""),
    }}  # fmt: skip


def _rough(data: dict[str, Any]) -> dict[str, Any]:
    """A preview of invalid input all the same (sanitised), so the teacher sees what they type."""

    def clean(value: Any) -> str:
        return richtext.clean(value) if isinstance(value, str) else ""

    def many(value: Any) -> list[str]:
        return [clean(v) for v in value] if isinstance(value, list) else []

    return {"stem": clean(data.get("stem")), "options": many(data.get("options")),
            "statements": many(data.get("statements")),
            "explanation": clean(data.get("explanation"))}  # fmt: skip


def safe(html: str) -> str:
    """Stored rich text is sanitised on the way in; cleaning again on the way out costs little
    and keeps a template from ever trusting the database."""
    return nh3.clean(
        html, tags=richtext.TAGS, attributes=richtext.ATTRIBUTES,
        attribute_filter=richtext.attribute_filter,
    )  # fmt: skip
