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

from kholieu.accounts.models import Role, TokenKind, User
from kholieu.errors import NotAuthenticated, PermissionDenied
from kholieu.web import csrf
from kholieu.web.deps import ServicesDep, SessionDep

SESSION_COOKIE = "kholieu_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def current_user(request: Request, services: ServicesDep, session: SessionDep) -> User | None:
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        user = services.accounts.user_for_token(session, credentials.strip(), TokenKind.api)
        if user is None:
            raise NotAuthenticated("the bearer token is invalid or has expired")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = services.accounts.user_for_token(session, cookie, TokenKind.session)
        if (
            user is not None
            and request.method not in SAFE_METHODS
            and request.url.path.startswith("/api/")
        ):
            csrf.verify(request, request.headers.get(csrf.HEADER))
    request.state.user = user
    return user


class Access:
    """A policy: which roles may call (admins always may), and whether anonymous visitors may."""

    def __init__(self, *roles: Role, anonymous: bool = False) -> None:
        self.roles = set(roles)
        self.anonymous = anonymous

    def __call__(self, user: Annotated[User | None, Depends(current_user)]) -> User | None:
        if user is None:
            if self.anonymous:
                return None
            raise NotAuthenticated("sign in to continue")
        if self.roles and user.role not in self.roles and user.role != Role.admin:
            raise PermissionDenied(f"this needs the role {' or '.join(sorted(self.roles))}")
        return user

    def __repr__(self) -> str:
        who = ",".join(sorted(self.roles)) or "signed-in"
        return f"Access({'anyone' if self.anonymous else who})"


anyone = Access(anonymous=True)
signed_in = Access()
teachers = Access(Role.teacher, Role.editor)
editors = Access(Role.editor)
admins = Access(Role.admin)

AnyoneDep = Annotated[User | None, Depends(anyone)]
SignedInDep = Annotated[User, Depends(signed_in)]
