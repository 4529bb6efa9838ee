"""The class pages: ``/lop`` (my classes), ``/lop/moi`` (a teacher makes one), ``/lop/{id}``
(the class: for its teachers the join code, the members and the actions; for a student what
class it is and who teaches it) and ``/lop/vao`` (a student types the code, or opens the link
the teacher shared, ``/lop/vao?ma=…``). Every rule is in ``ClassService``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kholieu.accounts.deps import SignedInDep, TeacherDep
from kholieu.classes.assignment_pages import local
from kholieu.classes.deps import AssignmentsDep, ClassesDep
from kholieu.classes.schemas import ClassIn
from kholieu.db.base import utcnow
from kholieu.errors import Conflict, NotFound, PermissionDenied
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/lop", tags=["pages"], include_in_schema=False)
GRADES = range(1, 13)


def this_school_year() -> str:
    """A Vietnamese school year starts in September: "2026-2027" from August 2026 on."""
    today = utcnow()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def _next_year_of(typed: str) -> str:
    """The school year a mistyped one most likely meant: its first year and the next."""
    start = typed.strip()[:4]
    return f"{start}-{int(start) + 1}" if start.isdigit() else this_school_year()


def join_link(code: str) -> str:
    """The join page with the code filled in: what a teacher sends or shows the class."""
    return f"/lop/vao?ma={code}"


@router.get("")
def my_classes(
    request: Request,
    user: SignedInDep,
    classes: ClassesDep,
    session: SessionDep,
    past: Annotated[bool, Query(alias="luu-tru")] = False,
) -> Response:
    shown = [classes.view(session, user, c) for c in classes.mine(session, user, archived=past)]
    return render(request, "classes/classes.html", {"classes": shown, "past": past})


def _form(request: Request, values: dict, errors: dict[str, str] | None = None, status=200):
    context = {"values": values, "errors": errors or {}, "grades": GRADES}
    return render(request, "classes/new_class.html", context, status_code=status)


@router.get("/moi")
def new_class(request: Request, user: TeacherDep) -> Response:
    return _form(request, {"school_year": this_school_year(), "grade": 10})


@router.post("/moi", dependencies=[Depends(csrf.require_form_token)])
def create_class(
    request: Request,
    user: TeacherDep,
    classes: ClassesDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=500)] = "",
    school: Annotated[str, Form(max_length=500)] = "",
    grade: Annotated[str, Form(max_length=4)] = "",
    school_year: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    values = {"name": name, "school": school, "grade": grade, "school_year": school_year}
    try:
        data = ClassIn.model_validate(values)
    except ValidationError as exc:
        # the page says what is wrong in its own words (the template's, per field)
        errors = {str(e["loc"][0]): "" for e in exc.errors()}
        if "school_year" in errors:
            errors["school_year"] = _next_year_of(school_year)
        raise PageRefused(lambda: _form(request, values, errors, status=422)) from None
    made = classes.create(session, user, data)
    return RedirectResponse(f"/lop/{made.id}", status_code=303)


def _join_form(request: Request, code: str = "", error: str = "", status: int = 200):
    return render(request, "classes/join.html", {"code": code, "error": error}, status_code=status)


@router.get("/vao")
def join_form(
    request: Request, user: SignedInDep, ma: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The code typed, or filled in from the teacher's link: joining takes a press."""
    return _join_form(request, ma)


@router.post("/vao", dependencies=[Depends(csrf.require_form_token)])
def join_go(
    request: Request,
    user: SignedInDep,
    classes: ClassesDep,
    session: SessionDep,
    code: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        made = classes.join(session, user, code)
    except NotFound:
        return _join_form(request, code, "unknown", status=404)
    except Conflict as exc:  # details say why: "archived" or "full"
        return _join_form(request, code, exc.details["reason"], status=409)
    except PermissionDenied:
        return _join_form(request, code, "teacher", status=403)
    return RedirectResponse(f"/lop/{made.id}", status_code=303)


@router.get("/{class_id}")
def class_page(
    request: Request, class_id: int, user: SignedInDep, classes: ClassesDep,
    assignments: AssignmentsDep, session: SessionDep,
) -> Response:  # fmt: skip
    return _class_page(request, classes, assignments, session, user, class_id)


def _class_page(
    request, classes, assignments, session, user, class_id: int, error=None, status=200
):
    made = classes.reachable(session, user, class_id)
    view = classes.view(session, user, made)
    given = assignments.of_class(session, user, class_id)
    context = {"made": view, "members": [], "link": "", "error": error,
               "assignments": given, "local": local}  # fmt: skip
    if view["role"] == "teacher":
        context["members"] = classes.members(session, user, class_id)
        context["link"] = str(request.base_url).rstrip("/") + join_link(made.code)
    return render(request, "classes/class_page.html", context, status_code=status)


def _back(class_id: int) -> Response:
    return RedirectResponse(f"/lop/{class_id}", status_code=303)


@router.post("/{class_id}/ma-moi", dependencies=[Depends(csrf.require_form_token)])
def new_code(class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep):
    classes.new_code(session, user, class_id)
    return _back(class_id)


@router.post("/{class_id}/luu-tru", dependencies=[Depends(csrf.require_form_token)])
def archive(class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep):
    classes.archive(session, user, class_id)
    return _back(class_id)


@router.post("/{class_id}/khoi-phuc", dependencies=[Depends(csrf.require_form_token)])
def restore(class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep):
    classes.restore(session, user, class_id)
    return _back(class_id)


@router.post("/{class_id}/giao-vien", dependencies=[Depends(csrf.require_form_token)])
def add_teacher(
    request: Request,
    class_id: int,
    user: TeacherDep,
    classes: ClassesDep,
    assignments: AssignmentsDep,
    session: SessionDep,
    username: Annotated[str, Form(min_length=1, max_length=64)],
):
    try:
        classes.add_teacher(session, user, class_id, username)
    except (NotFound, Conflict) as exc:
        why = {"kind": "no_user" if isinstance(exc, NotFound) else "not_teacher", "name": username}
        status = 404 if isinstance(exc, NotFound) else 409
        raise PageRefused(
            lambda: _class_page(request, classes, assignments, session, user, class_id, why, status)
        ) from None
    return _back(class_id)


@router.post("/{class_id}/xoa/{user_id}", dependencies=[Depends(csrf.require_form_token)])
def remove(class_id: int, user_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep):
    classes.remove(session, user, class_id, user_id)
    return _back(class_id)
