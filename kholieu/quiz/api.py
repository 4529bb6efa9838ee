"""The quiz API of docs/DESIGN.md: teachers create quizzes from a blueprint; signed-in students
start, autosave, submit and review attempts. Every rule is in ``QuizService``
(``quiz/service.py``); what each endpoint takes and gives is declared in
``kholieu.quiz.schemas`` (and sent filtered by it: a field the response model does not declare
never leaves)."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kholieu.accounts.deps import SignedInDep, TeacherDep
from kholieu.accounts.models import User
from kholieu.db.base import aware
from kholieu.files import spreadsheets
from kholieu.quiz import assembly, schemas, self_practice
from kholieu.quiz import blueprint as blueprints
from kholieu.quiz import coverage as quiz_coverage
from kholieu.quiz import results as quiz_results
from kholieu.quiz.deps import QuizzesDep
from kholieu.quiz.models import Attempt, QuizMode
from kholieu.quiz.service import QuizService
from kholieu.web.deps import SessionDep
from kholieu.web.openapi import documented_as

router = APIRouter(prefix="/api/v1", tags=["quizzes"])


def share_link(quiz) -> str:
    """The link a teacher sends instead of the code (``take_pages.join_by_link``)."""
    return f"/vao-thi/{quiz.token}" if quiz.token else ""  # a class's or a student's own: none


def quiz_summary(quiz) -> dict[str, Any]:
    return {
        "id": quiz.id, "title": quiz.title, "mode": quiz.mode, "code": quiz.code,
        "link": share_link(quiz),
        "time_limit_s": quiz.time_limit_s, "max_attempts": quiz.max_attempts,
        "grading": quiz.grading, "review": quiz.review, "practice_checks": quiz.practice_checks,
        "opens_at": aware(quiz.opens_at).isoformat() if quiz.opens_at else None,
        "closes_at": aware(quiz.closes_at).isoformat() if quiz.closes_at else None,
        "versions": [v["code"] for v in quiz.versions],
        "questions": len(quiz.versions[0]["items"]) if quiz.versions else None,
    }  # fmt: skip


# Every JSON route sends the fields the service set, filtered by its response model.
SENT = {"response_model_exclude_unset": True}
QuizBody = Annotated[dict[str, Any], Body(), documented_as(schemas.QuizIn)]
BlueprintBody = Annotated[dict[str, Any], Body(), documented_as(blueprints.Blueprint)]


@router.post("/quizzes", status_code=201, response_model=schemas.QuizSummary, **SENT)
def create_quiz(
    user: TeacherDep, quizzes: QuizzesDep, session: SessionDep, data: QuizBody
) -> dict[str, Any]:
    """``{"title", "blueprint": {...}, "mode": "practice"|"exam", "time_limit_s", ...}``;
    422 naming each matrix cell the bank cannot fill."""
    quiz = quizzes.create(session, user, data)
    return quiz_summary(quiz)


def quiz_view(
    quizzes: QuizService, session: Session, quiz, user: User
) -> schemas.QuizForTeacher | schemas.QuizForStudent:
    """The view is picked by who asks: the student's model has no field for a key."""
    out = quiz_summary(quiz) | {"attempts_left": quizzes.attempts_left(session, quiz, user)}
    if quizzes.is_owner(session, quiz, user):
        keys = {"blueprint": quiz.blueprint, "keys": quiz.versions}
        return schemas.QuizForTeacher.model_validate(out | keys)
    return schemas.QuizForStudent.model_validate(out)  # without the share code


@router.post("/quizzes/join", response_model=schemas.QuizView, **SENT)
def join_quiz(
    body: schemas.JoinIn, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> schemas.QuizForTeacher | schemas.QuizForStudent:
    """Join a quiz with the code (or the link's token) its teacher gave; 404 for a wrong one.
    Joining starts nothing: the quiz's id then reaches it."""
    quiz = quizzes.join(session, user, code=body.code, token=body.token)
    return quiz_view(quizzes, session, quiz, user)


@router.get("/quizzes/{quiz_id}", response_model=schemas.QuizView, **SENT)
def get_quiz(
    quiz_id: int, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> schemas.QuizForTeacher | schemas.QuizForStudent:
    """What a student who joined needs before starting (no questions); its teacher also gets
    the keys. 404 to anyone else."""
    return quiz_view(quizzes, session, quizzes.reachable(session, user, quiz_id), user)


@router.post(
    "/quizzes/{quiz_id}/attempts", status_code=201, response_model=schemas.AttemptView, **SENT
)
def start_attempt(
    quiz_id: int, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """A new attempt, or the open one again (a reload, another device); 404 unless joined."""
    quiz = quizzes.reachable(session, user, quiz_id)
    attempt = quizzes.start(session, user, quiz)
    return quizzes.payload(session, attempt)


@router.post("/quizzes/{quiz_id}/close", response_model=schemas.QuizSummary, **SENT)
def close_quiz(
    quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """Close the quiz now: no new attempts; those open are submitted with what they saved."""
    quiz = quizzes.close(session, user, quizzes.owned(session, user, quiz_id))
    return quiz_summary(quiz)


@router.post("/quizzes/{quiz_id}/share", response_model=schemas.QuizSummary, **SENT)
def new_share(
    quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """A new share code and link; the old ones stop working, who joined keeps the quiz."""
    quiz = quizzes.new_share(session, user, quizzes.owned(session, user, quiz_id))
    return quiz_summary(quiz)


@router.get("/quizzes/{quiz_id}/participants", response_model=schemas.Participants)
def participants(
    quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """Who joined the quiz, and how many attempts each started and submitted."""
    quiz = quizzes.owned(session, user, quiz_id)
    return {"participants": quizzes.participants(session, user, quiz)}


def _mine(quizzes: QuizService, session: Session, user: User, attempt_id: int) -> Attempt:
    return quizzes.attempt_for(session, user, attempt_id)


@router.get("/practice/topics", response_model=list[schemas.PracticeTopic])
def practice_topics(
    user: SignedInDep, session: SessionDep, subject: Annotated[str, Query(max_length=32)],
    grade: Annotated[int, Query(ge=1, le=12)],
) -> list[dict[str, Any]]:  # fmt: skip
    """Topics with questions open to practice, and how many ("" : the whole subject)."""
    return self_practice.topics(session, subject, grade)


@router.post("/practice", status_code=201, response_model=schemas.QuizSummary, **SENT)
def start_practice(body: schemas.PracticeIn, user: SignedInDep, session: SessionDep) -> dict:
    """My own practice quiz of a subject, grade and topic (made once, reused; at most 20)."""
    quiz = self_practice.start(session, user, body.subject, body.grade, body.topic, body.count)
    return quiz_summary(quiz)


@router.get("/attempts", response_model=list[schemas.MyAttempt], **SENT)
def my_attempts(user: SignedInDep, quizzes: QuizzesDep, session: SessionDep) -> list[dict]:
    """My attempts at every quiz, newest first, with the score and whether its review may
    be opened now (``GET /api/v1/attempts/{id}`` shows it)."""
    return quizzes.history(session, user)


@router.get("/attempts/{attempt_id}", response_model=schemas.AttemptView, **SENT)
def get_attempt(
    attempt_id: int, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    attempt = _mine(quizzes, session, user, attempt_id)
    payload = quizzes.payload(session, attempt)
    return payload


@router.put("/attempts/{attempt_id}/answers", response_model=schemas.Saved, **SENT)
def save_answers(
    attempt_id: int,
    body: schemas.AnswersIn,
    user: SignedInDep,
    quizzes: QuizzesDep,
    session: SessionDep,
) -> dict[str, Any]:
    """Autosave (idempotent): 409 once the attempt is submitted or its time is up."""
    attempt = _mine(quizzes, session, user, attempt_id)
    quizzes.save(session, attempt, body.answers)  # a refusal at the deadline keeps_changes
    return {"saved": len(body.answers), "saved_at": attempt.saved_at.isoformat(),
            "answers": attempt.answers}  # fmt: skip


@router.post("/attempts/{attempt_id}/submit", response_model=schemas.AttemptResult, **SENT)
def submit(
    attempt_id: int, user: SignedInDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """Grade the attempt (idempotent: a second submit returns the first result)."""
    attempt = _mine(quizzes, session, user, attempt_id)
    quizzes.submit(session, attempt)
    quiz = quizzes.get(session, attempt.quiz_id)
    return quizzes.result(session, attempt, quiz)


@router.post("/attempts/{attempt_id}/check", response_model=schemas.Checked, **SENT)
def check(
    attempt_id: int,
    body: schemas.CheckIn,
    user: SignedInDep,
    quizzes: QuizzesDep,
    session: SessionDep,
) -> dict[str, Any]:
    """Practice mode: whether one answer is right, with the key and the explanation."""
    attempt = _mine(quizzes, session, user, attempt_id)
    return quizzes.practice_check(session, attempt, body.question_id, body.answer)


@router.post("/attempts/{attempt_id}/grade", response_model=schemas.EssayMarked, **SENT)
def grade_essay(
    attempt_id: int,
    body: schemas.EssayMarkIn,
    user: TeacherDep,
    quizzes: QuizzesDep,
    session: SessionDep,
) -> dict[str, Any]:
    """The quiz's teacher marks an essay; the attempt's score includes it from then on."""
    attempt = quizzes.grade_essay(session, user, attempt_id, body.question_id, body.points,
                                  comment=body.comment, step=body.step)  # fmt: skip
    return {"score": attempt.score, "max_score": attempt.max_score,
            "pending": any(r["pending"] for r in attempt.results or [])}  # fmt: skip


@router.get("/quizzes/{quiz_id}/results", response_model=schemas.QuizResults, **SENT)
def results(
    quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """For the quiz's teacher: attempts, counted scores, histogram, α and the item table."""
    quiz = quizzes.owned(session, user, quiz_id)
    data = quiz_results.of(quizzes, session, quiz)
    return data


@router.get("/quizzes/{quiz_id}/coverage", response_model=schemas.QuizCoverage, **SENT)
def coverage(
    quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> dict[str, Any]:
    """For the quiz's teacher: the outcomes its questions assess (questions and points each)
    and the blueprint's targeted outcomes none covers. 404 to who cannot reach the quiz, 403
    to a student who joined it."""
    quiz = quizzes.owned(session, user, quiz_id)
    return quiz_coverage.of_quiz(session, quiz)


ITEM_COLUMNS = ["question_id", "type", "answered", "facility", "point_biserial", "upper_lower",
                "options", "statements", "flags"]  # fmt: skip


REPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/quizzes/{quiz_id}/report",
    response_class=Response,
    responses={200: {"description": "the item table, one question a row",
                     "content": {"text/csv": FILE, REPORT_TYPES["xlsx"]: FILE}}},
)  # fmt: skip
def report(
    quiz_id: int,
    user: TeacherDep,
    quizzes: QuizzesDep,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    """The item table as CSV or XLSX (flags say which items to look at)."""
    quiz = quizzes.owned(session, user, quiz_id)
    analysis = quizzes.analysis(session, quiz, quizzes.submitted(session, quiz))
    rows = [[getattr(i, c) if not isinstance(getattr(i, c), list) else
             " ".join(str(v) for v in getattr(i, c)) for c in ITEM_COLUMNS]
            for i in analysis.items]  # fmt: skip
    name = f"bao-cao-{quiz.id}.{format}"
    if format == "csv":
        out = io.StringIO()
        spreadsheets.write_csv(out, [ITEM_COLUMNS, *rows])
        data, media = ("\ufeff" + out.getvalue()).encode(), REPORT_TYPES["csv"]
    else:
        from openpyxl import Workbook  # costs a quarter second at start-up; only here

        book = Workbook()
        sheet = book.active
        sheet.title = "Phân tích câu hỏi"
        for row in [ITEM_COLUMNS, *rows]:
            spreadsheets.append_xlsx(sheet, row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        media = REPORT_TYPES["xlsx"]
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)


@router.get("/blueprints/presets", response_model=blueprints.Blueprint, **SENT)
def preset(
    user: TeacherDep,
    kind: Annotated[str, Query(pattern="^(exam_2025|cv7991)$")],
    subject: str = "toan",
    grade: Annotated[int, Query(ge=1, le=12)] = 12,
) -> dict[str, Any]:
    """A preset blueprint to start editing from."""
    plan = blueprints.exam_2025(subject, grade) if kind == "exam_2025" else \
        blueprints.periodic_7991(subject, grade)  # fmt: skip
    return plan.model_dump(mode="json")


@router.post("/blueprints/check", response_model=schemas.BlueprintCheck, **SENT)
def check_blueprint(
    user: TeacherDep,
    session: SessionDep,
    data: BlueprintBody,
    mode: Annotated[QuizMode, Query(description="practice draws only open questions")] = (
        QuizMode.exam
    ),
) -> dict[str, Any]:
    """Totals of a blueprint and every cell the bank cannot fill (by how many questions);
    422 naming the field when the blueprint itself is wrong."""
    plan = blueprints.parse(data)
    assembly.check_outcomes(session, plan)
    shortages = []
    try:
        assembly.draw(session, plan, seed=0, practice=mode == QuizMode.practice, owner_id=user.id)
    except assembly.AssemblyFailed as failed:
        shortages = failed.details["shortages"]
    points = blueprints.points_by_level(plan)
    return {
        "questions": sum(s.count for s in plan.sections), "max_points": plan.max_points,
        "points_by_level": points, "shortages": shortages,
        "level_names": {code: assembly.LEVEL_WORDS.get(code, code) for code in points},
    }  # fmt: skip
