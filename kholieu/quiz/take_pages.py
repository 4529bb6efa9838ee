"""The pages students take quizzes on: ``/lam-bai/{id}`` (the quiz, driven by the API from
the browser: autosave, timer, resume) and ``/ma-de`` (type the code the teacher gave)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kholieu.accounts.deps import SignedInDep
from kholieu.errors import NotFound
from kholieu.quiz.deps import QuizzesDep
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/lam-bai/{quiz_id}")
def take(
    request: Request, quiz_id: int, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> Response:
    quiz = quizzes.get(session, quiz_id)
    return render(request, "quiz/take.html", {"quiz": quiz})


@router.get("/ma-de")
def code_form(request: Request, user: SignedInDep) -> Response:
    return render(request, "quiz/code.html", {"error": None})


@router.post("/ma-de", dependencies=[Depends(csrf.require_form_token)])
def code_go(
    request: Request,
    user: SignedInDep,
    quizzes: QuizzesDep,
    session: SessionDep,
    code: Annotated[str, Form(max_length=12)],
) -> Response:
    try:
        quiz = quizzes.by_code(session, code)
    except NotFound:
        return render(request, "quiz/code.html", {"error": code}, status_code=404)
    return RedirectResponse(f"/lam-bai/{quiz.id}", status_code=303)
