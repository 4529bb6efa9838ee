"""The class pages: ``/lop`` (my classes), ``/lop/moi`` (a teacher makes one), ``/lop/{id}``
(the class: for its teachers the join code, the members and the actions; for a student what
class it is and who teaches it) and ``/lop/vao`` (a student types the code, or opens the link
the teacher shared, ``/lop/vao?ma=…``). Every rule is in ``ClassService``."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kholieu.accounts import roster
from kholieu.accounts.admin_pages import sheet
from kholieu.accounts.deps import AccountsDep, AnyoneDep, SignedInDep, TeacherDep
from kholieu.accounts.pages import start_session
from kholieu.classes.assignment_pages import local
from kholieu.classes.deps import AssignmentsDep, ClassesDep
from kholieu.classes.schemas import ClassIn, SignupIn
from kholieu.db.base import utcnow
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kholieu.web import csrf
from kholieu.web.deps import SessionDep, SettingsDep
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
    request: Request, user: AnyoneDep, classes: ClassesDep, session: SessionDep,
    ma: Annotated[str, Query(max_length=20)] = "",
) -> Response:  # fmt: skip
    """The code typed, or filled in from the teacher's link: joining takes a press. A
    visitor signs in first, or makes an account here if the class's teacher allows it."""
    if user is None:
        return _signup_form(request, classes, session, ma)
    return _join_form(request, ma)


def _signup_form(request, classes, session, code: str, values=None, error: str = "",
                 status: int = 200) -> Response:  # fmt: skip
    made = classes.by_code(session, code) if code else None
    context = {"code": code, "open": bool(made and made.signup_open and not made.archived_at),
               "class_name": made.name if made else "", "values": values or {},
               "error": error, "next": join_link(code) if code else "/lop/vao"}  # fmt: skip
    return render(request, "classes/signup.html", context, status_code=status)


@router.post("/dang-ky", dependencies=[Depends(csrf.require_form_token)])
def sign_up(
    request: Request, user: AnyoneDep, classes: ClassesDep, accounts: AccountsDep,
    settings: SettingsDep, session: SessionDep,
    code: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
) -> Response:  # fmt: skip
    """A new student's own account, through the class's code; signed in and in the class."""
    values = {"name": name, "username": username}

    def refuse(error: str, status: int) -> PageRefused:
        return PageRefused(lambda: _signup_form(request, classes, session, code, values,
                                                error, status))  # fmt: skip

    try:
        data = SignupIn.model_validate({"name": name, "username": username,
                                        "password": password})  # fmt: skip
        student, made = classes.sign_up(session, code, data)
    except ValidationError as exc:
        raise refuse(str(exc.errors()[0]["loc"][0]), 422) from None
    except ValidationFailed as exc:  # the username's form, the password's rules
        problem = exc.details.get("problem")
        raise refuse(f"password_{problem}" if problem else exc.details.get("field", ""),
                     422) from None  # fmt: skip
    except Conflict as exc:  # a username taken, or the class full
        raise refuse(exc.details.get("reason") or "taken", 409) from None
    except (NotFound, PermissionDenied):
        raise refuse("closed", 403) from None
    return start_session(request, accounts, settings, session, student, f"/lop/{made.id}")


@router.post("/{class_id}/tu-dang-ky", dependencies=[Depends(csrf.require_form_token)])
def switch_signup(
    class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep,
    open: Annotated[bool, Form()] = False,
) -> Response:  # fmt: skip
    classes.allow_signup(session, user, class_id, open)
    return _back(class_id)


@router.post("/{class_id}/nhap-danh-sach", dependencies=[Depends(csrf.require_form_token)])
async def import_roster(
    request: Request, class_id: int, user: TeacherDep, classes: ClassesDep,
    assignments: AssignmentsDep, session: SessionDep, file: Annotated[UploadFile, File()],
) -> Response:  # fmt: skip
    """The school's class list: an account per student, printed as slips of one-time
    passwords (shown once)."""
    data = await file.read(roster.MAX_BYTES + 1)
    try:
        read = await run_in_threadpool(roster.read, data, file.filename or "")
        issued = await run_in_threadpool(classes.import_roster, session, user, class_id, read)
    except (ValidationFailed, Conflict) as exc:
        why = {"kind": "roster", **exc.details}
        raise PageRefused(lambda: _class_page(request, classes, assignments, session, user,
                                              class_id, why, 422)) from None  # fmt: skip
    made = classes.reachable(session, user, class_id)
    return sheet(request, made.name, issued, f"/lop/{class_id}")


@router.get("/{class_id}/ma-qr.svg")
def join_qr(
    request: Request, class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> Response:
    """The join link as a QR code, to show on the classroom's screen or print."""
    import segno  # only when a QR code is asked for

    made = classes.managed(session, user, class_id, archived_ok=True)
    link = str(request.base_url).rstrip("/") + join_link(made.code)
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=8, border=2)
    return Response(out.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})  # fmt: skip


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
