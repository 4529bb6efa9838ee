"""Account endpoints of the JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel

from kholieu.accounts.authz import SignedInDep, anyone
from kholieu.accounts.models import TokenKind, User
from kholieu.errors import NotAuthenticated
from kholieu.services import Services
from kholieu.web.deps import ServicesDep, SessionDep

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
    services: Services, session: SessionDep, request: Request, username: str, password: str
) -> User:
    """Check a password under the login rate limit (shared by the API and the login page)."""
    client = client_address(request)
    services.login_limiter.check(client, username)
    user = services.accounts.authenticate(session, username, password)
    if user is None:
        services.login_limiter.failed(client, username)
        raise NotAuthenticated("wrong username or password")
    return user


@router.post("/auth/token", dependencies=[Depends(anyone)])
def issue_token(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> TokenOut:
    """Exchange a username and password for a bearer token (OAuth2 password-grant shape)."""
    user = sign_in(services, session, request, username, password)
    token = services.accounts.issue_token(session, user, TokenKind.api)
    session.commit()
    return TokenOut(access_token=token, expires_in=services.settings.api_token_ttl_s)


@router.get("/auth/me")
def me(user: SignedInDep) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role
    )
