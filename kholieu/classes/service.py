"""Classes: who may see and manage which class, joining by code, members, archiving.

A class is reachable by its members (its teachers and students) and by admins; to anyone
else it looks like none (404), so trying ids tells nothing. Its teachers — the one who made it
and the co-teachers they added — manage it; an archived class (a past school year) keeps its
members and refuses changes until restored. Every change is in the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kholieu import codes
from kholieu.accounts.admin import refuse_problems
from kholieu.accounts.models import Role, User
from kholieu.accounts.roles import ADMINS, TEACHERS, is_in
from kholieu.accounts.roster import Roster
from kholieu.accounts.service import AccountService, Issued, normal_username
from kholieu.audit import log as audit
from kholieu.classes.models import ClassMember, MemberRole, SchoolClass
from kholieu.classes.schemas import ClassIn, SignupIn
from kholieu.db.base import aware, utcnow
from kholieu.errors import Conflict, NotFound, PermissionDenied
from kholieu.search.analysis import fold

CODE_LENGTH = 7
MAX_STUDENTS = 200  # a class, not a school: a leaked code cannot fill one without bound


class ClassService:
    def __init__(self, accounts: AccountService) -> None:
        self.accounts = accounts  # a new student's account, when a class lets them sign up

    # -- teachers ----------------------------------------------------------------------------

    def create(self, session: Session, teacher: User, data: ClassIn) -> SchoolClass:
        if not is_in(teacher, TEACHERS):
            raise PermissionDenied("Chỉ giáo viên tạo được lớp")
        made = SchoolClass(
            name=data.name, school=data.school, grade=data.grade, school_year=data.school_year,
            owner_id=teacher.id, code=self._new_code(session),
        )  # fmt: skip
        session.add(made)
        session.flush()
        session.add(ClassMember(class_id=made.id, user_id=teacher.id, role=MemberRole.teacher))
        audit.record(session, teacher, "class.create", _target(made), name=made.name)
        return made

    def _new_code(self, session: Session) -> str:
        while True:
            code = codes.new(CODE_LENGTH)
            if not session.scalar(select(SchoolClass.id).where(SchoolClass.code == code)):
                return code

    def new_code(self, session: Session, teacher: User, class_id: int) -> SchoolClass:
        """A new join code; the old one stops working (a code that got out); members stay."""
        made = self.managed(session, teacher, class_id)
        made.code = self._new_code(session)
        audit.record(session, teacher, "class.new_code", _target(made))
        return made

    def allow_signup(
        self, session: Session, teacher: User, class_id: int, allowed: bool
    ) -> SchoolClass:
        """Let new students make their own accounts with the code (or stop it)."""
        made = self.managed(session, teacher, class_id)
        if made.signup_open != allowed:
            made.signup_open = allowed
            audit.record(session, teacher, "class.signup", _target(made), open=allowed)
        return made

    def archive(self, session: Session, teacher: User, class_id: int) -> SchoolClass:
        """End of the school year: nobody joins, nothing changes; members still see it."""
        made = self.managed(session, teacher, class_id, archived_ok=True)
        if made.archived_at is None:
            made.archived_at = utcnow()
            audit.record(session, teacher, "class.archive", _target(made))
        return made

    def restore(self, session: Session, teacher: User, class_id: int) -> SchoolClass:
        made = self.managed(session, teacher, class_id, archived_ok=True)
        if made.archived_at is not None:
            made.archived_at = None
            audit.record(session, teacher, "class.restore", _target(made))
        return made

    def add_teacher(
        self, session: Session, teacher: User, class_id: int, username: str
    ) -> ClassMember:
        """A co-teacher, by username: sees and manages the class as its own teacher does."""
        made = self.managed(session, teacher, class_id)
        other = session.scalar(select(User).where(User.username == normal_username(username)))
        if other is None or not other.is_active:
            raise NotFound("Không có người dùng “{username}”", username=username)
        if not is_in(other, TEACHERS):
            raise Conflict(
                "“{username}” không phải giáo viên: giáo viên cùng dạy phải là giáo viên",
                username=username,
            )
        member = self._membership(session, made.id, other.id)
        if member is None:
            member = ClassMember(class_id=made.id, user_id=other.id, role=MemberRole.teacher)
            session.add(member)
        elif member.role != MemberRole.teacher:
            raise Conflict("“{username}” đã là học sinh của lớp này", username=username)
        session.flush()
        audit.record(session, teacher, "class.add_teacher", _target(made), user_id=other.id)
        return member

    def import_roster(
        self, session: Session, teacher: User, class_id: int, roster: Roster
    ) -> list[Issued]:
        """The class list a school gives (XLSX/CSV: họ tên, ngày sinh, mã học sinh): a
        student account for each row, with a one-time password to print, in the class with
        their student number. All or nothing; a "Vai trò" column is ignored (a teacher makes
        students only); the class's cap counts."""
        made = self.managed(session, teacher, class_id)
        refuse_problems(roster)
        if self._students(session, made.id) + len(roster.students) > MAX_STUDENTS:
            raise Conflict("Lớp sẽ có quá {max_students} học sinh", max_students=MAX_STUDENTS,
                           details={"reason": "full"})  # fmt: skip
        issued = self.accounts.issue_accounts(session, roster.students, Role.student, teacher)
        for item in issued:
            session.add(ClassMember(class_id=made.id, user_id=item.user.id,
                                    role=MemberRole.student,
                                    student_number=item.user.student_number or ""))  # fmt: skip
        session.flush()
        audit.record(session, teacher, "class.import", _target(made), count=len(issued))
        return issued

    def remove(self, session: Session, teacher: User, class_id: int, user_id: int) -> None:
        """A student or co-teacher leaves the class (their own work stays theirs); the class's
        own teacher cannot be removed."""
        made = self.managed(session, teacher, class_id)
        member = self._membership(session, made.id, user_id)
        if member is None:
            raise NotFound("Lớp này không có thành viên số {user_id}", user_id=user_id)
        if user_id == made.owner_id:
            raise Conflict("Không thể bỏ giáo viên chủ nhiệm của lớp")
        session.delete(member)
        audit.record(session, teacher, "class.remove", _target(made), user_id=user_id)

    def members(self, session: Session, teacher: User, class_id: int) -> list[dict[str, Any]]:
        """Teachers first (the class's own first), then students by name."""
        made = self.managed(session, teacher, class_id, archived_ok=True)
        rows = session.execute(
            select(ClassMember, User)
            .join(User, User.id == ClassMember.user_id)
            .where(ClassMember.class_id == made.id)
        ).all()
        out = [
            {"user_id": user.id, "name": user.display_name or user.username,
             "username": user.username, "role": member.role,
             "student_number": member.student_number,
             "joined_at": aware(member.created_at).isoformat(), "owner": user.id == made.owner_id}
            for member, user in rows
        ]  # fmt: skip
        return sorted(out, key=lambda m: (m["role"] != "teacher", not m["owner"], m["name"]))

    # -- everyone in a class -----------------------------------------------------------------

    def join(self, session: Session, student: User, code: str) -> SchoolClass:
        """A student joins with the code the teacher gave; joining twice is joining once."""
        if student.role != Role.student:
            raise PermissionDenied(
                "Mã lớp dành cho học sinh; giáo viên do giáo viên của lớp thêm vào"
            )
        typed = codes.typed(code)
        made = session.scalar(select(SchoolClass).where(SchoolClass.code == typed))
        if made is None:
            raise NotFound("Không có lớp nào có mã “{typed}”", typed=typed)
        if made.archived_at is not None:
            raise Conflict(
                "Lớp đã lưu trữ: không nhận thêm học sinh", details={"reason": "archived"}
            )
        if self._membership(session, made.id, student.id) is None:
            if self._students(session, made.id) >= MAX_STUDENTS:
                raise Conflict(
                    "Lớp đã đủ ({max_students} học sinh)",
                    max_students=MAX_STUDENTS,
                    details={"reason": "full"},
                )
            try:
                with session.begin_nested():
                    session.add(
                        ClassMember(class_id=made.id, user_id=student.id, role=MemberRole.student)
                    )
            except IntegrityError:
                pass  # joined at the same moment from another tab: one row is enough
            else:
                audit.record(session, student, "class.join", _target(made))
        return made

    def by_code(self, session: Session, code: str) -> SchoolClass | None:
        typed = codes.typed(code)
        return session.scalar(select(SchoolClass).where(SchoolClass.code == typed))

    def sign_up(self, session: Session, code: str, data: SignupIn) -> tuple[User, SchoolClass]:
        """A new student's own account, made with the class's code when its teacher allows
        it, and joined to the class at once. A class admits at most ``MAX_STUDENTS``, so a
        leaked code cannot make accounts without bound; the teacher can close sign-up."""
        made = self.by_code(session, code)
        if made is None:
            raise NotFound("Không có lớp nào có mã “{typed}”", typed=codes.typed(code))
        if not made.signup_open or made.archived_at is not None:
            raise PermissionDenied("Lớp này không nhận tài khoản mới; hãy hỏi giáo viên của lớp",
                                   details={"reason": "signup_closed"})  # fmt: skip
        if self._students(session, made.id) >= MAX_STUDENTS:
            raise Conflict("Lớp đã đủ ({max_students} học sinh)", max_students=MAX_STUDENTS,
                           details={"reason": "full"})  # fmt: skip
        student = self.accounts.create_user(
            session, data.username, data.password, Role.student, display_name=data.name
        )
        session.add(ClassMember(class_id=made.id, user_id=student.id, role=MemberRole.student))
        audit.record(session, student, "class.signup_join", _target(made))
        return student, made

    def mine(self, session: Session, user: User, *, archived: bool = False) -> list[SchoolClass]:
        """The classes ``user`` teaches or is in, newest first; with ``archived``, the past
        ones instead."""
        query = (
            select(SchoolClass)
            .join(ClassMember, ClassMember.class_id == SchoolClass.id)
            .where(ClassMember.user_id == user.id)
            .where(
                SchoolClass.archived_at.is_not(None)
                if archived
                else SchoolClass.archived_at.is_(None)
            )
            .order_by(SchoolClass.id.desc())
        )
        return list(session.scalars(query.limit(500)))

    def reachable(self, session: Session, user: User, class_id: int) -> SchoolClass:
        """The class, for a member or an admin; 404 to anyone else."""
        made = session.get(SchoolClass, class_id)
        if made is None or not (
            is_in(user, ADMINS) or self._membership(session, class_id, user.id) is not None
        ):
            raise NotFound("Không có lớp số {class_id}", class_id=class_id)
        return made

    def managed(
        self, session: Session, user: User, class_id: int, *, archived_ok: bool = False
    ) -> SchoolClass:
        """The class, for one of its teachers (or an admin) to manage: 404 to outsiders,
        403 to its students, 409 when archived (unless ``archived_ok``)."""
        made = self.reachable(session, user, class_id)
        if not self.teaches(session, user, made):
            raise PermissionDenied("Chỉ giáo viên của lớp quản lí được lớp")
        if made.archived_at is not None and not archived_ok:
            raise Conflict("Lớp đã lưu trữ: hãy khôi phục lớp để thay đổi")
        return made

    def role_in(self, session: Session, class_id: int, user_id: int) -> str | None:
        """ "teacher", "student" or None: what the user is in the class (for the quiz
        service's class quizzes)."""
        member = self._membership(session, class_id, user_id)
        return member.role if member is not None else None

    def students(self, session: Session, class_id: int) -> list[tuple[User, ClassMember]]:
        """The class's students by name, with their membership (the student number)."""
        rows = session.execute(
            select(User, ClassMember)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == class_id, ClassMember.role == MemberRole.student)
        ).all()
        return sorted(((u, m) for u, m in rows), key=lambda r: _sort_name(r[0]))

    def teaches(self, session: Session, user: User, made: SchoolClass) -> bool:
        if is_in(user, ADMINS):
            return True
        member = self._membership(session, made.id, user.id)
        return member is not None and member.role == MemberRole.teacher

    def view(self, session: Session, user: User, made: SchoolClass) -> dict[str, Any]:
        """What ``user`` sees of the class: its teachers see the code and the count."""
        teaching = self.teaches(session, user, made)
        teachers = session.execute(
            select(User.id, User.display_name, User.username)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == made.id, ClassMember.role == MemberRole.teacher)
        ).all()
        names = [name or username for uid, name, username in
                 sorted(teachers, key=lambda t: (t[0] != made.owner_id, t[1] or t[2]))]  # fmt: skip
        out: dict[str, Any] = {
            "id": made.id, "name": made.name, "school": made.school, "grade": made.grade,
            "school_year": made.school_year, "archived": made.archived_at is not None,
            "role": "teacher" if teaching else "student", "teachers": names,
        }  # fmt: skip
        if teaching:
            out |= {"code": made.code, "students": self._students(session, made.id),
                    "signup_open": made.signup_open}  # fmt: skip
        return out

    def _students(self, session: Session, class_id: int) -> int:
        count = select(func.count(ClassMember.id)).where(
            ClassMember.class_id == class_id, ClassMember.role == MemberRole.student
        )
        return session.scalar(count) or 0

    def _membership(self, session: Session, class_id: int, user_id: int) -> ClassMember | None:
        return session.scalar(
            select(ClassMember).where(
                ClassMember.class_id == class_id, ClassMember.user_id == user_id
            )
        )


def _sort_name(user: User) -> tuple[str, str]:
    """Vietnamese lists sort by the given name (the last word), then the whole name."""
    name = fold((user.display_name or user.username).strip()).casefold()
    return (name.rsplit(" ", 1)[-1], name)


def _target(made: SchoolClass) -> str:
    return f"class:{made.id}"
