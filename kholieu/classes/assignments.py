"""Assignments: what a class's teachers give the class — a lesson (a published content item),
a practice quiz or an exam — open from one time to another, and how far each student is.

A quiz is assigned as a copy made for the class alone (``QuizService.for_class``): only the
class's students start it, its teachers (co-teachers too) manage it, and its attempts are the
class's gradebook. A student reaches an assignment only through a class they are in; to
anyone else it looks like none (404). Every change is in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.classes.models import (
    Assignment,
    AssignmentKind,
    ClassMember,
    MemberRole,
    SchoolClass,
)
from kholieu.classes.schemas import AllowanceIn, LessonAssignmentIn, QuizAssignmentIn
from kholieu.classes.service import ClassService
from kholieu.content import policy as content_policy
from kholieu.content.models import ContentFile, ContentItem, ScormAttempt
from kholieu.db.base import aware, utcnow
from kholieu.errors import Conflict, NotFound, ValidationFailed
from kholieu.quiz import allowances
from kholieu.quiz.models import Attempt, Quiz
from kholieu.quiz.service import QuizService
from kholieu.search.analysis import fold
from kholieu.video import positions
from kholieu.video.models import PlaybackPosition

MAX_ASSIGNMENTS = 500  # per class: a school year's worth, many times over


class AssignmentService:
    def __init__(self, classes: ClassService, quizzes: QuizService) -> None:
        self.classes = classes
        self.quizzes = quizzes

    # -- teachers ----------------------------------------------------------------------------

    def assign_lesson(
        self, session: Session, teacher: User, class_id: int, data: LessonAssignmentIn
    ) -> Assignment:
        made = self._open_for_more(session, teacher, class_id)
        item = session.scalar(
            content_policy.visible(None).where(ContentItem.id == data.item_id)
        )  # what a student may open: published
        if item is None:
            raise ValidationFailed(
                "Không có học liệu đã xuất bản số {item_id}",
                item_id=data.item_id,
                details={"field": "item_id", "problem": "not_published"},
            )
        _check_window(data.opens_at, data.closes_at)
        assignment = Assignment(
            class_id=made.id, kind=AssignmentKind.lesson, title=data.title or item.title,
            item_id=item.id, opens_at=data.opens_at, closes_at=data.closes_at,
            created_by=teacher.id,
        )  # fmt: skip
        return self._added(session, teacher, assignment)

    def assign_quiz(
        self, session: Session, teacher: User, class_id: int, data: QuizAssignmentIn
    ) -> Assignment:
        made = self._open_for_more(session, teacher, class_id)
        quiz = self.quizzes.owned(session, teacher, data.quiz_id)
        _check_window(data.opens_at, data.closes_at)
        settings = data.model_dump(exclude={"quiz_id"}, exclude_unset=True, mode="json")
        copy = self.quizzes.for_class(session, teacher, quiz, made.id, settings)
        assignment = Assignment(
            class_id=made.id, kind=copy.mode, title=copy.title, quiz_id=copy.id,
            opens_at=copy.opens_at, closes_at=copy.closes_at, created_by=teacher.id,
        )  # fmt: skip
        return self._added(session, teacher, assignment)

    def _open_for_more(self, session: Session, teacher: User, class_id: int) -> SchoolClass:
        made = self.classes.managed(session, teacher, class_id)
        count = select(func.count(Assignment.id)).where(Assignment.class_id == made.id)
        if (session.scalar(count) or 0) >= MAX_ASSIGNMENTS:
            raise Conflict(
                "Một lớp có tối đa {max_assignments} bài được giao",
                max_assignments=MAX_ASSIGNMENTS,
                details={"reason": "too_many"},
            )
        return made

    def _added(self, session: Session, teacher: User, assignment: Assignment) -> Assignment:
        session.add(assignment)
        session.flush()
        audit.record(session, teacher, "assignment.create", _target(assignment),
                     class_id=assignment.class_id, kind=assignment.kind)  # fmt: skip
        return assignment

    def remove(self, session: Session, teacher: User, assignment_id: int) -> None:
        """Take an assignment back; once a student has handed in work it stays (the
        gradebook keeps it), so that is refused."""
        assignment, _ = self.managed(session, teacher, assignment_id)
        if assignment.quiz_id is not None and session.scalar(
            select(Attempt.id).where(Attempt.quiz_id == assignment.quiz_id).limit(1)
        ):
            raise Conflict("Học sinh đã bắt đầu làm: bài này ở lại trong sổ điểm",
                           details={"reason": "has_attempts"})  # fmt: skip
        audit.record(session, teacher, "assignment.remove", _target(assignment))
        if assignment.quiz_id is not None:
            session.delete(session.get(Quiz, assignment.quiz_id))  # the class's copy
        session.delete(assignment)

    def allow(
        self, session: Session, teacher: User, assignment_id: int, data: AllowanceIn
    ) -> dict[str, Any]:
        """More attempts, minutes or a later close for one student of the class."""
        assignment, made = self.managed(session, teacher, assignment_id)
        if assignment.quiz_id is None:
            raise ValidationFailed(
                "Bài học không có lượt làm để gia hạn", details={"problem": "lesson"}
            )
        if self.classes.role_in(session, made.id, data.user_id) != MemberRole.student:
            raise NotFound("Lớp này không có học sinh số {user_id}", user_id=data.user_id)
        quiz = self.quizzes.get(session, assignment.quiz_id)
        granted = allowances.grant(
            session, quiz, data.user_id, extra_attempts=data.extra_attempts,
            extra_time_s=data.extra_minutes * 60, closes_at=data.closes_at,
        )  # fmt: skip
        audit.record(session, teacher, "assignment.allow", _target(assignment),
                     user_id=data.user_id, extra_attempts=data.extra_attempts,
                     extra_minutes=data.extra_minutes,
                     closes_at=data.closes_at.isoformat() if data.closes_at else None)  # fmt: skip
        return {
            "user_id": data.user_id, "extra_attempts": granted.extra_attempts,
            "extra_minutes": granted.extra_time_s // 60,
            "closes_at": aware(granted.closes_at).isoformat() if granted.closes_at else None,
        }  # fmt: skip

    def store_scanned(
        self, session: Session, teacher: User, quiz: Quiz, scores: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Scanned sheets of a class's exam as attempts of its students, so they count in
        the gradebook and the item analysis. A row's "student" is matched to a student of
        the class by student number, username or full name (as typed, with or without
        diacritics); rows that match nobody, or two students, come back with why."""
        if quiz.class_id is None:
            return []
        students = self.classes.students(session, quiz.class_id)
        names: dict[str, set[int]] = {}
        for user, member in students:
            for key in (member.student_number, user.username, user.display_name):
                if key:
                    names.setdefault(_matchable(key), set()).add(user.id)
        unmatched = []
        for row in scores:
            row["stored"] = False
            found = names.get(_matchable(row["student"]), set())
            if len(found) != 1:
                reason = "ambiguous" if found else "not_in_class"
                unmatched.append({"line": row["line"], "student": row["student"],
                                  "reason": reason})  # fmt: skip
                continue
            self.quizzes.record_scanned(session, teacher, quiz, found.pop(), row["ma_de"],
                                        row["answers"])  # fmt: skip
            row["stored"] = True
        return unmatched

    def managed(
        self, session: Session, teacher: User, assignment_id: int
    ) -> tuple[Assignment, SchoolClass]:
        """The assignment, for one of its class's teachers: 404 to outsiders, 403 to the
        class's students."""
        assignment = session.get(Assignment, assignment_id)
        if assignment is None:
            raise NotFound("Không có bài giao số {assignment_id}", assignment_id=assignment_id)
        try:
            made = self.classes.managed(session, teacher, assignment.class_id)
        except NotFound:
            raise NotFound(
                "Không có bài giao số {assignment_id}", assignment_id=assignment_id
            ) from None
        return assignment, made

    def progress(self, session: Session, teacher: User, assignment_id: int) -> dict[str, Any]:
        """Each student of the class and where they are with the assignment: names of who
        has not started, who is working, who has handed in (and their score)."""
        assignment, made = self.managed(session, teacher, assignment_id)
        students = self.classes.students(session, made.id)
        states = self.states(session, [assignment], [u.id for u, _ in students])
        rows = [
            {"user_id": u.id, "name": u.display_name or u.username,
             "student_number": m.student_number or "", **states[(assignment.id, u.id)]}
            for u, m in students
        ]  # fmt: skip
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return {"assignment": self.view(assignment), "counts": counts, "students": rows}

    # -- everyone in the class ---------------------------------------------------------------

    def of_class(self, session: Session, user: User, class_id: int) -> list[dict[str, Any]]:
        """The class's assignments, newest first; a student's carry their own status."""
        made = self.classes.reachable(session, user, class_id)
        assignments = list(session.scalars(
            select(Assignment).where(Assignment.class_id == made.id)
            .order_by(Assignment.id.desc()).limit(MAX_ASSIGNMENTS)
        ))  # fmt: skip
        if self.classes.teaches(session, user, made):
            return [self.view(a) for a in assignments]
        states = self.states(session, assignments, [user.id])
        return [self.view(a) | states[(a.id, user.id)] for a in assignments]

    def mine(self, session: Session, student: User, limit: int = 200) -> list[dict[str, Any]]:
        """Góc học tập: what is assigned to me in every current class, what is due first
        first, with my status."""
        rows = session.execute(
            select(Assignment, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Assignment.class_id)
            .join(ClassMember, ClassMember.class_id == SchoolClass.id)
            .where(ClassMember.user_id == student.id, ClassMember.role == MemberRole.student,
                   SchoolClass.archived_at.is_(None))
            .order_by(Assignment.id.desc()).limit(limit)
        ).all()  # fmt: skip
        assignments = [a for a, _ in rows]
        states = self.states(session, assignments, [student.id])
        out = [self.view(a) | {"class_name": name} | states[(a.id, student.id)]
               for a, name in rows]  # fmt: skip
        far = datetime.max.replace(tzinfo=utcnow().tzinfo)
        return sorted(out, key=lambda r: (r["status"] in DONE, r["closes_at"] or far.isoformat()))

    def view(self, assignment: Assignment) -> dict[str, Any]:
        now = utcnow()
        opens, closes = assignment.opens_at, assignment.closes_at
        window = ("not_open" if opens and now < aware(opens) else
                  "closed" if closes and now >= aware(closes) else "open")  # fmt: skip
        return {
            "id": assignment.id, "class_id": assignment.class_id, "kind": assignment.kind,
            "title": assignment.title, "item_id": assignment.item_id,
            "quiz_id": assignment.quiz_id, "window": window,
            "opens_at": aware(opens).isoformat() if opens else None,
            "closes_at": aware(closes).isoformat() if closes else None,
        }  # fmt: skip

    # -- where each student is ---------------------------------------------------------------

    def states(
        self, session: Session, assignments: list[Assignment], user_ids: list[int]
    ) -> dict[tuple[int, int], dict[str, Any]]:
        """(assignment, student) → status and, for quizzes, the counted score on 10."""
        out: dict[tuple[int, int], dict[str, Any]] = {}
        for assignment in assignments:
            if assignment.quiz_id is not None:
                found = self._quiz_states(session, assignment.quiz_id, user_ids)
            else:
                found = self._lesson_states(session, assignment.item_id, user_ids)
            for user_id in user_ids:
                out[(assignment.id, user_id)] = BLANK | found.get(user_id, {})
        return out

    def _quiz_states(
        self, session: Session, quiz_id: int, user_ids: list[int]
    ) -> dict[int, dict[str, Any]]:
        quiz = self.quizzes.get(session, quiz_id)
        attempts = list(session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz_id, Attempt.user_id.in_(user_ids))
            .order_by(Attempt.number)
        ))  # fmt: skip
        for attempt in attempts:
            self.quizzes.finish_if_due(session, attempt, quiz)
        submitted = [a for a in attempts if a.submitted_at is not None]
        counted = self.quizzes.counted(quiz, submitted)
        by_user: dict[int, list[Attempt]] = {}
        for attempt in attempts:
            by_user.setdefault(attempt.user_id, []).append(attempt)
        out: dict[int, dict[str, Any]] = {}
        for user_id, mine in by_user.items():
            if any(a.submitted_at is None for a in mine):
                status = "in_progress"
            elif any(r["pending"] for a in mine for r in a.results or []):
                status = "needs_marking"
            else:
                status = "submitted"
            out[user_id] = {"status": status, "attempts": len(mine),
                            "last_attempt_id": mine[-1].id}  # fmt: skip
        for user_id, score in counted.items():
            out[user_id]["score_10"] = score
        return out

    def _lesson_states(
        self, session: Session, item_id: int | None, user_ids: list[int]
    ) -> dict[int, dict[str, Any]]:
        """Opened (a video position or a SCORM report stored) or done (watched to the end,
        or the SCORM lesson reported completed)."""
        out: dict[int, dict[str, Any]] = {}
        if item_id is None:
            return out
        hls = session.scalars(
            select(ContentFile.hls).where(ContentFile.item_id == item_id,
                                          ContentFile.hls.is_not(None))
        ).first()  # fmt: skip
        duration = float(hls["duration"]) if hls else 0.0
        for user_id, seconds in session.execute(
            select(PlaybackPosition.user_id, PlaybackPosition.seconds).where(
                PlaybackPosition.item_id == item_id, PlaybackPosition.user_id.in_(user_ids)
            )
        ):
            done = duration > 0 and seconds >= positions.WATCHED * duration
            watched = round(min(1.0, seconds / duration), 2) if duration else None
            out[user_id] = {"status": "done" if done else "opened", "watched": watched}
        for user_id, completion, success in session.execute(
            select(ScormAttempt.user_id, ScormAttempt.completion, ScormAttempt.success).where(
                ScormAttempt.item_id == item_id, ScormAttempt.user_id.in_(user_ids)
            )
        ):
            done = completion == "completed" or success == "passed"
            if done or user_id not in out:
                out[user_id] = {"status": "done" if done else "opened"}
        return out


DONE = ("submitted", "needs_marking", "done")
BLANK = {"status": "not_started", "score_10": None, "attempts": None, "last_attempt_id": None,
         "watched": None}  # fmt: skip


def _matchable(text: str) -> str:
    return " ".join(fold(text).casefold().split())


def _check_window(opens: datetime | None, closes: datetime | None) -> None:
    if opens and closes and closes <= opens:
        raise ValidationFailed(
            "Giờ đóng phải sau giờ mở",
            details={"field": "closes_at", "problem": "before_open"},
        )


def _target(assignment: Assignment) -> str:
    return f"assignment:{assignment.id}"
