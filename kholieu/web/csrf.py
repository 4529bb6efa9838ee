"""CSRF protection for forms and cookie-authenticated API calls (signed double-submit cookie).

A random value lives in an HttpOnly cookie; pages embed its signature (kholieu.signing) in each
form (and in a meta tag for scripts, sent back as ``X-CSRF-Token``). A forged cross-site request
carries the cookie but cannot know the signature. The signature also covers the session cookie,
so a token is good for one sign-in only: someone who could plant a CSRF cookie and its token in
a browser (a page on a sibling host) still has nothing valid once the owner signs in.
"""

from __future__ import annotations

import secrets

from fastapi import Request, Response
from starlette.datastructures import FormData

from kholieu.errors import PermissionDenied
from kholieu.signing import sign
from kholieu.signing import verify as signed

COOKIE = "kholieu_csrf"
SESSION_COOKIE = "kholieu_session"  # the sign-in's cookie (accounts), which tokens are bound to
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def secure(request: Request) -> bool:
    """Cookies are Secure (HTTPS only) outside development."""
    return not request.app.state.platform.settings.is_development


def cookie_name(request: Request, base: str) -> str:
    """``__Host-`` names over HTTPS: such a cookie can only be set by this exact host, Secure,
    for the whole site — not by a sibling host or a plain-HTTP page."""
    return f"__Host-{base}" if secure(request) else base


def _secret(request: Request) -> str:
    return request.app.state.platform.settings.secret_key.get_secret_value()


def token(request: Request) -> str:
    """The token for this browser's forms; starts a cookie when there is none yet."""
    value = request.cookies.get(cookie_name(request, COOKIE)) or getattr(
        request.state, "csrf_new", None
    )
    if value is None:
        value = secrets.token_urlsafe(24)
        request.state.csrf_new = value
    session = request.cookies.get(cookie_name(request, SESSION_COOKIE), "")
    return sign(_secret(request), "csrf", value, session)


def set_cookie(request: Request, response: Response) -> None:
    value = getattr(request.state, "csrf_new", None)
    if value is not None:
        response.set_cookie(cookie_name(request, COOKIE), value, httponly=True, samesite="lax",
                            secure=secure(request))  # fmt: skip


class FormExpired(PermissionDenied):
    """A form came back without a valid token: its page was open across a sign-in, or too
    long. ``fields`` is what was typed (no passwords, no files), so that a form sent from
    this site's own page can be sent again with a fresh token (``web.errors``)."""

    code = "form_expired"

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        super().__init__("Biểu mẫu đã hết hạn; hãy thử lại")
        self.fields = fields


MAX_KEPT_FIELDS = 200


def typed_fields(form: FormData) -> list[tuple[str, str]]:
    """The text fields of a form, to keep: passwords and files are never echoed back."""
    kept = [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name != FIELD and "password" not in name
    ]
    return kept[:MAX_KEPT_FIELDS]


def verify(request: Request, sent: str | None) -> None:
    value = request.cookies.get(cookie_name(request, COOKIE))
    session = request.cookies.get(cookie_name(request, SESSION_COOKIE), "")
    if not value or not sent or not signed(_secret(request), "csrf", sent, value, session):
        raise PermissionDenied("Biểu mẫu đã hết hạn; hãy thử lại")


async def require_form_token(request: Request) -> None:
    """Dependency for form POSTs: the form must carry this browser's token."""
    form = await request.form()
    sent = form.get(FIELD)
    try:
        verify(request, sent if isinstance(sent, str) else None)
    except PermissionDenied:
        raise FormExpired(typed_fields(form)) from None
