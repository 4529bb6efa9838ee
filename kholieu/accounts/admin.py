"""Administration of accounts: admins find users, create them one by one or from a class list,
change a role, reset a password (a one-time password, printed once), disable an account (its
sessions and tokens end at once) or enable it again. Every change is audited with who did it.

An admin cannot take away their own admin role or disable themself, and the last active admin
stays one, so a deployment never locks itself out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import Role, User
from kholieu.accounts.roles import ADMINS, is_in
from kholieu.accounts.roster import Roster
from kholieu.accounts.service import AccountService, Issued, one_time_password
from kholieu.audit import log as audit
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

PAGE_SIZE = 50


class UserAdmin:
    def __init__(self, accounts: AccountService) -> None:
        self.accounts = accounts

    def search(
        self, session: Session, admin: User, *, q: str = "", role: str = "",
        active: bool | None = None, page: int = 1,
    ) -> tuple[list[User], int]:  # fmt: skip
        """Users whose name, username or student number holds ``q``, newest first."""
        _require_admin(admin)
        query = select(User)
        if q.strip():
            like = f"%{q.strip()}%"
            query = query.where(or_(User.username.ilike(like), User.display_name.ilike(like),
                                    User.student_number.ilike(like)))  # fmt: skip
        if role:
            query = query.where(User.role == role)
        if active is not None:
            query = query.where(User.is_active.is_(active))
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(User.id.desc()).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        )
        return list(rows), total

    def get(self, session: Session, admin: User, user_id: int) -> User:
        _require_admin(admin)
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("Không có người dùng số {user_id}", user_id=user_id)
        return user

    def create(self, session: Session, admin: User, data: dict[str, Any]) -> Issued:
        """One account with a one-time password (or the password given)."""
        _require_admin(admin)
        password = data.get("password") or one_time_password()
        user = self.accounts.create_user(
            session, data["username"], password, data.get("role", Role.student),
            display_name=data.get("display_name", ""),
        )  # fmt: skip
        user.student_number = data.get("student_number") or None
        user.birth_date = data.get("birth_date")
        user.must_change_password = not data.get("password")
        audit.record(session, admin, "account.create", f"user:{user.id}", role=user.role)
        return Issued(user, password)

    def import_list(self, session: Session, admin: User, roster: Roster, role: str) -> list[Issued]:
        """Everyone on a class list (an XLSX or CSV read by ``roster.read``), or nothing."""
        _require_admin(admin)
        refuse_problems(roster)
        return self.accounts.issue_accounts(session, roster.students, role, admin,
                                            roles_from_file=True)  # fmt: skip

    def change(self, session: Session, admin: User, user_id: int, data: dict[str, Any]) -> User:
        """Role, name, student number, birth date, active: only what ``data`` holds."""
        user = self.get(session, admin, user_id)
        if "role" in data and data["role"] != user.role:
            if user.id == admin.id:
                raise Conflict("Bạn không thể tự đổi vai trò của mình", details={"reason": "self"})
            if user.role == Role.admin:
                self._keep_an_admin(session, user)
            user.role = data["role"]
            audit.record(session, admin, "account.role", f"user:{user.id}", role=user.role)
        if "is_active" in data and data["is_active"] != user.is_active:
            self.set_active(session, admin, user, data["is_active"])
        for name in ("display_name", "student_number", "birth_date"):
            if name in data:
                setattr(user, name, data[name] or (None if name != "display_name" else ""))
        return user

    def set_active(self, session: Session, admin: User, user: User, active: bool) -> None:
        """Disable (every session and token ends now) or enable an account."""
        if user.id == admin.id and not active:
            raise Conflict("Bạn không thể tự khoá tài khoản của mình", details={"reason": "self"})
        if not active and user.role == Role.admin:
            self._keep_an_admin(session, user)
        user.is_active = active
        if not active:
            self.accounts.revoke_all(session, user)
        audit.record(session, admin, "account.enable" if active else "account.disable",
                     f"user:{user.id}")  # fmt: skip

    def reset_password(self, session: Session, admin: User, user_id: int) -> Issued:
        """A one-time password; the old one and every session and token stop working."""
        user = self.get(session, admin, user_id)
        password = one_time_password()
        user.password_hash = self.accounts.hasher.hash(password)
        user.must_change_password = True
        self.accounts.revoke_all(session, user)
        audit.record(session, admin, "account.reset_password", f"user:{user.id}")
        return Issued(user, password)

    @staticmethod
    def _keep_an_admin(session: Session, leaving: User) -> None:
        others = select(func.count(User.id)).where(
            User.role == Role.admin, User.is_active.is_(True), User.id != leaving.id
        )
        if not session.scalar(others):
            raise Conflict("Phải còn ít nhất một quản trị viên", details={"reason": "last_admin"})


def _require_admin(user: User) -> None:
    if not is_in(user, ADMINS):
        raise PermissionDenied("Việc này chỉ dành cho quản trị viên")


def refuse_problems(roster: Roster) -> None:
    if roster.problems:
        first = roster.problems[0]
        where = f"row {first.line}, column {first.column!r}" if first.line else "the file"
        raise ValidationFailed(
            "{where}: {reason}",
            where=where,
            reason=first.reason,
            details={"problem": "roster", "rows": [p.__dict__ for p in roster.problems[:200]]},
        )
    if not roster.students:
        raise ValidationFailed("Danh sách không có học sinh nào", details={"problem": "empty"})
