"""What a password must be (OWASP ASVS 4, level 2): at least 12 characters, at most 128 (argon2
is costly on long input), not one of the 30,000 most common passwords (zxcvbn's list, with
digits and separators ignored at either end, so "password123!" is refused too) and not the
username itself."""

from __future__ import annotations

import re
from functools import cache

from kholieu.errors import ValidationFailed
from kholieu.pydantic_messages import field_label

MIN_LENGTH = 12
MAX_LENGTH = 128
# Vietnamese ones the English-language list lacks.
VIETNAMESE = ("matkhau", "matkhau123", "anhyeuem", "emyeuanh", "vietnam", "hanoi", "saigon")


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(VIETNAMESE)


def _core(password: str) -> str:
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.casefold()) or password.casefold()


def check(password: str, username: str = "", field: str = "password") -> None:
    """Raise ValidationFailed naming ``field`` when the password is not good enough; its
    details say which rule (``problem``: short, long, username, common), for pages to say it
    in their own words."""
    details = {"field": field}
    name = field_label(field) or field
    if len(password) < MIN_LENGTH:
        raise ValidationFailed("{field}: cần ít nhất {n} kí tự", field=name, n=MIN_LENGTH,
                               details={**details, "problem": "short"})  # fmt: skip
    if len(password) > MAX_LENGTH:
        raise ValidationFailed("{field}: tối đa {n} kí tự", field=name, n=MAX_LENGTH,
                               details={**details, "problem": "long"})  # fmt: skip
    if username and username.casefold() in password.casefold():
        raise ValidationFailed("{field}: không được chứa tên đăng nhập", field=name,
                               details={**details, "problem": "username"})  # fmt: skip
    if password.casefold() in _common() or _core(password) in _common():
        raise ValidationFailed(
            "{field}: quá phổ biến (có trong danh sách mật khẩu bị thử đầu tiên)",
            field=name, details={**details, "problem": "common"},
        )  # fmt: skip
