"""Account endpoints of the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kholieu.accounts.deps import SESSION_COOKIE, AccountsDep, LimiterDep, SignedInDep, anyone
from kholieu.accounts.limiter import LoginLimiter
from kholieu.accounts.models import TokenKind, User
from kholieu.accounts.service import AccountService
from kholieu.errors import NotAuthenticated, ValidationFailed
from kholieu.web import csrf
from kholieu.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    # signed in with a one-time password: choose one's own (POST /api/v1/auth/password)
    must_change_password: bool = False


class TokenRow(BaseModel):
    id: int
    kind: str = Field(description="session (a browser) or api (a bearer token)")
    created_at: datetime
    expires_at: datetime
    current: bool = Field(description="the one this request was made with")


class TokenList(BaseModel):
    tokens: list[TokenRow]


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


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
        raise NotAuthenticated("Sai tên đăng nhập hoặc mật khẩu")
    return user


def change_own_password(
    accounts: AccountService,
    limiter: LoginLimiter,
    session: Session,
    request: Request,
    user: User,
    current: str,
    new: str,
) -> None:
    """Change the caller's password under the login rate limit, so a stolen session cannot
    guess the current password any faster than the sign-in form allows (API and page)."""
    client = client_address(request)
    limiter.check(client, user.username)
    try:
        accounts.change_password(session, user, current, new, keep=presented(request))
    except ValidationFailed as exc:
        if exc.details.get("problem") == "wrong":
            limiter.failed(client, user.username)
        raise


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
    return TokenOut(access_token=token, expires_in=settings.api_token_ttl_s,
                    must_change_password=user.must_change_password)  # fmt: skip


def presented(request: Request) -> str | None:
    """The token this request carries: the bearer token, else the session cookie."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(csrf.cookie_name(request, SESSION_COOKIE))


@router.get("/auth/tokens")
def my_tokens(
    request: Request, user: SignedInDep, accounts: AccountsDep, session: SessionDep
) -> TokenList:
    """The caller's own live sessions and API tokens (never their secrets)."""
    mine = presented(request)
    return TokenList(tokens=[
        TokenRow(id=t.id, kind=t.kind, created_at=t.created_at, expires_at=t.expires_at,
                 current=accounts.is_token(t, mine))
        for t in accounts.tokens_of(session, user)
    ])  # fmt: skip


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke_token(
    token_id: int, user: SignedInDep, accounts: AccountsDep, session: SessionDep
) -> Response:
    """End one of the caller's sessions or tokens (another user's: 404)."""
    accounts.revoke_own(session, user, token_id)
    return Response(status_code=204)


@router.post("/auth/logout", status_code=204)
def logout(
    request: Request,
    user: SignedInDep,
    accounts: AccountsDep,
    session: SessionDep,
    everywhere: bool = False,
) -> Response:
    """End the session or revoke the bearer token this request was made with; with
    ``everywhere=true``, every session and token of the user (a lost phone, a leaked token)."""
    if everywhere:
        accounts.revoke_all(session, user)
    elif token := presented(request):
        accounts.revoke_token(session, token)
    return Response(status_code=204)


@router.post("/auth/password", status_code=204)
def change_password(
    body: PasswordIn,
    request: Request,
    user: SignedInDep,
    accounts: AccountsDep,
    login_limiter: LimiterDep,
    session: SessionDep,
) -> Response:
    """A new password, given the current one (422 naming the field that is wrong, 429 after
    too many wrong ones); every other session and token of the caller ends."""
    change_own_password(
        accounts, login_limiter, session, request, user, body.current_password, body.new_password
    )
    return Response(status_code=204)


@router.get("/auth/me")
def me(user: SignedInDep) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role
    )
