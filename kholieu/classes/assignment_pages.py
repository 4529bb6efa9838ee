"""The assignment pages of a class, for its teachers: ``/lop/{id}/giao-bai`` (assign a lesson
or one of my quizzes), ``/lop/bai/{id}`` (who has done it, one student's extra time or
attempt), ``/lop/bai/{id}/cham`` (the essays to mark), ``/lop/bai-lam/{id}`` (a student's
attempt), ``/lop/{id}/so-diem`` (the gradebook and its export), ``/lop/{id}/yccd`` (the class ×
outcome heatmap and its export). Every rule is in
``AssignmentService`` and ``Gradebook``; times on the forms are Vietnam's."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kholieu.accounts.deps import SignedInDep, TeacherDep
from kholieu.bank.pages import safe
from kholieu.classes import heatmap
from kholieu.classes.deps import AssignmentsDep, ClassesDep, GradebookDep
from kholieu.classes.schemas import AllowanceIn, LessonAssignmentIn, QuizAssignmentIn
from kholieu.db.base import aware
from kholieu.errors import ValidationFailed
from kholieu.quiz.deps import QuizzesDep
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/lop", tags=["pages"], include_in_schema=False)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
STEPS = (0.25, 0.5, 1.0)
FORM_DEFAULTS = {"kind": "quiz", "quiz_id": "", "item": "", "title": "", "opens_at": "",
                 "closes_at": "", "max_attempts": "", "review": "after_submit"}  # fmt: skip
ITEM_LINK = re.compile(r"(?:^|/)(\d{1,12})/?$")  # 12, /content/12, http://…/content/12


def local(moment: str | None) -> str:
    """An ISO time as a Vietnamese reader reads it: 07:30 02/12/2026."""
    if not moment:
        return ""
    return aware(datetime.fromisoformat(moment)).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _moment(typed: str, field: str) -> datetime | None:
    """A form's ``datetime-local`` value, in Vietnam's time."""
    if not typed.strip():
        return None
    try:
        return datetime.fromisoformat(typed.strip()).replace(tzinfo=VIETNAM)
    except ValueError:
        raise ValidationFailed(
            "{field}: không phải ngày giờ hợp lệ", field=field, details={"field": field}
        ) from None


def _item_id(typed: str) -> int | None:
    """A content item's number, or its page's address pasted in."""
    found = ITEM_LINK.search(typed.strip().split("?")[0])
    return int(found.group(1)) if found else None


def _assign_form(request, classes, quizzes, session, user, class_id: int, values=None,
                 error: dict | None = None, status: int = 200) -> Response:  # fmt: skip
    made = classes.managed(session, user, class_id)
    context = {
        "made": classes.view(session, user, made), "quizzes": quizzes.owned_by(session, user),
        "values": FORM_DEFAULTS | (values or {}), "error": error or {},
    }  # fmt: skip
    return render(request, "classes/assign.html", context, status_code=status)


@router.get("/{class_id}/giao-bai")
def assign_form(
    request: Request, class_id: int, user: TeacherDep, classes: ClassesDep, quizzes: QuizzesDep,
    session: SessionDep, hoc_lieu: str = "",
) -> Response:  # fmt: skip
    values = {"kind": "lesson" if hoc_lieu else "quiz", "item": hoc_lieu, "review": "after_submit"}
    return _assign_form(request, classes, quizzes, session, user, class_id, values)


@router.post("/{class_id}/giao-bai", dependencies=[Depends(csrf.require_form_token)])
def assign(
    request: Request, class_id: int, user: TeacherDep, classes: ClassesDep, quizzes: QuizzesDep,
    assignments: AssignmentsDep, session: SessionDep,
    kind: Annotated[str, Form(max_length=10)] = "quiz",
    quiz_id: Annotated[str, Form(max_length=12)] = "",
    item: Annotated[str, Form(max_length=500)] = "",
    title: Annotated[str, Form(max_length=300)] = "",
    opens_at: Annotated[str, Form(max_length=40)] = "",
    closes_at: Annotated[str, Form(max_length=40)] = "",
    max_attempts: Annotated[str, Form(max_length=4)] = "",
    review: Annotated[str, Form(max_length=20)] = "after_submit",
) -> Response:  # fmt: skip
    values = {"kind": kind, "quiz_id": quiz_id, "item": item, "title": title,
              "opens_at": opens_at, "closes_at": closes_at, "max_attempts": max_attempts,
              "review": review}  # fmt: skip

    def refuse(field: str, problem: str = "") -> PageRefused:
        error = {"field": field, "problem": problem}
        return PageRefused(lambda: _assign_form(request, classes, quizzes, session, user,
                                                class_id, values, error, 422))  # fmt: skip

    try:
        window = {"opens_at": _moment(opens_at, "opens_at"),
                  "closes_at": _moment(closes_at, "closes_at")}  # fmt: skip
        if kind == "lesson":
            found = _item_id(item)
            if found is None:
                raise refuse("item")
            data: Any = LessonAssignmentIn(item_id=found, title=title, **window)
            made = assignments.assign_lesson(session, user, class_id, data)
        else:
            if not quiz_id.isdigit():
                raise refuse("quiz_id")
            rules: dict[str, Any] = {"review": review}
            if max_attempts.strip():
                rules["max_attempts"] = max_attempts.strip()
            data = QuizAssignmentIn(quiz_id=int(quiz_id), title=title, **window, **rules)
            made = assignments.assign_quiz(session, user, class_id, data)
    except ValidationError as exc:
        raise refuse(str(exc.errors()[0]["loc"][0])) from None
    except ValidationFailed as exc:
        raise refuse(exc.details.get("field", ""), exc.details.get("problem", "")) from None
    return RedirectResponse(f"/lop/bai/{made.id}", status_code=303)


def _progress_page(request, assignments, session, user, assignment_id: int, error=None,
                   status: int = 200) -> Response:  # fmt: skip
    progress = assignments.progress(session, user, assignment_id)
    context = {"progress": progress, "a": progress["assignment"], "local": local, "error": error}
    return render(request, "classes/assignment.html", context, status_code=status)


@router.get("/bai/{assignment_id}")
def assignment_page(
    request: Request, assignment_id: int, user: TeacherDep, assignments: AssignmentsDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    return _progress_page(request, assignments, session, user, assignment_id)


@router.post("/bai/{assignment_id}/them", dependencies=[Depends(csrf.require_form_token)])
def allow(
    request: Request, assignment_id: int, user: TeacherDep, assignments: AssignmentsDep,
    session: SessionDep, user_id: Annotated[int, Form()],
    extra_attempts: Annotated[str, Form(max_length=3)] = "0",
    extra_minutes: Annotated[str, Form(max_length=5)] = "0",
    closes_at: Annotated[str, Form(max_length=40)] = "",
) -> Response:  # fmt: skip
    """ "Cho thêm": one student's extra attempt, minutes or later close."""
    try:
        data = AllowanceIn(user_id=user_id, extra_attempts=extra_attempts or 0,
                           extra_minutes=extra_minutes or 0,
                           closes_at=_moment(closes_at, "closes_at"))  # fmt: skip
    except (ValidationError, ValidationFailed):
        page = lambda: _progress_page(  # noqa: E731
            request, assignments, session, user, assignment_id, "allowance", 422
        )
        raise PageRefused(page) from None
    assignments.allow(session, user, assignment_id, data)
    return RedirectResponse(f"/lop/bai/{assignment_id}", status_code=303)


@router.post("/bai/{assignment_id}/xoa", dependencies=[Depends(csrf.require_form_token)])
def remove(
    request: Request, assignment_id: int, user: TeacherDep, assignments: AssignmentsDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    _, made = assignments.managed(session, user, assignment_id)
    class_id = made.id
    assignments.remove(session, user, assignment_id)
    return RedirectResponse(f"/lop/{class_id}", status_code=303)


def _essays_page(request, gradebook, session, user, assignment_id: int, error=None,
                 status: int = 200) -> Response:  # fmt: skip
    queue = gradebook.essays(session, user, assignment_id)
    done = gradebook.essays(session, user, assignment_id, marked=True)
    context = {"queue": queue, "done": done["essays"], "a": queue["assignment"],
               "steps": STEPS, "error": error, "rich": safe}  # fmt: skip
    return render(request, "classes/essays.html", context, status_code=status)


@router.get("/bai/{assignment_id}/cham")
def essays(
    request: Request, assignment_id: int, user: TeacherDep, gradebook: GradebookDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    return _essays_page(request, gradebook, session, user, assignment_id)


@router.post("/bai/{assignment_id}/cham", dependencies=[Depends(csrf.require_form_token)])
def mark(
    request: Request, assignment_id: int, user: TeacherDep, gradebook: GradebookDep,
    quizzes: QuizzesDep, session: SessionDep,
    attempt_id: Annotated[int, Form()], question_id: Annotated[int, Form()],
    points: Annotated[str, Form(max_length=10)], step: Annotated[str, Form(max_length=6)] = "0.25",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:  # fmt: skip
    gradebook.assignments.managed(session, user, assignment_id)  # this assignment's teacher
    try:
        value, size = float(points.replace(",", ".")), float(step)
        quizzes.grade_essay(session, user, attempt_id, question_id, value, comment=comment,
                            step=size)  # fmt: skip
    except (ValueError, ValidationFailed) as exc:
        problem = exc.details.get("problem", "") if isinstance(exc, ValidationFailed) else ""
        error = {"attempt_id": attempt_id, "question_id": question_id, "problem": problem}
        raise PageRefused(lambda: _essays_page(request, gradebook, session, user,
                                               assignment_id, error, 422)) from None  # fmt: skip
    return RedirectResponse(f"/lop/bai/{assignment_id}/cham", status_code=303)


@router.get("/bai-lam/{attempt_id}")
def attempt_page(
    request: Request, attempt_id: int, user: TeacherDep, gradebook: GradebookDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    """A student's attempt, every answer with the key and what it scored."""
    found = gradebook.attempt(session, user, attempt_id)
    return render(request, "classes/attempt.html", {"attempt": found, "rich": safe})


@router.get("/{class_id}/so-diem")
def gradebook_page(
    request: Request, class_id: int, user: TeacherDep, gradebook: GradebookDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    table = gradebook.table(session, user, class_id)
    return render(request, "classes/gradebook.html", {"table": table, "local": local})


@router.get("/{class_id}/so-diem.{fmt}")
def gradebook_file(
    class_id: int, fmt: str, user: TeacherDep, gradebook: GradebookDep, session: SessionDep
) -> Response:
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed("Định dạng: xlsx hoặc csv", details={"field": "format"})
    data, media = gradebook.export(gradebook.table(session, user, class_id), fmt)
    name = f"so-diem-lop-{class_id}.{fmt}"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/{class_id}/yccd")
def outcome_heatmap_page(
    request: Request, class_id: int, user: SignedInDep, gradebook: GradebookDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    """Students × learning outcomes: the facility of each, coloured, with its percentage."""
    data = gradebook.outcome_heatmap(session, user, class_id)
    return render(request, "classes/outcome_heatmap.html", {"heatmap": data})


@router.get("/{class_id}/yccd.{fmt}")
def outcome_heatmap_file(
    class_id: int, fmt: str, user: SignedInDep, gradebook: GradebookDep, session: SessionDep
) -> Response:
    if fmt not in ("xlsx", "csv"):
        raise ValidationFailed("Định dạng: xlsx hoặc csv", details={"field": "format"})
    data, media = heatmap.export(gradebook.outcome_heatmap(session, user, class_id), fmt)
    name = f"yccd-lop-{class_id}.{fmt}"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
