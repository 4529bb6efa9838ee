"""``/goc-hoc-tap``: the learner's own page. It only gathers what each capability already
says about the signed-in user (their assignments, attempts, videos, SCORM lessons); every rule
stays with the capability that owns it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kholieu.accounts.deps import SignedInDep
from kholieu.classes.assignment_pages import local
from kholieu.classes.deps import AssignmentsDep
from kholieu.content import views
from kholieu.content.packages import scorm
from kholieu.quiz.deps import QuizzesDep
from kholieu.video import positions
from kholieu.web.deps import SessionDep
from kholieu.web.templating import render

router = APIRouter(prefix="/goc-hoc-tap", tags=["pages"], include_in_schema=False)


@router.get("")
def my_space(
    request: Request,
    user: SignedInDep,
    assignments: AssignmentsDep,
    quizzes: QuizzesDep,
    session: SessionDep,
) -> Response:
    context = {
        "assigned": assignments.mine(session, user),
        "attempts": quizzes.history(session, user),
        "watching": positions.recent(session, user),
        "opened": views.recent_items(session, user),
        "lessons": scorm.lessons_of(session, user),
        "local": local,
    }
    return render(request, "space/space.html", context)
