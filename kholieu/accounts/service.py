"""Users, password checks and opaque tokens (browser sessions and API bearer tokens)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kholieu.accounts import passwords, roster
from kholieu.accounts.models import AuthToken, Role, TokenKind, User
from kholieu.accounts.roster import Student
from kholieu.audit import log as audit
from kholieu.config import Settings
from kholieu.db.base import aware, utcnow
from kholieu.errors import Conflict, NotFound, ValidationFailed

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def normal_username(username: str) -> str:
    """The one form of a username: what is stored, signed in with and counted by the login
    limiter (counting another form let padded variants guess on with fresh counters)."""
    return username.strip().lower()


def one_time_password() -> str:
    """Twelve characters nobody misreads on a printed slip, in three groups: "k7mq-x3ta-9upe"
    (about 60 bits; typed once, then changed)."""
    chars = "".join(secrets.choice(SLIP_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


@dataclass(frozen=True)
class Issued:
    """A new account and its one-time password, to print once."""

    user: User
    password: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.hasher = PasswordHash(
            (Argon2Hasher(settings.password_time_cost, settings.password_memory_kib),)
        )  # argon2id
        # Verified against when the username is unknown, so timing does not reveal which.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    def create_user(
        self, session: Session, username: str, password: str, role: str, display_name: str = ""
    ) -> User:
        username = normal_username(username)
        if not USERNAME.match(username):
            raise ValidationFailed(
                "Tên đăng nhập: 2–63 kí tự a–z, 0–9, “.”, “_”, “-”, bắt đầu bằng chữ hoặc số",
                details={"field": "username"},
            )
        if role not in Role.__members__:
            raise ValidationFailed(
                "Vai trò: “{role}” không phải một trong {join}",
                role=role,
                join=", ".join(Role),
                details={"field": "role"},
            )
        passwords.check(password, username)
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(
                "Tên đăng nhập “{username}” đã có người dùng",
                username=username,
                details={"field": "username"},
            )
        user = User(
            username=username,
            display_name=display_name or username,
            role=role,
            password_hash=self.hasher.hash(password),
        )
        session.add(user)
        session.flush()
        return user

    def issue_accounts(
        self, session: Session, students: list[Student], role: str, actor: User | None,
        *, roles_from_file: bool = False,
    ) -> list[Issued]:  # fmt: skip
        """Accounts for the rows of a class list, each with a one-time password (only its
        hash is kept; the caller shows it once). All or nothing: a username asked for that is
        taken refuses the whole list, naming its row. Whoever calls decides who may, and
        whether a "Vai trò" column counts (an admin's import: yes; a teacher's class list:
        never, or a teacher could make teachers)."""
        given = [s.username for s in students if s.username]
        taken = set(session.scalars(select(User.username).where(User.username.in_(given))))
        bad = [s for s in students if s.username in taken or
               (s.username and not USERNAME.match(s.username))]  # fmt: skip
        if bad:
            raise ValidationFailed(
                "Dòng {line}: tên đăng nhập “{username}” đã có người dùng hoặc không hợp lệ",
                line=bad[0].line, username=bad[0].username,
                details={"problem": "username", "rows": [
                    {"line": s.line, "username": s.username, "reason":
                     "taken" if s.username in taken else "invalid"} for s in bad]},
            )  # fmt: skip
        generated = {s.username for s in students}
        issued = []
        for student in students:
            username = student.username or self._free_username(session, student.name, generated)
            password = one_time_password()
            user = User(
                username=username, display_name=student.name,
                role=(student.role if roles_from_file and student.role else role),
                password_hash=self.hasher.hash(password), student_number=student.student_number
                or None, birth_date=student.birth_date, must_change_password=True,
            )  # fmt: skip
            session.add(user)
            issued.append(Issued(user, password))
        session.flush()
        audit.record(session, actor, "account.import", "users", count=len(issued))
        return issued

    @staticmethod
    def _free_username(session: Session, name: str, taken: set[str]) -> str:
        while True:
            candidate = roster.username_for(name, taken)
            if session.scalar(select(User.id).where(User.username == candidate)) is None:
                return candidate

    def authenticate(self, session: Session, username: str, password: str) -> User | None:
        user = session.scalar(select(User).where(User.username == normal_username(username)))
        if user is None or not user.is_active:
            self.hasher.verify(password, self._dummy_hash)
            return None
        valid, new_hash = self.hasher.verify_and_update(password, user.password_hash)
        if not valid:
            return None
        if new_hash:
            user.password_hash = new_hash
        return user

    def change_password(
        self, session: Session, user: User, current: str, new: str, keep: str | None = None
    ) -> None:
        """A user's own new password, given the current one. Every other session and token
        of theirs ends (one that went with the old password must not outlive it); ``keep``,
        the token the change came with, stays."""
        if not self.hasher.verify(current, user.password_hash):
            raise ValidationFailed(
                "Mật khẩu hiện tại: đây không phải mật khẩu hiện tại của bạn",
                details={"field": "current_password", "problem": "wrong"},
            )
        if new == current:
            raise ValidationFailed(
                "Mật khẩu mới: trùng với mật khẩu hiện tại",
                details={"field": "new_password", "problem": "same"},
            )
        passwords.check(new, user.username, field="new_password")
        user.password_hash = self.hasher.hash(new)
        user.must_change_password = False
        others = delete(AuthToken).where(AuthToken.user_id == user.id)
        if keep:
            others = others.where(AuthToken.token_hash != _digest(keep))
        session.execute(others)
        audit.record(session, user, "account.password", f"user:{user.id}")

    def issue_token(self, session: Session, user: User, kind: TokenKind) -> str:
        token = secrets.token_urlsafe(32)
        ttl = (
            self.settings.session_max_age_s
            if kind == TokenKind.session
            else self.settings.api_token_ttl_s
        )
        session.add(
            AuthToken(
                user_id=user.id,
                kind=kind,
                token_hash=_digest(token),
                expires_at=utcnow() + timedelta(seconds=ttl),
            )
        )
        return token

    def user_for_token(self, session: Session, token: str, kind: TokenKind) -> User | None:
        row = session.execute(
            select(AuthToken, User)
            .join(User, User.id == AuthToken.user_id)
            .where(AuthToken.token_hash == _digest(token), AuthToken.kind == kind)
        ).first()
        if row is None:
            return None
        auth, user = row
        if aware(auth.expires_at) < utcnow() or not user.is_active:
            return None
        return user

    def revoke_token(self, session: Session, token: str) -> None:
        session.execute(delete(AuthToken).where(AuthToken.token_hash == _digest(token)))

    def revoke_all(self, session: Session, user: User) -> None:
        """Sign a user out everywhere: every browser session and API token they hold."""
        session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))

    def tokens_of(self, session: Session, user: User) -> list[AuthToken]:
        """A user's live sessions and API tokens, newest first."""
        query = select(AuthToken).where(
            AuthToken.user_id == user.id, AuthToken.expires_at > utcnow()
        )
        return list(session.scalars(query.order_by(AuthToken.id.desc())))

    def revoke_own(self, session: Session, user: User, token_id: int) -> None:
        """End one of the user's own sessions or tokens; another's looks like none (404)."""
        row = session.get(AuthToken, token_id)
        if row is None or row.user_id != user.id:
            raise NotFound("Bạn không có mã truy cập số {token_id}", token_id=token_id)
        session.delete(row)

    @staticmethod
    def is_token(row: AuthToken, token: str | None) -> bool:
        return token is not None and secrets.compare_digest(row.token_hash, _digest(token))
