"""Teachers' quiz pages: their quizzes, a new quiz from a preset or a blueprint (YAML/JSON), and
one quiz's page: the code and link to share, the questions with their keys (version 101), and
the results with the score histogram and the item table."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kholieu.accounts.deps import TeacherDep
from kholieu.accounts.models import User
from kholieu.bank.exporter import image_reader
from kholieu.bank.pages import safe
from kholieu.classes.deps import AssignmentsDep
from kholieu.curriculum import SUBJECTS
from kholieu.db.base import aware, utcnow
from kholieu.errors import ValidationFailed
from kholieu.i18n import N_
from kholieu.quiz import blueprint as blueprints
from kholieu.quiz import coverage as quiz_coverage
from kholieu.quiz import results as quiz_results
from kholieu.quiz.api import share_link
from kholieu.quiz.assembly import Item, Version
from kholieu.quiz.deps import QuizzesDep
from kholieu.quiz.models import Quiz
from kholieu.quiz.printing import numbering
from kholieu.quiz.service import QuizService
from kholieu.web import csrf
from kholieu.web.deps import SessionDep, SettingsDep, StoreDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/bai-kiem-tra", tags=["pages"], include_in_schema=False)
PRESETS = {
    "exam_2025": N_("Đề thi tốt nghiệp THPT 2025"),
    "cv7991": N_("Kiểm tra định kì (CV 7991)"),
}


@router.get("")
def my_quizzes(
    request: Request, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> Response:
    mine = quizzes.owned_by(session, user)
    return render(request, "quiz/quizzes.html", {"quizzes": mine})


# The form's fields, with what a new form holds; every setting of the quiz API has one.
DEFAULTS = {
    "title": "", "source": "exam_2025", "subject": "toan", "grade": "12", "blueprint": "",
    "mode": "exam", "minutes": "", "versions": "1", "codes": "", "opens_at": "",
    "closes_at": "", "max_attempts": "", "grading": "highest", "review": "after_submit",
    "shuffle_questions": "1", "shuffle_options": "1", "partial_multiple": "0", "pool": "all",
    "seed": "", "practice_checks": "1",
}  # fmt: skip
# The service's field (QuizService.create) -> the form's field that shows its problem; the
# blueprint's own fields not listed here show beside the matrix.
FIELD_OF = {"time_limit_s": "minutes", "blueprint.versions": "versions",
            "blueprint.codes": "codes", "subject": "subject", "grade": "grade",
            "title": "title", "source": "pool", "blueprint.source": "pool"}  # fmt: skip
FORM_FIELDS = frozenset(DEFAULTS)


def _form(request: Request, errors: dict[str, str] | None = None, values: dict | None = None,
          status: int = 200) -> Response:  # fmt: skip
    context = {"presets": PRESETS, "subjects": SUBJECTS, "exam_subjects": blueprints.EXAM_2025,
               "errors": errors or {}, "values": {**DEFAULTS, **(values or {})}}  # fmt: skip
    return render(request, "quiz/new_quiz.html", context, status_code=status)


def _number(text: str) -> int | str:
    """A number typed in the form, or the text as typed for the service to refuse by field."""
    text = text.strip()
    return int(text) if re.fullmatch(r"-?[0-9]{1,12}", text) else text


def _moment(text: str, zone: ZoneInfo) -> str:
    """A ``datetime-local`` value read in the app's time zone (Vietnam), as ISO 8601 with its
    offset; what is not a time goes on as typed, for the service to refuse by field."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=zone).isoformat()
    except ValueError:
        return text


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    """A stored time as people read it here: in the app's time zone (Vietnam)."""
    return aware(moment).astimezone(zone).strftime("%H:%M %d/%m/%Y") if moment else ""


def quiz_request(values: dict[str, str], plan: dict, zone: ZoneInfo) -> dict:
    """The form's fields as the API's body (``POST /api/v1/quizzes``): the same settings for
    the same service call. Blank fields are left out, so the service's defaults apply (an
    exam: the matrix's duration, one attempt)."""
    plan = {**plan, "source": values["pool"] or plan.get("source", "all"),
            "partial_multiple": values["partial_multiple"] == "1"}  # fmt: skip
    if values["versions"].strip():
        plan["versions"] = _number(values["versions"])
    if values["codes"].strip():
        plan["codes"] = [c.strip() for c in values["codes"].replace(";", ",").split(",")]
    # "Không": shuffling is off in every part; "Có": each part keeps its own (the presets
    # never shuffle a short answer's or an essay's options: they have none).
    keep = {name: values[name] != "0" for name in ("shuffle_questions", "shuffle_options")}
    plan["sections"] = [
        {**section, **{name: on and section.get(name, True) for name, on in keep.items()}}
        if isinstance(section, dict) else section
        for section in plan.get("sections") or []
    ]  # fmt: skip
    data: dict = {"title": values["title"], "blueprint": plan, "mode": values["mode"],
                  "grading": values["grading"], "review": values["review"]}  # fmt: skip
    if values["minutes"].strip():
        minutes = _number(values["minutes"])
        data["time_limit_s"] = minutes * 60 if isinstance(minutes, int) else minutes
    if values["max_attempts"].strip():
        data["max_attempts"] = _number(values["max_attempts"])
    if values["seed"].strip():
        data["seed"] = _number(values["seed"])
    if values["practice_checks"].strip():
        data["practice_checks"] = _number(values["practice_checks"])
    for name in ("opens_at", "closes_at"):
        if values[name].strip():
            data[name] = _moment(values[name], zone)
    return data


def _errors_of(exc: ValidationFailed) -> dict[str, str]:
    """The service's problems by the form's fields: the settings' own, or the blueprint's one
    (a bad field, a cell the bank cannot fill) beside the matrix or the field it names."""
    details = exc.details if isinstance(exc.details, dict) else {}
    fields = details.get("fields") or {details.get("field") or "blueprint": exc.message}
    errors: dict[str, str] = {}
    for field, message in fields.items():
        name = FIELD_OF.get(field, field if field in FORM_FIELDS else "blueprint")
        errors.setdefault(name, message)
    return errors


@router.get("/moi")
def new_quiz(
    request: Request, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep,
    nhap: Annotated[str, Query(max_length=32)] = "",
) -> Response:  # fmt: skip
    """The form; ``?nhap=`` fills it with a test of exactly the questions of one of my
    imports (a Word file made a test in one step, drafts and all)."""
    if not nhap:
        return _form(request)
    plan = quizzes.blueprint_of_import(session, user, nhap)
    values = {"title": plan["title"], "source": "yaml", "subject": plan["subject"],
              "grade": str(plan["grade"]), "mode": "exam",
              "blueprint": json.dumps(plan, ensure_ascii=False, indent=2)}  # fmt: skip
    return _form(request, values=values)


@router.post("/moi", dependencies=[Depends(csrf.require_form_token)])
def create_quiz(
    request: Request, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str, Form()] = "", source: Annotated[str, Form()] = "exam_2025",
    subject: Annotated[str, Form()] = "toan", grade: Annotated[str, Form()] = "12",
    blueprint: Annotated[str, Form()] = "", mode: Annotated[str, Form()] = "exam",
    minutes: Annotated[str, Form()] = "", versions: Annotated[str, Form()] = "",
    codes: Annotated[str, Form()] = "", opens_at: Annotated[str, Form()] = "",
    closes_at: Annotated[str, Form()] = "", max_attempts: Annotated[str, Form()] = "",
    grading: Annotated[str, Form()] = "highest", review: Annotated[str, Form()] = "after_submit",
    shuffle_questions: Annotated[str, Form()] = "1", shuffle_options: Annotated[str, Form()] = "1",
    partial_multiple: Annotated[str, Form()] = "0", pool: Annotated[str, Form()] = "all",
    seed: Annotated[str, Form()] = "", practice_checks: Annotated[str, Form()] = "1",
) -> Response:  # fmt: skip
    """The form's fields become the API's body and go to the same ``QuizService.create``;
    every problem is shown beside its field, with what was typed kept."""
    values = {name: value for name, value in locals().items() if name in FORM_FIELDS}
    try:
        number = _number(grade)
        if source in PRESETS and not isinstance(number, int):
            raise ValidationFailed("Lớp phải là số từ 1 đến 12.", details={"field": "grade"})
        if source == "exam_2025":
            plan = blueprints.exam_2025(subject, number).model_dump(mode="json")
        elif source == "cv7991":
            plan = blueprints.periodic_7991(subject, number).model_dump(mode="json")
        else:
            given = {"title": title} if title else None
            plan = blueprints.parse_text(blueprint, defaults=given).model_dump(mode="json")
        quiz = quizzes.create(session, user, quiz_request(values, plan, settings.zone))
    except ValidationFailed as exc:
        errors = _errors_of(exc)
        raise PageRefused(lambda: _form(request, errors, values, status=422)) from None
    return RedirectResponse(f"/bai-kiem-tra/{quiz.id}", status_code=303)


def _versions(quiz: Quiz) -> list[Version]:
    """An exam quiz's stored versions as the assembler made them, section by section."""
    plan = blueprints.Blueprint.model_validate(quiz.blueprint)
    versions = []
    for stored in quiz.versions:
        items = iter(
            Item(i["id"], i["version"], i["type"], i["points"],
                 tuple(i["order"]) if i["order"] else None, i["key"])
            for i in stored["items"]
        )  # fmt: skip
        sections = [[next(items) for _ in range(section.count)] for section in plan.sections]
        versions.append(Version(stored["code"], sections))
    return versions


def _owned_exam(quizzes: QuizService, session: Session, quiz_id: int, user: User) -> Quiz:
    quiz = quizzes.owned(session, user, quiz_id)
    if not quiz.versions:
        raise ValidationFailed("Đề luyện tập rút câu hỏi theo từng lượt: không có mã đề để in")
    return quiz


@router.get("/{quiz_id}/de.zip")
def papers_zip(
    request: Request, quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, store: StoreDep,
    session: SessionDep, settings: SettingsDep,
    school: Annotated[str, Query(max_length=10_000)] = "",
    exam: Annotated[str, Query(max_length=10_000)] = "",
    date: Annotated[str, Query(max_length=10_000)] = "",
):  # fmt: skip
    """The printed set of an exam quiz's versions: papers (PDF, Word), keys, answer sheet,
    with the school, exam and date of the print form in the papers' header (the exam's name
    is the quiz's title when left empty). A field refused redraws the quiz's page with it."""
    # fpdf, python-docx and matplotlib load when a set is printed, not at every start-up.
    from kholieu.quiz.printing import header, paper_set

    quiz = _owned_exam(quizzes, session, quiz_id, user)
    values = {"school": school, "exam": exam, "date": date}
    try:
        heading = header.parse(school, exam, date, untitled=quiz.title)
    except ValidationFailed as exc:
        message = exc.message
        raise PageRefused(lambda: _quiz_page(
            request, quiz_id, user, quizzes, session, settings, status=422,
            printing={"error": message, "values": values},
        )) from None  # fmt: skip
    plan = blueprints.Blueprint.model_validate(quiz.blueprint)
    versions = _versions(quiz)
    bodies = quizzes.bodies(session, [i for v in quiz.versions for i in v["items"]])
    buffer = io.BytesIO()
    unconverted: list[str] = []
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w") as archive:
        files = paper_set.write(Path(folder), plan, versions, bodies, seed=quiz.seed,
                                header=heading, read_image=image_reader(store),
                                unconverted=unconverted)  # fmt: skip
        for path in files:
            archive.write(path, path.name)
        if unconverted:  # the teacher learns which formulas Word cannot edit
            archive.writestr(paper_set.DRAWN_NOTE, paper_set.drawn_note(unconverted))
    headers = {"Content-Disposition": f'attachment; filename="de-{quiz.id}.zip"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


@router.post("/{quiz_id}/cham", dependencies=[Depends(csrf.require_form_token)])
async def score_scans(
    request: Request, quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep,
    assignments: AssignmentsDep, file: Annotated[UploadFile, File()],
) -> Response:  # fmt: skip
    """Scanned answers of a class (CSV: student, ma_de, 1, 2, …) scored against the keys;
    for an exam assigned to a class, stored as its students' attempts."""
    from kholieu.quiz.printing import answer_sheets  # loads fpdf: only when scoring

    quiz = _owned_exam(quizzes, session, quiz_id, user)
    data = await file.read(5 * 2**20 + 1)
    if len(data) > 5 * 2**20:
        raise ValidationFailed("Tệp: lớn hơn 5 MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "Tệp: không phải văn bản UTF-8 (hãy lưu bảng tính dạng CSV UTF-8)"
        ) from None
    versions = _versions(quiz)
    bodies = quizzes.bodies(session, [i for v in quiz.versions for i in v["items"]])
    plan = blueprints.Blueprint.model_validate(quiz.blueprint)
    report = answer_sheets.score_class(
        answer_sheets.record(plan, versions, bodies, quiz.seed), text
    )
    unmatched = assignments.store_scanned(session, user, quiz, report.scores)
    context = {"quiz": quiz, "report": report, "unmatched": unmatched}
    return render(request, "quiz/scanned.html", context)


@router.get("/{quiz_id}")
def quiz_page(
    request: Request, quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    return _quiz_page(request, quiz_id, user, quizzes, session, settings)


def _quiz_page(request: Request, quiz_id: int, user: User, quizzes: QuizService,
               session: Session, settings, *, status: int = 200,
               printing: dict | None = None) -> Response:  # fmt: skip
    """The quiz's page; ``printing`` holds the print form's refusal and what was typed."""
    quiz = quizzes.owned(session, user, quiz_id)
    preview = []
    if quiz.versions:
        items = quiz.versions[0]["items"]
        bodies = quizzes.bodies(session, items)
        numbers = numbering.numbers(item["type"] for item in items)  # as the printed paper
        for item, (part, number) in zip(items, numbers, strict=True):
            body = bodies[item["id"]]
            order = item["order"] or range(len(body.get("options") or []))
            options = [body["options"][i] for i in order] if body.get("options") else []
            preview.append({"item": item, "stem": body.get("stem", ""), "options": options,
                            "statements": body.get("statements") or [], "part": part,
                            "number": number})  # fmt: skip
    data = quiz_results.of(quizzes, session, quiz)
    peak = max(data["stats"]["histogram"] or [0]) or 1
    link = settings.app_origins[0] + share_link(quiz)  # never from the request's Host
    closed = quiz.closes_at is not None and aware(quiz.closes_at) <= utcnow()
    return render(request, "quiz/quiz_page.html", {
        "quiz": quiz, "preview": preview, "results": data, "peak": peak, "link": link,
        "rich": safe, "subjects": SUBJECTS, "closed": closed,
        "participants": quizzes.participants(session, user, quiz),
        "coverage": quiz_coverage.of_quiz(session, quiz),
        "printing": printing or {"error": None, "values": {}},
        "opens": _local(quiz.opens_at, settings.zone),
        "closes": _local(quiz.closes_at, settings.zone),
    }, status_code=status)  # fmt: skip


@router.post("/{quiz_id}/dong", dependencies=[Depends(csrf.require_form_token)])
def close_quiz(
    quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep
) -> Response:
    """ "Đóng bài": no new attempts; open ones are submitted with what they saved."""
    quizzes.close(session, user, quizzes.owned(session, user, quiz_id))
    return RedirectResponse(f"/bai-kiem-tra/{quiz_id}", status_code=303)


@router.post("/{quiz_id}/ma-moi", dependencies=[Depends(csrf.require_form_token)])
def new_share(quiz_id: int, user: TeacherDep, quizzes: QuizzesDep, session: SessionDep) -> Response:
    """ "Đổi mã": a new code and link; the old ones stop working."""
    quizzes.new_share(session, user, quizzes.owned(session, user, quiz_id))
    return RedirectResponse(f"/bai-kiem-tra/{quiz_id}", status_code=303)
