"""The assignments API: a class's teachers assign lessons and quizzes, follow who has done
what, grant one student more time or another attempt, read the gradebook and export it, open
a student's attempt and the essays to mark; a student lists what is assigned to them. Every
rule is in ``AssignmentService`` and ``Gradebook``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from kholieu.accounts.deps import SignedInDep, TeacherDep
from kholieu.classes import schemas
from kholieu.classes.deps import AssignmentsDep, GradebookDep
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["assignments"])
FILE = {"schema": {"type": "string", "format": "binary"}}


@router.post(
    "/classes/{class_id}/assignments", status_code=201, response_model=schemas.AssignmentView
)
def assign(
    class_id: int,
    body: schemas.LessonAssignmentIn | schemas.QuizAssignmentIn,
    user: TeacherDep,
    assignments: AssignmentsDep,
    session: SessionDep,
) -> dict[str, Any]:
    """A lesson (``item_id``: a published content item) or one of my quizzes (``quiz_id``:
    copied for this class with the times, attempts and review policy given)."""
    if isinstance(body, schemas.LessonAssignmentIn):
        made = assignments.assign_lesson(session, user, class_id, body)
    else:
        made = assignments.assign_quiz(session, user, class_id, body)
    return assignments.view(made)


@router.get("/classes/{class_id}/assignments", response_model=list[schemas.AssignmentView])
def class_assignments(
    class_id: int, user: SignedInDep, assignments: AssignmentsDep, session: SessionDep
) -> list[dict[str, Any]]:
    """The class's assignments, for its members; a student's carry their own status."""
    return assignments.of_class(session, user, class_id)


@router.get("/me/assignments", response_model=list[schemas.AssignmentView])
def my_assignments(
    user: SignedInDep, assignments: AssignmentsDep, session: SessionDep
) -> list[dict[str, Any]]:
    """What is assigned to me in my current classes, what is due first first."""
    return assignments.mine(session, user)


@router.get("/assignments/{assignment_id}/progress", response_model=schemas.Progress)
def progress(
    assignment_id: int, user: TeacherDep, assignments: AssignmentsDep, session: SessionDep
) -> dict[str, Any]:
    """Each student: not started, in progress, handed in (with the score), to mark."""
    return assignments.progress(session, user, assignment_id)


@router.delete("/assignments/{assignment_id}", status_code=204)
def remove(
    assignment_id: int, user: TeacherDep, assignments: AssignmentsDep, session: SessionDep
) -> Response:
    """Take an assignment back (409 once a student has started it)."""
    assignments.remove(session, user, assignment_id)
    return Response(status_code=204)


@router.post("/assignments/{assignment_id}/allowances", response_model=schemas.Allowance)
def allow(
    assignment_id: int,
    body: schemas.AllowanceIn,
    user: TeacherDep,
    assignments: AssignmentsDep,
    session: SessionDep,
) -> dict[str, Any]:
    """One student's extra attempts, minutes, or own later close (set, not added)."""
    return assignments.allow(session, user, assignment_id, body)


@router.get("/assignments/{assignment_id}/essays", response_model=schemas.EssayQueue)
def essays(
    assignment_id: int,
    user: TeacherDep,
    gradebook: GradebookDep,
    session: SessionDep,
    marked: bool = False,
) -> dict[str, Any]:
    """Essays waiting for a mark (``marked=true``: those marked); mark one with
    ``POST /api/v1/attempts/{attempt_id}/grade``."""
    return gradebook.essays(session, user, assignment_id, marked=marked)


@router.get("/classes/{class_id}/gradebook", response_model=schemas.GradebookTable)
def gradebook_table(
    class_id: int, user: TeacherDep, gradebook: GradebookDep, session: SessionDep
) -> dict[str, Any]:
    """Students × assignments: status, and the counted score on 10 for quizzes."""
    return gradebook.table(session, user, class_id)


@router.get(
    "/classes/{class_id}/gradebook/export",
    response_class=Response,
    responses={200: {"description": "the gradebook, one student a row",
                     "content": {"text/csv": FILE, "application/vnd.openxmlformats-"
                                 "officedocument.spreadsheetml.sheet": FILE}}},
)  # fmt: skip
def gradebook_export(
    class_id: int,
    user: TeacherDep,
    gradebook: GradebookDep,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx",
) -> Response:
    """The gradebook as XLSX or CSV, with names and student numbers (safe cells)."""
    data, media = gradebook.export(gradebook.table(session, user, class_id), format)
    headers = {"Content-Disposition": f'attachment; filename="so-diem-lop-{class_id}.{format}"'}
    return Response(data, media_type=media, headers=headers)


@router.get("/classes/{class_id}/outcomes", response_model=schemas.OutcomeHeatmap)
def outcome_heatmap(
    class_id: int, user: SignedInDep, gradebook: GradebookDep, session: SessionDep
) -> dict[str, Any]:
    """Students × learning outcomes: each cell the facility of the student's graded items
    assessing the outcome, and the class's; 404 to anyone but the class's teachers and
    admins."""
    return gradebook.outcome_heatmap(session, user, class_id)


@router.get("/attempts/{attempt_id}/marking", response_model=schemas.AttemptForTeacher)
def attempt_for_teacher(
    attempt_id: int, user: TeacherDep, gradebook: GradebookDep, session: SessionDep
) -> dict[str, Any]:
    """A student's attempt as the class's teacher opens it: every answer, the key, what it
    scored and the comment."""
    return gradebook.attempt(session, user, attempt_id)
