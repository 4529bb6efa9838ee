"""Quizzes and attempts: the rules of taking a test, in one place for the API and the pages.

Integrity rules, each with a test:
- a quiz is reached through its audience: its teacher, and students who joined it with its
  share code or link; a quiz assigned to a class, by that class's students (no code lets
  anyone else in) and managed by its teachers; to anyone else its id is a 404;
- before the review policy allows, what a student receives holds no key, no correctness flag,
  no explanation and no feedback; after, only keys the questions' exposure allows (README,
  "Exposure levels"); practice draws and checks only ``open`` questions;
- a student reads and writes only their own attempts;
- the server's clock decides: answers saved after the deadline (or after submitting) change
  nothing, and an attempt past its deadline is submitted with what was saved in time;
- one writer per attempt: autosave, submit and the deadline's auto-submit hold the attempt's
  row, so no acknowledged answer is lost and none lands after grading; a student's starts
  hold their user row, so concurrent starts make one attempt;
- submitting twice returns the first result.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kholieu import codes
from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, TEACHERS, is_in
from kholieu.audit import log as audit
from kholieu.bank.models import Exposure, Question, QuestionUse
from kholieu.bank.schemas import lacks_key
from kholieu.bank.service import QuestionBank
from kholieu.db.base import UtcMoment, aware, utcnow
from kholieu.db.locks import held, hold
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kholieu.i18n import N_, Message, gettext
from kholieu.pydantic_messages import located
from kholieu.quiz import allowances, assembly, grading, stats
from kholieu.quiz import blueprint as blueprints
from kholieu.quiz.bodies import VersionBodies
from kholieu.quiz.models import Attempt, Quiz, QuizAccess, QuizMode
from kholieu.quiz.schemas import QuizSettings


class Rosters(Protocol):
    """Who is in a class (``ClassService``): the quiz service asks it about class quizzes."""

    def role_in(self, session: Session, class_id: int, user_id: int) -> str | None: ...


ROMAN = ("I", "II", "III", "IV", "V")
# Points per question of a test made from an import, as the 2025 exam weighs each type.
POINTS = {"single_choice": 0.25, "multiple_response": 0.5, "true_false_group": 1.0,
          "short_answer": 0.5, "essay": 1.0}  # fmt: skip
CODE_LENGTH = 8  # 32⁸ ≈ 10¹²: not found by trying, still typed in a few seconds


def item_dict(item: assembly.Item) -> dict[str, Any]:
    return {"id": item.question_id, "version": item.version, "type": item.type,
            "points": item.points, "order": list(item.order) if item.order else None,
            "key": item.key}  # fmt: skip


def _original(item: dict[str, Any], answer: Any) -> Any:
    """An answer in the shown option order, mapped back to the question's own order."""
    order = item.get("order")
    if order is None or answer is None:
        return answer
    if item["type"] == "single_choice":
        return order[answer]
    return sorted(order[i] for i in answer)


def check_answer(item: dict[str, Any], body: dict[str, Any], answer: Any) -> None:
    """Refuse an answer of the wrong shape, naming the question."""
    qtype, where, options = item["type"], f"answers.{item['id']}", len(body.get("options") or [])
    if answer is None:
        return
    ok = {
        "single_choice": lambda a: type(a) is int and 0 <= a < options,
        "multiple_response": lambda a: isinstance(a, list)
        and all(type(i) is int and 0 <= i < options for i in a) and len(set(a)) == len(a),
        "true_false_group": lambda a: isinstance(a, list) and len(a) == 4
        and all(v is None or isinstance(v, bool) for v in a),
        "short_answer": lambda a: isinstance(a, str) and len(a) <= 200,
        "essay": lambda a: isinstance(a, str) and len(a) <= 20_000,
    }[qtype]  # fmt: skip
    if not ok(answer):
        raise ValidationFailed(
            "{where}: không phải câu trả lời hợp lệ cho câu hỏi loại {qtype}",
            where=where,
            qtype=qtype,
            details={"field": where},
        )


# What a teacher is told about each setting the quiz form and the API take, by field: the
# form shows each beside its own field (details["fields"]), the API's message is the first.
SETTING_PROBLEMS = {
    "title": N_("Tên bài dài quá 300 kí tự."),
    "mode": N_("Hình thức phải là “thi” hoặc “luyện tập”."),
    "time_limit_s": N_("Thời gian làm bài phải từ 1 đến 360 phút."),
    "access": N_("Bài kiểm tra chỉ chia sẻ được bằng mã và đường dẫn (access: link)."),
    "max_attempts": N_("Số lần làm bài phải là số nguyên từ 1 đến 100 (để trống: không giới hạn)."),
    "grading": N_("Cách tính điểm phải là: lần cao nhất, lần cuối hoặc trung bình các lần."),
    "review": N_("Cho xem lại phải là: ngay sau khi nộp, sau khi bài đóng hoặc không cho xem."),
    "opens_at": N_("Giờ mở bài không phải một ngày giờ hợp lệ."),
    "closes_at": N_("Giờ đóng bài không phải một ngày giờ hợp lệ."),
    "practice_checks": N_("Số lần kiểm tra mỗi câu phải là số nguyên từ 0 đến 5."),
    "seed": N_("Số trộn đề phải là số nguyên từ 0 đến 2147483647 (để trống: ngẫu nhiên)."),
}
MAX_VERSIONS = 99  # as blueprint.Blueprint.versions
MOMENT = TypeAdapter(UtcMoment)


def _said(template: str, **params: Any) -> str:
    """A problem as the form shows it, in the reader's language."""
    return Message(template, params).render()


def _version_problems(plan: Any) -> dict[str, str]:
    """Where the questions come from, the number of versions (mã đề) and their codes, told
    apart from the rest of the blueprint (``blueprints.parse`` checks the rest) so each has
    its own field on the form."""
    if not isinstance(plan, dict):
        return {}
    problems = {}
    if plan.get("source", "all") not in ("all", "bank", "mine"):
        problems["blueprint.source"] = gettext(
            N_(
                "Nguồn câu hỏi phải là: ngân hàng chung và câu của tôi (all), chỉ ngân hàng "
                "chung (bank) hoặc chỉ câu của tôi (mine)."
            )
        )
    versions = plan.get("versions", 1)
    if (
        isinstance(versions, bool)
        or not isinstance(versions, int)
        or not (1 <= versions <= MAX_VERSIONS)
    ):
        problems["blueprint.versions"] = _said(
            N_("Số mã đề phải là số nguyên từ 1 đến {most}."), most=MAX_VERSIONS
        )
        return problems
    codes = plan.get("codes")
    if codes is None:
        return problems
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        problems["blueprint.codes"] = _said(N_("Các mã đề phải là một danh sách chữ hoặc số."))
    elif len(codes) != versions:
        problems["blueprint.codes"] = _said(
            N_("Cần đúng {versions} mã đề (mỗi đề một mã), đang có {count}."),
            versions=versions, count=len(codes),
        )  # fmt: skip
    elif bad := [c for c in codes if not 1 <= len(c.strip()) <= 12 or c != c.strip()]:
        problems["blueprint.codes"] = _said(
            N_("Mã đề “{code}” phải dài từ 1 đến 12 kí tự, không có khoảng trắng ở hai đầu."),
            code=bad[0],
        )
    elif repeated := [c for c, n in Counter(codes).items() if n > 1]:
        problems["blueprint.codes"] = _said(
            N_("Mã đề {code} bị lặp: mỗi đề cần một mã riêng."), code=repeated[0]
        )
    return problems


def setting_problems(data: dict[str, Any]) -> tuple[QuizSettings | None, dict[str, str]]:
    """Every setting that is wrong, by field (not only the first), and the settings when none
    is."""
    problems: dict[str, str] = {}
    given = None
    try:
        given = QuizSettings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "title"
            known = SETTING_PROBLEMS.get(field)
            problems.setdefault(field, gettext(known) if known else located(err, field))
    window = [data.get("opens_at"), data.get("closes_at")]
    if all(window) and not {"opens_at", "closes_at"} & set(problems):
        opens, closes = (MOMENT.validate_python(moment) for moment in window)
        if closes <= opens:
            problems["closes_at"] = _said(N_("Giờ đóng bài phải sau giờ mở bài."))
    problems.update(_version_problems(data.get("blueprint")))
    return (None if problems else given), problems


def _settled(check: dict[str, Any] | None) -> bool:
    """A practice check that settled its question (stored before tries were counted: yes)."""
    return bool(check) and check.get("final", True)


def _shown_check(check: dict[str, Any]) -> dict[str, Any]:
    """A kept check as a reload shows it: the key and explanation only once it settled its
    question and the check showed them."""
    shown = {k: check[k] for k in ("share", "correct", "tries", "final") if k in check}
    if _settled(check):
        shown |= {k: check[k] for k in ("key", "explanation") if check.get(k) not in (None, "")}
    return shown


def _blank(qtype: str, answer: Any) -> bool:
    """Nothing chosen or written yet (a check of it would tell nothing and waste a try)."""
    if answer is None:
        return True
    if qtype == "true_false_group":
        return all(v is None for v in answer)
    if isinstance(answer, str):
        return not answer.strip()
    return isinstance(answer, list) and not answer


def settings_of(data: Any) -> QuizSettings:
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung gửi lên phải là một đối tượng JSON.")
    given, problems = setting_problems(data)
    if problems:
        field, message = next(iter(problems.items()))
        raise ValidationFailed(Message(message), details={"field": field, "fields": problems})
    assert given is not None
    return given


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [aware(m) for m in moments if m is not None]
    return min(known) if known else None


def deadline_of(attempt: Attempt, quiz: Quiz) -> datetime | None:
    """When the attempt stops taking answers: its time limit or the quiz's close, whichever
    comes first (None: never). One started under the student's own later close keeps the
    deadline it was given."""
    if attempt.extended:
        return aware(attempt.deadline) if attempt.deadline else None
    return _earliest(attempt.deadline, quiz.closes_at)


def deadline_passed(attempt: Attempt, quiz: Quiz) -> bool:
    deadline = deadline_of(attempt, quiz)
    return deadline is not None and utcnow() >= deadline


class QuizService:
    def __init__(self, bank: QuestionBank, rosters: Rosters) -> None:
        self.bank = bank
        self.rosters = rosters
        self.versions = VersionBodies()

    # -- teachers ----------------------------------------------------------------------------

    def create(self, session: Session, owner: User, data: dict[str, Any]) -> Quiz:
        """A quiz from ``{"title", "blueprint", "mode", "time_limit_s", ...}`` (docs/DESIGN.md).
        Exams are assembled now (all versions); practice quizzes draw per attempt."""
        if not is_in(owner, TEACHERS):
            raise PermissionDenied("Chỉ giáo viên và biên tập viên tạo được đề kiểm tra")
        given = settings_of(data)
        plan = blueprints.parse(data.get("blueprint"))
        assembly.check_outcomes(session, plan)
        mode = given.mode
        limit = given.time_limit_s
        if limit is None and mode == QuizMode.exam and "time_limit_s" not in data:
            limit = plan.duration_min * 60
        seed = given.seed if given.seed is not None else secrets.randbelow(2**31)
        max_attempts = given.max_attempts
        if max_attempts is None and mode == QuizMode.exam and "max_attempts" not in data:
            max_attempts = 1
        quiz = Quiz(
            title=given.title or plan.title, owner_id=owner.id, mode=mode,
            blueprint=plan.model_dump(mode="json"), seed=seed, code=self._new_code(session),
            token=secrets.token_urlsafe(16), time_limit_s=limit, review=given.review,
            grading=given.grading, max_attempts=max_attempts, opens_at=given.opens_at,
            closes_at=given.closes_at, practice_checks=given.practice_checks,
        )  # fmt: skip
        if mode == QuizMode.exam:
            versions = assembly.assemble(session, plan, seed=seed, owner_id=owner.id)
            quiz.versions = [{"code": v.code, "items": [item_dict(i) for i in v.items]}
                             for v in versions]  # fmt: skip
        else:
            assembly.draw(
                session, plan, seed, practice=True, owner_id=owner.id
            )  # fail now if it cannot
        session.add(quiz)
        session.flush()
        if mode == QuizMode.exam:
            self._mark_used(session, quiz, [i for v in quiz.versions for i in v["items"]])
        return quiz

    def blueprint_of_import(self, session: Session, teacher: User, import_id: str) -> dict:
        """A blueprint of exactly the teacher's questions of one import (those with a key):
        a part per question type, its count at any level, ``source: mine``. The subject and
        grade are the import's most common; 404 when the import holds none of theirs."""
        rows = session.execute(
            select(Question.type, Question.subject, Question.grade, Question.body)
            .where(Question.owner_id == teacher.id, Question.import_id == import_id,
                   Question.status != "retired")
        ).all()  # fmt: skip
        usable = [r for r in rows if r.subject and r.grade and
                  not lacks_key(r.type, (r.body or {}).get("answer"))]  # fmt: skip
        if not usable:
            raise NotFound(
                "Bạn không có câu hỏi nào có đáp án trong lần nhập “{import_id}”",
                import_id=import_id,
            )
        subject, grade = Counter((r.subject, r.grade) for r in usable).most_common(1)[0][0]
        counts = Counter(r.type for r in usable if (r.subject, r.grade) == (subject, grade))
        sections = [
            {"title": f"PHẦN {ROMAN[n]}", "type": kind, "points_each": POINTS[kind],
             "answer_sheet": "text", "rows": [{"counts": {blueprints.ANY_LEVEL: counts[kind]}}]}
            for n, kind in enumerate(k for k in POINTS if counts[k])
        ]  # fmt: skip
        plan = {"title": "Đề từ tệp đã nhập", "subject": subject, "grade": grade,
                "duration_min": 45, "source": "mine", "import_id": import_id,
                "sections": sections}  # fmt: skip
        return blueprints.parse(plan).model_dump(mode="json", exclude_defaults=True) | {
            "source": "mine",
            "import_id": import_id,
        }

    def _new_code(self, session: Session) -> str:
        while True:
            code = codes.new(CODE_LENGTH)
            if not session.scalar(select(Quiz.id).where(Quiz.code == code)):
                return code

    def close(self, session: Session, teacher: User, quiz: Quiz) -> Quiz:
        """Stop the quiz now: no new attempt, open ones are submitted with what they saved."""
        self.require_owner(session, quiz, teacher)
        now = utcnow()
        if quiz.closes_at is None or aware(quiz.closes_at) > now:
            quiz.closes_at = now
        return quiz

    def new_share(self, session: Session, teacher: User, quiz: Quiz) -> Quiz:
        """A new code and link (the old ones stop working); who joined keeps the quiz."""
        self.require_owner(session, quiz, teacher)
        quiz.code = self._new_code(session)
        quiz.token = secrets.token_urlsafe(16)
        return quiz

    def participants(self, session: Session, teacher: User, quiz: Quiz) -> list[dict[str, Any]]:
        """Who joined the quiz, with how many attempts each started and submitted."""
        self.require_owner(session, quiz, teacher)
        rows = session.execute(
            select(User.id, User.display_name, User.username, QuizAccess.created_at)
            .join(QuizAccess, QuizAccess.user_id == User.id)
            .where(QuizAccess.quiz_id == quiz.id)
            .order_by(QuizAccess.created_at, User.id)
        ).all()
        counts: dict[int, list[int]] = {}
        for user_id, submitted_at in session.execute(
            select(Attempt.user_id, Attempt.submitted_at).where(Attempt.quiz_id == quiz.id)
        ):
            started_submitted = counts.setdefault(user_id, [0, 0])
            started_submitted[0] += 1
            started_submitted[1] += submitted_at is not None
        return [
            {"user_id": uid, "student": name or username,
             "joined_at": aware(joined).isoformat(),
             "started": counts.get(uid, [0, 0])[0], "submitted": counts.get(uid, [0, 0])[1]}
            for uid, name, username, joined in rows
        ]  # fmt: skip

    def owned_by(self, session: Session, user: User, limit: int = 200) -> list[Quiz]:
        """A teacher's quizzes, newest first (not the copies assigned to classes: the class
        page lists those)."""
        query = (
            select(Quiz)
            .where(Quiz.owner_id == user.id, Quiz.class_id.is_(None))
            .order_by(Quiz.id.desc())
        )
        return list(session.scalars(query.limit(limit)))

    def get(self, session: Session, quiz_id: int) -> Quiz:
        """Any quiz, for code that already checked who asks (``reachable`` for a request)."""
        quiz = session.get(Quiz, quiz_id)
        if quiz is None:
            raise NotFound("Không có đề kiểm tra số {quiz_id}", quiz_id=quiz_id)
        return quiz

    def reachable(self, session: Session, user: User, quiz_id: int) -> Quiz:
        """The quiz, if ``user`` is its teacher, an editor or joined it; else 404, so that
        trying ids tells nothing."""
        quiz = session.get(Quiz, quiz_id)
        if quiz is None or not (
            self.is_owner(session, quiz, user) or self._in_audience(session, quiz, user)
        ):
            raise NotFound("Không có đề kiểm tra số {quiz_id}", quiz_id=quiz_id)
        return quiz

    def owned(self, session: Session, user: User, quiz_id: int) -> Quiz:
        """The quiz, for its teacher (or an editor) to manage: 404 to whoever cannot reach it,
        403 to a student who joined it."""
        quiz = self.reachable(session, user, quiz_id)
        self.require_owner(session, quiz, user)
        return quiz

    def _in_audience(self, session: Session, quiz: Quiz, user: User) -> bool:
        """A class quiz's audience is the class's students; another quiz's, who joined it."""
        if quiz.class_id is not None:
            return self.rosters.role_in(session, quiz.class_id, user.id) == "student"
        return self._joined(session, quiz, user)

    def _joined(self, session: Session, quiz: Quiz, user: User) -> bool:
        mine = (QuizAccess.quiz_id == quiz.id) & (QuizAccess.user_id == user.id)
        return session.scalar(select(QuizAccess.id).where(mine)) is not None

    def join(self, session: Session, user: User, *, code: str = "", token: str = "") -> Quiz:
        """Join a quiz by the code the teacher gave or its link's token."""
        if token:
            quiz = session.scalar(select(Quiz).where(Quiz.token == token))
        else:
            typed = codes.typed(code)
            quiz = session.scalar(select(Quiz).where(Quiz.code == typed)) if typed else None
        if quiz is None or (quiz.learner_id is not None and quiz.learner_id != user.id):
            # (a student's own practice is theirs: its code admits nobody)
            if token:
                raise NotFound("Đường dẫn tới đề kiểm tra này không hợp lệ")
            raise NotFound("Không có đề kiểm tra nào có mã này")
        if quiz.class_id is not None:  # a class's: its code admits nobody else
            if not (self.is_owner(session, quiz, user) or self._in_audience(session, quiz, user)):
                raise PermissionDenied(
                    "Đề kiểm tra này được giao cho một lớp bạn không học",
                    details={"reason": "other_class"},
                )
            return quiz
        if not self.is_owner(session, quiz, user) and not self._joined(session, quiz, user):
            try:
                with session.begin_nested():
                    session.add(QuizAccess(quiz_id=quiz.id, user_id=user.id))
            except IntegrityError:
                pass  # joined at the same moment from another tab: one row is enough
        return quiz

    def is_owner(self, session: Session, quiz: Quiz, user: User) -> bool:
        """Its teacher, an editor, or (a class's quiz) a teacher of the class."""
        if user.id == quiz.owner_id or is_in(user, EDITORS):
            return True
        return (
            quiz.class_id is not None
            and self.rosters.role_in(session, quiz.class_id, user.id) == "teacher"
        )

    def require_owner(self, session: Session, quiz: Quiz, user: User) -> None:
        if not self.is_owner(session, quiz, user):
            raise PermissionDenied("Chỉ giáo viên của đề kiểm tra xem được mục này")

    # -- students ----------------------------------------------------------------------------

    def start(self, session: Session, user: User, quiz: Quiz) -> Attempt:
        """Resume the open attempt, or begin a new one if the rules allow. The student's row
        is held, so starts sent at once (two tabs, a double tap) make one attempt."""
        now = utcnow()
        given = allowances.of(session, quiz.id, user.id)
        closes = allowances.closes_at(quiz, given)
        if quiz.opens_at and now < aware(quiz.opens_at):
            raise Conflict(
                "Đề kiểm tra mở lúc {isoformat}", isoformat=aware(quiz.opens_at).isoformat()
            )
        if closes and now >= closes:
            raise Conflict("Đề kiểm tra đã đóng")
        with held(session, User, user.id):
            return self._start_held(session, user, quiz, now, given)

    def _start_held(
        self, session: Session, user: User, quiz: Quiz, now: datetime, given=None
    ) -> Attempt:
        mine = session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
            .order_by(Attempt.number).execution_options(populate_existing=True)
        ).all()  # fmt: skip
        for attempt in mine:
            if attempt.submitted_at is None and deadline_passed(attempt, quiz):
                self._hold(session, attempt)  # a save or submit of it may be running
                self._grade_if_due(session, attempt, quiz)
            if attempt.submitted_at is None:
                return attempt  # a reload or another device: the same attempt
        allowed = self._allowed(quiz, given)
        if allowed is not None and len(mine) >= allowed:
            raise Conflict(  # keeps the auto-submits just made
                "Đã hết lượt làm (đề cho phép {allowed} lượt)", allowed=allowed, keeps_changes=True
            )
        number = len(mine) + 1
        code, items = self._items(session, quiz, user, number, mine)
        extra = given.extra_time_s if given is not None else 0
        limit = now + timedelta(seconds=quiz.time_limit_s + extra) if quiz.time_limit_s else None
        closes = allowances.closes_at(quiz, given)
        attempt = Attempt(
            quiz_id=quiz.id, user_id=user.id, number=number, version_code=code, items=items,
            answers={}, deadline=_earliest(limit, closes),
            extended=allowances.own_close(quiz, given) is not None,
            max_score=round(sum(i["points"] for i in items), 4),
        )  # fmt: skip
        session.add(attempt)
        session.flush()
        return attempt

    def open_attempt(self, session: Session, user: User, quiz: Quiz) -> Attempt | None:
        """The attempt in progress, if any (one past its deadline is submitted first)."""
        mine = session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id,
                                  Attempt.submitted_at.is_(None))
        ).all()  # fmt: skip
        for attempt in mine:
            if not self.finish_if_due(session, attempt, quiz):
                return attempt
        return None

    def attempts_of(self, session: Session, user: User, quiz: Quiz) -> list[Attempt]:
        query = select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
        return list(session.scalars(query.order_by(Attempt.number)))

    def history(self, session: Session, user: User, limit: int = 200) -> list[dict[str, Any]]:
        """My attempts at every quiz, newest first: findable again at any time, with the
        score and whether the review may be opened now."""
        rows = session.execute(
            select(Attempt, Quiz).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == user.id).order_by(Attempt.id.desc()).limit(limit)
        ).all()  # fmt: skip
        out = []
        for attempt, quiz in rows:
            self.finish_if_due(session, attempt, quiz)
            done = attempt.submitted_at is not None
            out.append({
                "id": attempt.id, "quiz_id": quiz.id, "title": quiz.title, "mode": quiz.mode,
                "number": attempt.number, "submitted": done,
                "submitted_at": aware(attempt.submitted_at).isoformat() if done else None,
                "score_10": grading.on_ten(attempt.score or 0, attempt.max_score)
                if done else None,
                "pending": done and any(r["pending"] for r in attempt.results or []),
                "review": self.review_allowed(session, quiz, attempt),
            })  # fmt: skip
        return out

    def _items(self, session, quiz: Quiz, user: User, number: int, earlier: list[Attempt]):
        """An exam's versions were assembled once, with the quiz: a start only picks one.
        Practice draws anew each time."""
        if quiz.mode == QuizMode.exam:
            version = quiz.versions[(user.id + number) % len(quiz.versions)]
            return version["code"], version["items"]
        plan = blueprints.Blueprint.model_validate(quiz.blueprint)
        # practice: a new draw of open questions each time, avoiding questions this student
        # has seen while the bank allows, otherwise any draw
        seen = {item["id"] for attempt in earlier for item in attempt.items}
        mine = quiz.owner_id  # the teacher's own questions, drafts too
        seed = random.Random(f"{quiz.seed}:{user.id}:{number}").randrange(2**31)
        try:
            drawn = assembly.draw(session, plan, seed, exclude=seen, practice=True, owner_id=mine)
        except assembly.AssemblyFailed:
            drawn = assembly.draw(session, plan, seed, practice=True, owner_id=mine)
        version = assembly.make_version("", plan, drawn, random.Random(seed))
        items = [item_dict(i) for i in version.items]
        self._mark_used(session, quiz, items)
        return "", items

    def _mark_used(self, session: Session, quiz: Quiz, items: list[dict[str, Any]]) -> None:
        """Record the quiz where each question version is used (once), so that editing one
        later makes a new version and attempts keep showing the one they had."""
        ref = f"quiz:{quiz.id}"
        known = set(session.execute(
            select(QuestionUse.question_id, QuestionUse.version).where(QuestionUse.ref == ref)
        ).all())  # fmt: skip
        for pair in {(item["id"], item["version"]) for item in items} - known:
            self.bank.mark_used(session, *pair, "quiz", ref, quiz.title)

    def attempt_for(self, session: Session, user: User, attempt_id: int) -> Attempt:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or attempt.user_id != user.id:
            raise NotFound(
                "Bạn không có lượt làm số {attempt_id}", attempt_id=attempt_id
            )  # another's looks like none
        return attempt

    def _hold(self, session: Session, attempt: Attempt) -> None:
        """Hold the attempt's row (inside ``held``) and read it as last committed."""
        hold(session, Attempt, attempt.id)
        session.refresh(attempt)

    def save(self, session: Session, attempt: Attempt, answers: dict[str, Any]) -> Attempt:
        """Autosave: the answers given replace those saved for the same questions (the later
        save of a question wins, by the order the server takes them). Checked first, then
        merged with the attempt's row held, so no concurrent save or submit interleaves."""
        items = {str(item["id"]): item for item in attempt.items}
        bodies = self.bodies(session, attempt.items)
        for qid, answer in answers.items():
            item = items.get(str(qid))
            if item is None:
                raise ValidationFailed("Câu hỏi số {qid} không thuộc lượt làm này", qid=qid,
                                       details={"field": f"answers.{qid}"})  # fmt: skip
            check_answer(item, bodies[item["id"]], answer)
        quiz = self.get(session, attempt.quiz_id)
        with held(session, Attempt, attempt.id):
            session.refresh(attempt)
            if self._grade_if_due(session, attempt, quiz) or attempt.submitted_at is not None:
                raise Conflict("Bài đã nộp; câu trả lời không thể thay đổi nữa", keeps_changes=True)
            self._refuse_locked(attempt, answers)
            attempt.answers = {**attempt.answers, **{str(k): v for k, v in answers.items()}}
            attempt.saved_at = utcnow()
        return attempt

    @staticmethod
    def _refuse_locked(attempt: Attempt, answers: dict[str, Any]) -> None:
        """Practice: a question settled by its check (right, or its last try used) keeps the
        answer that was checked; a save that changes it is refused whole (the same answer
        again, as an autosave may resend it, is fine)."""
        for qid, answer in answers.items():
            kept = (attempt.checks or {}).get(str(qid))
            if _settled(kept) and answer != attempt.answers.get(str(qid)):
                raise Conflict(
                    "Câu hỏi {qid} đã được kiểm tra: không đổi được câu trả lời nữa.",
                    qid=qid,
                    details={"field": f"answers.{qid}", "reason": "answer_locked"},
                )

    def finish_if_due(self, session: Session, attempt: Attempt, quiz: Quiz) -> bool:
        """Submit an attempt whose time is up, with what was saved in time. Its time is up at
        the earliest of its own deadline and the quiz's close, timed or not: an untimed
        attempt opened before the close does not stay writable after it (nor one whose
        teacher moved the close earlier)."""
        if attempt.submitted_at is not None or not deadline_passed(attempt, quiz):
            return False
        with held(session, Attempt, attempt.id):
            session.refresh(attempt)
            self._grade_if_due(session, attempt, quiz)
        return True

    def _grade_if_due(self, session: Session, attempt: Attempt, quiz: Quiz) -> bool:
        """With the attempt held: grade it at its deadline if that has passed."""
        if attempt.submitted_at is None and deadline_passed(attempt, quiz):
            self._grade(session, attempt, quiz, at=deadline_of(attempt, quiz))
            return True
        return False

    def submit(self, session: Session, attempt: Attempt) -> Attempt:
        """Grade the attempt with what is stored (at its deadline if that passed)."""
        quiz = self.get(session, attempt.quiz_id)
        with held(session, Attempt, attempt.id):
            session.refresh(attempt)
            if attempt.submitted_at is None and not self._grade_if_due(session, attempt, quiz):
                self._grade(session, attempt, quiz, at=utcnow())
        return attempt

    def _body(self, session: Session, item: dict[str, Any]) -> dict[str, Any]:
        return self.bodies(session, [item])[item["id"]]

    def bodies(self, session: Session, items: list[dict[str, Any]]) -> dict[int, dict]:
        """The question versions the items show, by question id (read once per process:
        ``VersionBodies``). Read them; never change them."""
        found = self.versions.get(session, ((item["id"], item["version"]) for item in items))
        return {question_id: body for (question_id, _), body in found.items()}

    def _grade(self, session: Session, attempt: Attempt, quiz: Quiz, at: datetime) -> None:
        partial = bool(quiz.blueprint.get("partial_multiple"))
        results, score = [], 0.0
        bodies = self.bodies(session, attempt.items)
        for item in attempt.items:
            body = bodies[item["id"]]
            given = attempt.answers.get(str(item["id"]))
            marked = grading.mark(item["type"], body, _original(item, given), partial=partial)
            earned = round(marked.share * item["points"], 4)
            score += earned
            results.append({
                "id": item["id"], "share": marked.share, "earned": earned,
                "pending": marked.pending, "statements": marked.statements,
            })  # fmt: skip
        attempt.results = results
        attempt.score = round(score, 4)
        attempt.submitted_at = at
        self._running_difficulty(session, results)

    def _running_difficulty(self, session: Session, results: list[dict[str, Any]]) -> None:
        """Each question keeps its facility over every graded attempt (essays when marked)."""
        for result in results:
            if result["pending"]:
                continue
            question = session.get(Question, result["id"])
            if question is None:
                continue
            seen = question.times_graded or 0
            question.facility = round(
                ((question.facility or 0) * seen + result["share"]) / (seen + 1), 4
            )
            question.times_graded = seen + 1

    def practice_check(self, session: Session, attempt: Attempt, qid: int, answer: Any) -> dict:
        """Practice mode's instant feedback on one question of an attempt in progress: right
        or not, counted against the quiz's tries per question (``practice_checks``). The
        answer checked is saved. A right answer, or the last try, settles the question: its
        answer is locked, and (unless the quiz's review is "never") the key and explanation
        are shown, then and on a reload; never before. Only for ``open`` questions: practice
        draws no other, and this checks again at answer time. An exam's attempt gets a 403
        before anything is looked at or stored."""
        quiz = self.get(session, attempt.quiz_id)
        if quiz.mode != QuizMode.practice:
            raise PermissionDenied("Phản hồi từng câu chỉ có ở đề luyện tập")
        if not quiz.practice_checks:
            raise PermissionDenied(
                "Bài luyện tập này không cho kiểm tra từng câu: kết quả có sau khi nộp bài.",
                details={"reason": "checks_off"},
            )
        if self.finish_if_due(session, attempt, quiz) or attempt.submitted_at is not None:
            raise Conflict("Bài đã nộp; phần xem lại cho biết kết quả",
                           keeps_changes=True)  # fmt: skip
        item = next((i for i in attempt.items if i["id"] == qid), None)
        if item is None:
            raise ValidationFailed("Câu hỏi số {qid} không có trong lượt làm này", qid=qid,
                                   details={"field": "question_id"})  # fmt: skip
        if self._exposures(session, [qid]).get(qid) != Exposure.open:
            raise PermissionDenied("Đáp án của câu này không được hiện khi luyện tập")
        body = self._body(session, item)
        check_answer(item, body, answer)
        if _blank(item["type"], answer):
            raise ValidationFailed(
                "Hãy trả lời câu hỏi trước khi bấm “Kiểm tra”.",
                details={"field": "answer", "reason": "blank"},
            )
        marked = grading.mark(item["type"], body, _original(item, answer))
        with held(session, Attempt, attempt.id):  # one check at a time; none lost to another
            session.refresh(attempt)
            if self._grade_if_due(session, attempt, quiz) or attempt.submitted_at is not None:
                raise Conflict("Bài đã nộp; phần xem lại cho biết kết quả",
                               keeps_changes=True)  # fmt: skip
            kept = (attempt.checks or {}).get(str(qid))
            if _settled(kept):
                raise Conflict(
                    "Câu hỏi {qid} đã được kiểm tra xong: không kiểm tra lại được.",
                    qid=qid,
                    details={"field": "question_id", "reason": "checked"},
                )
            tries = (kept.get("tries", 1) if kept else 0) + 1
            final = marked.correct is not False or tries >= quiz.practice_checks
            out = {"question_id": qid, "share": marked.share, "correct": marked.correct,
                   "tries": tries, "tries_left": max(0, quiz.practice_checks - tries),
                   "final": final}  # fmt: skip
            if final and quiz.review != "never":
                out |= {"key": item["key"], "explanation": body.get("explanation", "")}
            stored = {k: v for k, v in out.items() if k not in ("question_id", "tries_left")}
            attempt.checks = {**(attempt.checks or {}), str(qid): stored}
            attempt.answers = {**attempt.answers, str(qid): answer}  # what was checked
            attempt.saved_at = utcnow()
        return out

    # -- what may be shown -------------------------------------------------------------------

    def review_allowed(self, session: Session, quiz: Quiz, attempt: Attempt) -> bool:
        if attempt.submitted_at is None or quiz.review == "never":
            return False
        if quiz.review == "after_close":
            closed = allowances.last_close(session, quiz)
            return closed is not None and utcnow() >= closed
        return True

    def _exposures(self, session: Session, ids: list[int]) -> dict[int, str]:
        query = select(Question.id, Question.exposure).where(Question.id.in_(ids))
        return dict(session.execute(query).all())

    def withheld(self, session: Session, quiz: Quiz, ids: list[int]) -> dict[int, str]:
        """Questions of this quiz whose keys its review may not show, with why: ``secure``
        ones never; ``exam`` ones while another quiz that uses them still takes attempts
        (showing them here would hand its takers the keys)."""
        exposures = self._exposures(session, ids)
        out = {qid: "secure" for qid, level in exposures.items() if level == Exposure.secure}
        exam = [qid for qid, level in exposures.items() if level == Exposure.exam]
        if not exam:
            return out
        uses = session.execute(
            select(QuestionUse.question_id, QuestionUse.ref).where(
                QuestionUse.question_id.in_(exam), QuestionUse.kind == "quiz",
                QuestionUse.ref != f"quiz:{quiz.id}",
            )
        ).all()  # fmt: skip
        others = {int(ref.removeprefix("quiz:")) for _, ref in uses}
        now = utcnow()
        live = set(session.scalars(
            select(Quiz.id).where(Quiz.id.in_(others))
            .where((Quiz.closes_at.is_(None)) | (Quiz.closes_at > now))
        ))  # fmt: skip
        for qid, ref in uses:
            if int(ref.removeprefix("quiz:")) in live:
                out.setdefault(qid, "in_use")
        return out

    def questions(self, session: Session, attempt: Attempt) -> list[dict[str, Any]]:
        """The questions as the student sees them: text and choices only."""
        shown = []
        bodies = self.bodies(session, attempt.items)
        for item in attempt.items:
            body = bodies[item["id"]]
            question = {"id": item["id"], "type": item["type"], "stem": body.get("stem", ""),
                        "points": item["points"]}  # fmt: skip
            if body.get("options"):
                order = item["order"] or range(len(body["options"]))
                question["options"] = [body["options"][i] for i in order]
            if body.get("statements"):
                question["statements"] = list(body["statements"])
            shown.append(question)
        return shown

    def payload(self, session: Session, attempt: Attempt) -> dict[str, Any]:
        quiz = self.get(session, attempt.quiz_id)
        self.finish_if_due(session, attempt, quiz)
        data: dict[str, Any] = {
            "id": attempt.id, "quiz_id": quiz.id, "title": quiz.title, "mode": quiz.mode,
            "number": attempt.number, "code": attempt.version_code,
            "deadline": deadline.isoformat() if (deadline := deadline_of(attempt, quiz)) else None,
            "now": utcnow().isoformat(), "questions": self.questions(session, attempt),
            "answers": attempt.answers, "submitted": attempt.submitted_at is not None,
        }  # fmt: skip
        if quiz.mode == QuizMode.practice and attempt.submitted_at is None:
            data["checks"] = {qid: _shown_check(c) for qid, c in (attempt.checks or {}).items()}
            data["checks_allowed"] = quiz.practice_checks
        if attempt.submitted_at is not None:
            data |= self.result(session, attempt, quiz)
        return data

    def result(self, session: Session, attempt: Attempt, quiz: Quiz) -> dict[str, Any]:
        out: dict[str, Any] = {
            "score": attempt.score, "max_score": attempt.max_score,
            "score_10": grading.on_ten(attempt.score or 0, attempt.max_score),
            "pending": any(r["pending"] for r in attempt.results or []),
        }  # fmt: skip
        if not self.review_allowed(session, quiz, attempt):
            out["items"] = []
            out["review"] = "later" if quiz.review == "after_close" else "none"
            return out
        items = []
        bodies = self.bodies(session, attempt.items)
        withheld = self.withheld(session, quiz, [item["id"] for item in attempt.items])
        for item, result in zip(attempt.items, attempt.results or [], strict=True):
            graded = {k: result[k] for k in ("id", "share", "earned", "pending", "statements")}
            shown = {**graded, "points": item["points"], "comment": result.get("comment", ""),
                     "answer": attempt.answers.get(str(item["id"]))}  # fmt: skip
            if item["id"] in withheld:  # right or wrong only: no key, nor per statement
                shown |= {"statements": [], "key": None, "explanation": "",
                          "withheld": withheld[item["id"]]}  # fmt: skip
            else:
                explanation = bodies[item["id"]].get("explanation", "")
                shown |= {"key": item["key"], "explanation": explanation}
            items.append(shown)
        out["items"] = items
        return out

    @staticmethod
    def _allowed(quiz: Quiz, given) -> int | None:
        if quiz.max_attempts is None:
            return None
        return quiz.max_attempts + (given.extra_attempts if given is not None else 0)

    def attempts_left(self, session: Session, quiz: Quiz, user: User) -> int | None:
        allowed = self._allowed(quiz, allowances.of(session, quiz.id, user.id))
        if allowed is None:
            return None
        mine = (Attempt.quiz_id == quiz.id) & (Attempt.user_id == user.id)
        used = session.scalar(select(func.count(Attempt.id)).where(mine))
        return max(0, allowed - (used or 0))

    def closes_for(self, session: Session, quiz: Quiz, user: User) -> datetime | None:
        """When the quiz closes for this student (their own later close, if given)."""
        return allowances.closes_at(quiz, allowances.of(session, quiz.id, user.id))

    # -- teachers' results ---------------------------------------------------------------------

    def grade_essay(
        self, session: Session, teacher: User, attempt_id: int, question_id: int, points: float,
        *, comment: str = "", step: float | None = None,
    ) -> Attempt:  # fmt: skip
        """The teacher's mark for an essay (a multiple of ``step`` when given, e.g. 0.25), with
        a comment the student reads in the review; the attempt's score then includes it. Who
        marked and when is kept on the result and in the audit log (every change of mark)."""
        attempt = session.get(Attempt, attempt_id)
        if attempt is None or not self.is_owner(session, self.get(session, attempt.quiz_id),
                                                teacher):  # fmt: skip
            raise NotFound(
                "Không có lượt làm số {attempt_id}", attempt_id=attempt_id
            )  # another's looks like none
        if attempt.submitted_at is None:
            raise Conflict("Bài chưa được nộp")
        # copies: a JSON column changed in place would not be saved
        pairs = [(i, dict(r)) for i, r in zip(attempt.items, attempt.results or [], strict=True)]
        found = next(((i, r) for i, r in pairs if i["id"] == question_id), None)
        if found is None or found[0]["type"] != "essay":
            raise ValidationFailed("Câu hỏi số {question_id} không phải câu tự luận của lượt làm "
                                   "này", question_id=question_id,
                                   details={"field": "question_id"})  # fmt: skip
        item, result = found
        if not 0 <= points <= item["points"]:
            raise ValidationFailed("Điểm: từ 0 đến {points}", points=item['points'],
                                   details={"field": "points", "problem": "range",
                                            "max": item["points"]})  # fmt: skip
        if step is not None and abs(points / step - round(points / step)) > 1e-9:
            raise ValidationFailed("Điểm: phải là bội của {step}", step=step,
                                   details={"field": "points", "problem": "step",
                                            "step": step})  # fmt: skip
        first = result["pending"]
        result |= {"share": round(points / item["points"], 4), "earned": points, "pending": False,
                   "comment": comment, "marked_by": teacher.id,
                   "marked_at": utcnow().isoformat()}  # fmt: skip
        attempt.results = [r for _, r in pairs]
        attempt.score = round(sum(r["earned"] for r in attempt.results), 4)
        if first:
            self._running_difficulty(session, [result])
        audit.record(session, teacher, "attempt.mark", f"attempt:{attempt.id}",
                     question_id=question_id, points=points)  # fmt: skip
        return attempt

    def record_scanned(
        self, session: Session, teacher: User, quiz: Quiz, student_id: int, code: str,
        answers: dict[str, Any],
    ) -> Attempt:  # fmt: skip
        """A scanned answer sheet as an attempt of the student's (one more, numbered after
        the others), graded now, so it counts in the gradebook and the item analysis."""
        self.require_owner(session, quiz, teacher)
        version = next((v for v in quiz.versions if v["code"] == code), None)
        if version is None:
            raise ValidationFailed(
                "Mã đề: “{code}” không phải một mã đề của đề kiểm tra này",
                code=code,
                details={"field": "ma_de"},
            )
        with held(session, User, student_id):
            number = 1 + (session.scalar(select(func.max(Attempt.number)).where(
                Attempt.quiz_id == quiz.id, Attempt.user_id == student_id)) or 0)  # fmt: skip
            attempt = Attempt(
                quiz_id=quiz.id, user_id=student_id, number=number, version_code=code,
                items=version["items"], answers=answers, source="scan",
                max_score=round(sum(i["points"] for i in version["items"]), 4),
            )  # fmt: skip
            session.add(attempt)
            session.flush()
            self._grade(session, attempt, quiz, at=utcnow())
        return attempt

    def for_class(
        self, session: Session, teacher: User, quiz: Quiz, class_id: int, data: dict[str, Any]
    ) -> Quiz:
        """The teacher's quiz copied for one class (its versions, blueprint and seed as they
        are; its own times, attempts and review policy from ``data``): the class's students
        take it, its attempts are the class's alone."""
        self.require_owner(session, quiz, teacher)
        if self.rosters.role_in(session, class_id, teacher.id) != "teacher" and not is_in(
            teacher, EDITORS
        ):
            raise PermissionDenied("Chỉ giáo viên của lớp được giao bài cho lớp")
        given = settings_of({"mode": quiz.mode, **data})
        copy = Quiz(
            title=given.title or quiz.title, owner_id=teacher.id, mode=quiz.mode,
            blueprint=quiz.blueprint, seed=quiz.seed, versions=list(quiz.versions),
            code=self._new_code(session), token=None, class_id=class_id,
            time_limit_s=given.time_limit_s if "time_limit_s" in data else quiz.time_limit_s,
            max_attempts=given.max_attempts if "max_attempts" in data else quiz.max_attempts,
            review=given.review if "review" in data else quiz.review,
            grading=given.grading if "grading" in data else quiz.grading,
            practice_checks=given.practice_checks if "practice_checks" in data
            else quiz.practice_checks,
            opens_at=given.opens_at, closes_at=given.closes_at,
        )  # fmt: skip
        session.add(copy)
        session.flush()
        if copy.mode == QuizMode.exam:
            self._mark_used(session, copy, [i for v in copy.versions for i in v["items"]])
        return copy

    def submitted(self, session: Session, quiz: Quiz) -> list[Attempt]:
        """Every submitted attempt (those past their deadline are submitted first)."""
        attempts = session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id).order_by(Attempt.id)
        ).all()
        for attempt in attempts:
            self.finish_if_due(session, attempt, quiz)
        return [a for a in attempts if a.submitted_at is not None]

    def counted(self, quiz: Quiz, attempts: list[Attempt]) -> dict[int, float]:
        """Each student's score under the quiz's rule: highest, last or average attempt."""
        by_user: dict[int, list[Attempt]] = {}
        for attempt in attempts:
            by_user.setdefault(attempt.user_id, []).append(attempt)
        rule = {"highest": max, "last": lambda xs: xs[-1],
                "average": lambda xs: sum(xs) / len(xs)}[quiz.grading]  # fmt: skip
        return {
            user: grading.round_score(
                rule([grading.on_ten(a.score or 0, a.max_score) for a in rows])
            )
            for user, rows in by_user.items()
        }

    def analysis(self, session: Session, quiz: Quiz, attempts: list[Attempt]) -> stats.QuizStats:
        bodies = self.bodies(session, [i for a in attempts for i in a.items])
        rows = []
        for attempt in attempts:
            items = []
            for item, result in zip(attempt.items, attempt.results or [], strict=True):
                body = bodies[item["id"]]
                items.append({
                    "id": item["id"], "type": item["type"], "points": item["points"],
                    "share": result["share"], "statements": result["statements"],
                    "answer": _original(item, attempt.answers.get(str(item["id"]))),
                    "options": len(body.get("options") or []),
                })  # fmt: skip
            rows.append(
                {"score": attempt.score or 0, "max_score": attempt.max_score, "items": items}
            )
        return stats.analyse(rows)
