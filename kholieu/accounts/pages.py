"""Sign-in and sign-out pages (session cookie, CSRF-protected forms)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kholieu.accounts.api import change_own_password, sign_in
from kholieu.accounts.deps import SESSION_COOKIE, AccountsDep, LimiterDep, SignedInDep, anyone
from kholieu.accounts.models import TokenKind, User
from kholieu.accounts.service import AccountService
from kholieu.config import Settings
from kholieu.errors import NotAuthenticated, RateLimited, ValidationFailed
from kholieu.web import csrf
from kholieu.web.deps import SessionDep, SettingsDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(anyone)])


def safe_next(target: str | None) -> str:
    """Only same-site paths, so ?next= cannot send a user to another site after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    # Browsers read "/\\host" like "//host", another site: no backslashes at all.
    if parts.scheme or parts.netloc or not target.startswith("/") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", dependencies=[Depends(csrf.require_form_token)])
def login(
    request: Request,
    accounts: AccountsDep,
    login_limiter: LimiterDep,
    settings: SettingsDep,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        user = sign_in(accounts, login_limiter, session, request, username, password)
    except (NotAuthenticated, RateLimited) as exc:
        _ = request.app.state.translator.gettext
        if isinstance(exc, RateLimited):
            message = _("Quá nhiều lần đăng nhập sai. Hãy thử lại sau %(s)s giây.") % {
                "s": exc.retry_after
            }
        else:
            message = _("Sai tên đăng nhập hoặc mật khẩu.")
        response = render(
            request,
            "login.html",
            {"next": safe_next(next), "error": message, "username": username},
            status_code=exc.status_code,
        )
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    # a one-time password (a class list, a reset): the user chooses their own first
    target = "/tai-khoan/mat-khau?dau=1" if user.must_change_password else safe_next(next)
    return start_session(request, accounts, settings, session, user, target)


def start_session(
    request: Request, accounts: AccountService, settings: Settings, session: Session,
    user: User, target: str,
) -> Response:  # fmt: skip
    """Signed in: a new session cookie, and on to ``target`` (a same-site path)."""
    token = accounts.issue_token(session, user, TokenKind.session)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        csrf.cookie_name(request, SESSION_COOKIE),
        token,
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
    )
    # a fresh CSRF value after sign-in
    response.delete_cookie(csrf.cookie_name(request, csrf.COOKIE), secure=csrf.secure(request))
    return response


@router.post("/logout", dependencies=[Depends(csrf.require_form_token)])
def logout(request: Request, accounts: AccountsDep, session: SessionDep) -> Response:
    name = csrf.cookie_name(request, SESSION_COOKIE)
    if token := request.cookies.get(name):
        accounts.revoke_token(session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(name, secure=csrf.secure(request))
    return response


@router.get("/tai-khoan/mat-khau")
def password_page(
    request: Request, user: SignedInDep, done: Annotated[bool, Query(alias="xong")] = False,
    first: Annotated[bool, Query(alias="dau")] = False,
) -> Response:  # fmt: skip
    context = {"done": done, "error": None, "first": first or user.must_change_password}
    return render(request, "password.html", context)


@router.post("/tai-khoan/mat-khau", dependencies=[Depends(csrf.require_form_token)])
def change_password(
    request: Request,
    user: SignedInDep,
    accounts: AccountsDep,
    login_limiter: LimiterDep,
    session: SessionDep,
    current_password: Annotated[str, Form(max_length=256)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
    repeated: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """Every other browser and token of the user is signed out; this one stays."""
    if new_password != repeated:
        error = {"field": "repeated", "problem": "differs"}
        return render(request, "password.html", {"done": False, "error": error}, status_code=422)
    try:
        change_own_password(
            accounts, login_limiter, session, request, user, current_password, new_password
        )
    except (ValidationFailed, RateLimited) as exc:
        error = exc.details if isinstance(exc, ValidationFailed) else {"problem": "limited"}
        context, status = {"done": False, "error": error}, exc.status_code
        raise PageRefused(
            lambda: render(request, "password.html", context, status_code=status)
        ) from None
    return RedirectResponse("/tai-khoan/mat-khau?xong=true", status_code=303)
