"""Account endpoints of the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kholieu.accounts.deps import AccountsDep, LimiterDep, SignedInDep, anyone
from kholieu.accounts.limiter import LoginLimiter
from kholieu.accounts.models import TokenKind, User
from kholieu.accounts.service import AccountService
from kholieu.errors import NotAuthenticated
from kholieu.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def sign_in(
    accounts: AccountService,
    limiter: LoginLimiter,
    session: Session,
    request: Request,
    username: str,
    password: str,
) -> User:
    """Check a password under the login rate limit (shared by the API and the login page)."""
    client = client_address(request)
    limiter.check(client, username)
    user = accounts.authenticate(session, username, password)
    if user is None:
        limiter.failed(client, username)
        raise NotAuthenticated("wrong username or password")
    return user


@router.post("/auth/token", dependencies=[Depends(anyone)])
def issue_token(
    request: Request,
    accounts: AccountsDep,
    login_limiter: LimiterDep,
    settings: SettingsDep,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> TokenOut:
    """Exchange a username and password for a bearer token (OAuth2 password-grant shape)."""
    user = sign_in(accounts, login_limiter, session, request, username, password)
    token = accounts.issue_token(session, user, TokenKind.api)
    return TokenOut(access_token=token, expires_in=settings.api_token_ttl_s)


@router.get("/auth/me")
def me(user: SignedInDep) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role
    )
