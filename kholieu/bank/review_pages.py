"""Gửi duyệt on the pages: a teacher sends a question from its page (``/cau-hoi/{id}/gui-duyet``);
editors work through ``/cau-hoi/duyet``, approving or rejecting with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kholieu.accounts.deps import EditorDep, TeacherDep
from kholieu.bank.deps import ReviewsDep
from kholieu.bank.pages import safe
from kholieu.errors import Conflict, NotFound, ValidationFailed
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/cau-hoi", tags=["pages"], include_in_schema=False)


def _queue(request, reviews, session, editor, error=None, status=200) -> Response:
    context = {"queue": reviews.queue(session, editor), "rich": safe, "error": error}
    return render(request, "quiz/review_queue.html", context, status_code=status)


@router.get("/duyet")
def queue_page(
    request: Request, user: EditorDep, reviews: ReviewsDep, session: SessionDep
) -> Response:
    return _queue(request, reviews, session, user)


@router.post("/duyet/{question_id}", dependencies=[Depends(csrf.require_form_token)])
def decide(
    request: Request, question_id: int, user: EditorDep, reviews: ReviewsDep,
    session: SessionDep, decision: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    try:
        reviews.decide(session, user, question_id, decision == "approve", reason)
    except (ValidationFailed, NotFound) as exc:
        error = {"question_id": question_id, "missing": isinstance(exc, NotFound)}
        raise PageRefused(lambda: _queue(request, reviews, session, user, error, 422)) from None
    return RedirectResponse("/cau-hoi/duyet", status_code=303)


@router.post("/{question_id}/gui-duyet", dependencies=[Depends(csrf.require_form_token)])
def send(question_id: int, user: TeacherDep, reviews: ReviewsDep, session: SessionDep):
    """ "Gửi duyệt" on the question's page; back there, which shows "Chờ duyệt"."""
    try:
        reviews.request(session, user, [question_id])
    except (ValidationFailed, Conflict):
        return RedirectResponse(f"/cau-hoi/{question_id}?gui-duyet=loi", status_code=303)
    return RedirectResponse(f"/cau-hoi/{question_id}", status_code=303)
