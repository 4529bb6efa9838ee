"""The pages students take quizzes on: ``/ma-de`` (type the code the teacher gave) and
``/vao-thi/{token}`` (open the link the teacher sent) join a quiz; ``/lam-bai/{id}`` shows its
start screen, and the quiz itself once the student pressed "Bắt đầu làm bài" (a form POST with
the CSRF token: opening the page, following a link or a redirect never starts an attempt). The
quiz is then driven by the API from the browser: autosave, timer, resume."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kholieu.accounts.deps import SignedInDep
from kholieu.accounts.models import User
from kholieu.curriculum import SUBJECTS
from kholieu.db.base import aware, utcnow
from kholieu.errors import Conflict, NotFound, ValidationFailed
from kholieu.quiz import self_practice
from kholieu.quiz.deps import QuizzesDep
from kholieu.quiz.models import Quiz
from kholieu.quiz.service import QuizService
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(moment: datetime | None) -> str | None:
    return aware(moment).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if moment else None


def _state(quiz: Quiz, closes_at: datetime | None, attempts_left: int | None) -> str:
    """What the start screen offers: the button, or why not."""
    now = utcnow()
    if quiz.opens_at and now < aware(quiz.opens_at):
        return "not_open"
    if closes_at and now >= closes_at:
        return "closed"
    return "used_up" if attempts_left == 0 else "ready"


def _start_screen(
    request: Request, quizzes: QuizService, session: Session, user: User, quiz: Quiz,
    status_code: int = 200,
) -> Response:  # fmt: skip
    left = quizzes.attempts_left(session, quiz, user)
    closes_at = quizzes.closes_for(session, quiz, user)
    context = {
        "quiz": quiz, "attempts": quizzes.attempts_of(session, user, quiz),
        "attempts_left": left, "state": _state(quiz, closes_at, left),
        "questions": sum(
            sum(row["counts"].values()) for s in quiz.blueprint["sections"] for row in s["rows"]
        ),
        "closes_at": _local(closes_at), "opens_at": _local(quiz.opens_at),
        "refused": status_code == 409,
    }  # fmt: skip
    return render(request, "quiz/start.html", context, status_code=status_code)


@router.get("/lam-bai/{quiz_id}")
def take(
    request: Request,
    quiz_id: int,
    user: SignedInDep,
    quizzes: QuizzesDep,
    session: SessionDep,
    luot: Annotated[int | None, Query(description="a past attempt's id, to see its result")] = None,
) -> Response:
    """The attempt in progress, a past one's result (``?luot=``), or else the start screen."""
    quiz = quizzes.reachable(session, user, quiz_id)
    attempt = quizzes.open_attempt(session, user, quiz)
    if attempt is None and luot is not None:
        attempt = quizzes.attempt_for(session, user, luot)
        if attempt.quiz_id != quiz.id:
            raise NotFound("Bạn không có lượt làm số {luot}", luot=luot)
    if attempt is None:
        return _start_screen(request, quizzes, session, user, quiz)
    return render(request, "quiz/take.html", {"quiz": quiz, "attempt": attempt})


@router.post("/lam-bai/{quiz_id}", dependencies=[Depends(csrf.require_form_token)])
def begin(
    request: Request, quiz_id: int, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> Response:
    """ "Bắt đầu làm bài": start (or resume) the attempt, then show it."""
    quiz = quizzes.reachable(session, user, quiz_id)
    try:
        quizzes.start(session, user, quiz)
    except Conflict:  # closed, not open yet, no attempts left: the screen says which
        return _start_screen(request, quizzes, session, user, quiz, 409)
    return RedirectResponse(f"/lam-bai/{quiz.id}", status_code=303)


def _practice_form(request, session, subject="", grade=0, error=None, status=200):
    found = self_practice.topics(session, subject, grade) if subject in SUBJECTS and grade else []
    context = {"subjects": SUBJECTS, "subject": subject, "grade": grade, "topics": found,
               "error": error}  # fmt: skip
    return render(request, "quiz/self_practice.html", context, status_code=status)


@router.get("/luyen-tap")
def practice_form(
    request: Request, user: SignedInDep, session: SessionDep,
    mon: Annotated[str, Query(max_length=32)] = "", lop: Annotated[int, Query(ge=0, le=12)] = 0,
) -> Response:  # fmt: skip
    """Tự luyện tập: choose a subject and grade, then a topic and how many questions."""
    return _practice_form(request, session, mon, lop)


@router.post("/luyen-tap", dependencies=[Depends(csrf.require_form_token)])
def practice_go(
    request: Request, user: SignedInDep, session: SessionDep,
    subject: Annotated[str, Form(max_length=32)], grade: Annotated[int, Form(ge=1, le=12)],
    topic: Annotated[str, Form(max_length=300)] = "", count: Annotated[int, Form(ge=5, le=40)] = 10,
) -> Response:  # fmt: skip
    try:
        quiz = self_practice.start(session, user, subject, grade, topic, count)
    except (Conflict, ValidationFailed) as exc:
        error = {"available": exc.details.get("available", 0)}
        raise PageRefused(lambda: _practice_form(request, session, subject, grade, error,
                                                 409)) from None  # fmt: skip
    return RedirectResponse(f"/lam-bai/{quiz.id}", status_code=303)


@router.get("/ma-de")
def code_form(request: Request, user: SignedInDep) -> Response:
    return render(request, "quiz/code.html", {"error": None})


@router.post("/ma-de", dependencies=[Depends(csrf.require_form_token)])
def code_go(
    request: Request,
    user: SignedInDep,
    quizzes: QuizzesDep,
    session: SessionDep,
    code: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        quiz = quizzes.join(session, user, code=code)
    except NotFound:
        return render(request, "quiz/code.html", {"error": code}, status_code=404)
    return RedirectResponse(f"/lam-bai/{quiz.id}", status_code=303)


@router.get("/vao-thi/{token}")
def join_by_link(
    request: Request, token: str, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> Response:
    """The teacher's share link: joins the quiz (nothing more) and shows its start screen."""
    try:
        quiz = quizzes.join(session, user, token=token[:40])
    except NotFound:
        return render(request, "quiz/code.html", {"error": "link"}, status_code=404)
    return RedirectResponse(f"/lam-bai/{quiz.id}", status_code=303)
