"""The administration pages: ``/quan-tri/nguoi-dung`` (find users, create one, import a class
list) and ``/quan-tri/nguoi-dung/{id}`` (change the role, reset the password, disable or
enable). A new or reset password is shown once, on a sheet of slips to print
(``accounts/password_sheet.html``); only its hash is kept. Every rule is in ``UserAdmin``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kholieu.accounts import roster
from kholieu.accounts.deps import AdminDep, UsersDep
from kholieu.accounts.service import Issued
from kholieu.errors import Conflict, ValidationFailed
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/quan-tri/nguoi-dung", tags=["pages"], include_in_schema=False)
ROLES = ("student", "teacher", "editor", "admin")


def sheet(request: Request, title: str, issued: list[Issued], back: str) -> Response:
    """The slips of one-time passwords, to print and cut; shown once."""
    slips = [{"name": i.user.display_name, "student_number": i.user.student_number or "",
              "username": i.user.username, "password": i.password} for i in issued]  # fmt: skip
    context = {"title": title, "slips": slips, "back": back,
               "login": str(request.base_url).rstrip("/") + "/login"}  # fmt: skip
    response = render(request, "accounts/password_sheet.html", context)
    response.headers["Cache-Control"] = "no-store"  # the passwords are not kept anywhere
    return response


def _list(request, users, session, admin, q="", role="", page=1, error=None, status=200):
    found, total = users.search(session, admin, q=q, role=role, page=page)
    context = {"users": found, "total": total, "q": q, "role": role, "page": page,
               "roles": ROLES, "error": error}  # fmt: skip
    return render(request, "accounts/users.html", context, status_code=status)


@router.get("")
def users_page(
    request: Request, user: AdminDep, users: UsersDep, session: SessionDep,
    q: Annotated[str, Query(max_length=100)] = "", role: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:  # fmt: skip
    return _list(request, users, session, user, q, role if role in ROLES else "", page)


@router.post("/nhap", dependencies=[Depends(csrf.require_form_token)])
async def import_page(
    request: Request, user: AdminDep, users: UsersDep, session: SessionDep,
    file: Annotated[UploadFile, File()], role: Annotated[str, Form(max_length=10)] = "student",
) -> Response:  # fmt: skip
    data = await file.read(roster.MAX_BYTES + 1)
    try:
        read = await run_in_threadpool(roster.read, data, file.filename or "")
        made = await run_in_threadpool(users.import_list, session, user, read,
                                       role if role in ROLES else "student")  # fmt: skip
    except ValidationFailed as exc:
        error = {"kind": "import", **exc.details}
        raise PageRefused(lambda: _list(request, users, session, user, error=error,
                                        status=422)) from None  # fmt: skip
    return sheet(request, file.filename or "", made, "/quan-tri/nguoi-dung")


@router.post("/moi", dependencies=[Depends(csrf.require_form_token)])
def create_page(
    request: Request, user: AdminDep, users: UsersDep, session: SessionDep,
    username: Annotated[str, Form(max_length=63)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=10)] = "student",
) -> Response:  # fmt: skip
    data = {"username": username, "display_name": display_name,
            "role": role if role in ROLES else "student"}  # fmt: skip
    try:
        made = users.create(session, user, data)
    except (ValidationFailed, Conflict) as exc:
        error = {"kind": "create", "taken": isinstance(exc, Conflict), "username": username}
        raise PageRefused(lambda: _list(request, users, session, user, error=error,
                                        status=422)) from None  # fmt: skip
    return sheet(request, made.user.display_name, [made], f"/quan-tri/nguoi-dung/{made.user.id}")


def _user_page(request, users, session, admin, user_id: int, error=None, status=200):
    shown = users.get(session, admin, user_id)
    context = {"shown": shown, "roles": ROLES, "error": error}
    return render(request, "accounts/user.html", context, status_code=status)


@router.get("/{user_id}")
def user_page(
    request: Request, user_id: int, user: AdminDep, users: UsersDep, session: SessionDep
) -> Response:
    return _user_page(request, users, session, user, user_id)


@router.post("/{user_id}", dependencies=[Depends(csrf.require_form_token)])
def change_page(
    request: Request, user_id: int, user: AdminDep, users: UsersDep, session: SessionDep,
    role: Annotated[str, Form(max_length=10)] = "", active: Annotated[str, Form(max_length=5)] = "",
) -> Response:  # fmt: skip
    """The role select, or the disable / enable button."""
    data: dict = {}
    if role in ROLES:
        data["role"] = role
    if active in ("yes", "no"):
        data["is_active"] = active == "yes"
    try:
        users.change(session, user, user_id, data)
    except Conflict as exc:
        reason = exc.details.get("reason", "")
        raise PageRefused(lambda: _user_page(request, users, session, user, user_id, reason,
                                             409)) from None  # fmt: skip
    return RedirectResponse(f"/quan-tri/nguoi-dung/{user_id}", status_code=303)


@router.post("/{user_id}/dat-lai-mat-khau", dependencies=[Depends(csrf.require_form_token)])
def reset_page(
    request: Request, user_id: int, user: AdminDep, users: UsersDep, session: SessionDep
) -> Response:
    made = users.reset_password(session, user, user_id)
    return sheet(request, made.user.display_name, [made], f"/quan-tri/nguoi-dung/{user_id}")
