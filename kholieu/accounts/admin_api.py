"""The users API, for admins: list and search, create one, import a class list (XLSX/CSV),
change a role or an account's details, disable or enable, reset a password. Every rule is in
``UserAdmin``; students, teachers and editors get 403 on every route."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from kholieu.accounts import roster
from kholieu.accounts.deps import AdminDep, UsersDep
from kholieu.accounts.schemas import (
    Imported,
    IssuedView,
    RoleName,
    UserChange,
    UserIn,
    UserPage,
    UserView,
)
from kholieu.accounts.service import Issued
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/users", tags=["users"])


def issued(item: Issued) -> dict[str, Any]:
    return {"user": UserView.model_validate(item.user), "password": item.password}


@router.get("", response_model=UserPage)
def list_users(
    user: AdminDep, users: UsersDep, session: SessionDep,
    q: Annotated[str, Query(max_length=100)] = "", role: RoleName | None = None,
    active: bool | None = None, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> dict[str, Any]:  # fmt: skip
    """Users whose name, username or student number holds ``q``, newest first, 50 a page."""
    found, total = users.search(session, user, q=q, role=role or "", active=active, page=page)
    return {"users": found, "total": total, "page": page}


@router.post("", status_code=201, response_model=IssuedView)
def create_user(body: UserIn, user: AdminDep, users: UsersDep, session: SessionDep) -> dict:
    """One account; without a password, a one-time password to hand over (sent once)."""
    return issued(users.create(session, user, body.model_dump()))


@router.post("/import", status_code=201, response_model=Imported)
async def import_users(
    user: AdminDep, users: UsersDep, session: SessionDep,
    file: Annotated[UploadFile, File(description="a class list: .xlsx or .csv")],
    role: Annotated[RoleName, Form()] = "student",
) -> dict[str, Any]:  # fmt: skip
    """Everyone on a class list (title rows, STT, "Họ và tên", "Ngày sinh", "Mã học sinh",
    optional "Tên đăng nhập" and "Vai trò"), each with a one-time password; 422 with every
    bad row and column, and nothing created."""
    data = await file.read(roster.MAX_BYTES + 1)
    # reading the sheet and hashing a password per row take seconds: not on the event loop
    read = await run_in_threadpool(roster.read, data, file.filename or "")
    made = await run_in_threadpool(users.import_list, session, user, read, role)
    return {"created": [issued(item) for item in made]}


@router.get("/{user_id}", response_model=UserView)
def get_user(user_id: int, user: AdminDep, users: UsersDep, session: SessionDep) -> Any:
    return users.get(session, user, user_id)


@router.patch("/{user_id}", response_model=UserView)
def change_user(
    user_id: int, body: UserChange, user: AdminDep, users: UsersDep, session: SessionDep
) -> Any:
    """Role, name, student number, birth date; ``is_active: false`` ends every session and
    token of the account at once."""
    return users.change(session, user, user_id, body.model_dump(exclude_unset=True))


@router.post("/{user_id}/password-reset", response_model=IssuedView)
def reset_password(user_id: int, user: AdminDep, users: UsersDep, session: SessionDep) -> dict:
    """A one-time password (sent once); the old one, and every session and token, stop."""
    return issued(users.reset_password(session, user, user_id))
