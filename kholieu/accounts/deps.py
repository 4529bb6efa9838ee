"""Who may call what: every route declares an ``Access`` policy as a dependency.

    @router.get("/x")
    def x(user: Annotated[User, Depends(teachers)]): ...

A test walks every route and fails when one has no policy. Credentials are a bearer token
(``Authorization: Bearer …``) or the session cookie; a cookie-authenticated API call that changes
something must also send the CSRF header, since browsers attach cookies to forged requests.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from kholieu.accounts.admin import UserAdmin
from kholieu.accounts.limiter import LoginLimiter
from kholieu.accounts.models import Role, TokenKind, User
from kholieu.accounts.roles import ADMINS, EDITORS, ROLE_NAMES, TEACHERS, is_in
from kholieu.accounts.service import AccountService
from kholieu.db.session import end_read
from kholieu.errors import NotAuthenticated, PermissionDenied
from kholieu.i18n import Message, Term
from kholieu.web import csrf
from kholieu.web.deps import SessionDep, service

AccountsDep = Annotated[AccountService, service("accounts")]
UsersDep = Annotated[UserAdmin, service("users")]
LimiterDep = Annotated[LoginLimiter, service("login_limiter")]

SESSION_COOKIE = csrf.SESSION_COOKIE
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def current_user(request: Request, accounts: AccountsDep, session: SessionDep) -> User | None:
    """Who sent the request. Async, so that a visitor (no token, no cookie) costs no trip to a
    worker thread; only a token to look up goes to one, with the request's session."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        user = await run_in_threadpool(
            _look_up, accounts, session, credentials.strip(), TokenKind.api
        )
        if user is None:
            raise NotAuthenticated("Mã truy cập (bearer token) không hợp lệ hoặc đã hết hạn")
    elif cookie := request.cookies.get(csrf.cookie_name(request, SESSION_COOKIE)):
        user = await run_in_threadpool(_look_up, accounts, session, cookie, TokenKind.session)
        if (
            user is not None
            and request.method not in SAFE_METHODS
            and request.url.path.startswith("/api/")
        ):
            csrf.verify(request, request.headers.get(csrf.HEADER))
    request.state.user = user
    return user


def _look_up(
    accounts: AccountService, session: Session, token: str, kind: TokenKind
) -> User | None:
    """The token's user, and the read ended in the same thread: a request that reads nothing
    else (a search) then ends without another trip to one (``web.deps.get_session``)."""
    user = accounts.user_for_token(session, token, kind)
    end_read(session)
    return user


class Access:
    """A policy: which roles may call (None: anyone signed in), and whether visitors may."""

    def __init__(self, roles: frozenset[Role] | None = None, *, anonymous: bool = False) -> None:
        self.roles = roles
        self.anonymous = anonymous

    async def __call__(self, user: Annotated[User | None, Depends(current_user)]) -> User | None:
        if user is None:
            if self.anonymous:
                return None
            raise NotAuthenticated("Hãy đăng nhập để tiếp tục")
        if self.roles is not None and not is_in(user, self.roles):
            named = sorted(self.roles - ADMINS) or sorted(self.roles)  # admins go without saying
            either = " / ".join(f"{{{r}}}" for r in named)  # each name in the reader's language
            names = Message(either, {r: Term(ROLE_NAMES[r]) for r in named})
            raise PermissionDenied("Việc này cần vai trò {roles}", roles=names)
        return user

    def __repr__(self) -> str:
        who = ",".join(sorted(self.roles)) if self.roles is not None else "signed-in"
        return f"Access({'anyone' if self.anonymous else who})"


anyone = Access(anonymous=True)
signed_in = Access()
teachers = Access(TEACHERS)
editors = Access(EDITORS)
admins = Access(ADMINS)

# The aliases routes declare; defined here once.
AnyoneDep = Annotated[User | None, Depends(anyone)]
SignedInDep = Annotated[User, Depends(signed_in)]
TeacherDep = Annotated[User, Depends(teachers)]
EditorDep = Annotated[User, Depends(editors)]
AdminDep = Annotated[User, Depends(admins)]


async def page_user(request: Request) -> User | None:
    """Who is signed in, for a page drawn outside any route (the 404 page, an error page): a
    session of its own, the cookie only (a page is never drawn for a bearer token)."""
    if hasattr(request.state, "user"):
        return request.state.user
    cookie = request.cookies.get(csrf.cookie_name(request, SESSION_COOKIE))
    if not cookie:
        return None
    accounts: AccountService = request.app.state.services.accounts

    def look_up() -> User | None:
        with request.app.state.platform.sessions() as session:
            user = accounts.user_for_token(session, cookie, TokenKind.session)
            if user is not None:
                session.expunge(user)
            return user

    return await run_in_threadpool(look_up)
