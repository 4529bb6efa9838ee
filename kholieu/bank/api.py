"""The question bank's JSON API: browse, edit, versions, where used, import and export.

Students get 403 everywhere here: the bank holds the keys. Teachers see ready questions and
their own; editors see everything and decide what is ready.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.background import BackgroundTask

from kholieu.accounts.deps import EditorDep, TeacherDep
from kholieu.bank import import_jobs as imports
from kholieu.bank import listing, richtext
from kholieu.bank.deps import BankDep
from kholieu.bank.exporter import Filters, export
from kholieu.bank.formats import WRITERS
from kholieu.bank.models import Question, QuestionStatus
from kholieu.bank.policy import visible
from kholieu.bank.schemas import MAX_OPTIONS, MAX_PART, MAX_STEM, QuestionIn, first_error
from kholieu.bank.service import as_native
from kholieu.search.deps import SearchingDep
from kholieu.web.deps import QueueDep, SessionDep, SettingsDep, StoreDep

router = APIRouter(prefix="/api/v1/questions", tags=["questions"])
EXPORT_SUFFIX = {"jsonl": "jsonl", "gift": "gift", "aiken": "txt", "moodle": "xml",
                 "xlsx": "xlsx", "csv": "csv", "qti": "zip", "docx": "docx"}  # fmt: skip


class QuestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    status: str
    exposure: str
    version: int
    approved_version: int | None = Field(
        description="the version quizzes draw: the one an editor approved"
    )
    owner_id: int | None
    created_at: datetime
    updated_at: datetime
    data: dict[str, Any]  # the native format (docs/DESIGN.md): content, key and metadata

    @classmethod
    def of(cls, question: Question) -> QuestionOut:
        return cls(
            id=question.id, type=question.type, status=question.status,
            exposure=question.exposure, version=question.version,
            approved_version=question.approved_version, owner_id=question.owner_id,
            created_at=question.created_at, updated_at=question.updated_at,
            data=as_native(question),
        )  # fmt: skip


class QuestionPage(BaseModel):
    total: int
    items: list[QuestionOut]


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: QuestionStatus


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    type: str
    body: dict[str, Any]
    edited_by: int | None
    created_at: datetime


class UseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    kind: str
    ref: str
    label: str
    created_at: datetime


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    filename: str
    size: int
    status: str
    progress: float = 0.0
    job_id: str | None
    report: dict[str, Any] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def _filters(
    subject: str | None = None,
    grade: Annotated[int | None, Query(ge=1, le=12)] = None,
    topic: str | None = None,
    level: str | None = None,
    type: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    exposure: str | None = None,
    yccd: Annotated[
        str | None, Query(max_length=64, description="an outcome code (YCCĐ) the question names")
    ] = None,
) -> Filters:
    code = yccd.strip().upper() if yccd else None
    return Filters(subject, grade, topic, level, type, status, tag, exposure, code or None)


FiltersDep = Annotated[Filters, Depends(_filters)]


def page_of(found: tuple[int, list[Question]]) -> QuestionPage:
    total, rows = found
    return QuestionPage(total=total, items=[QuestionOut.of(q) for q in rows])


@router.get("")
def list_questions(
    user: TeacherDep,
    searching: SearchingDep,
    session: SessionDep,
    filters: FiltersDep,
    q: Annotated[str, Query(max_length=300, description="words to search for")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> QuestionPage:
    """Newest first; with ``q``, best match first (diacritics optional)."""
    if q.strip():
        return page_of(listing.search(searching, session, user, q, filters, page, size))
    return page_of(listing.page(session, user, filters, page, size))


# A question saved twice, or nearly the same as one already there, is refused (409,
# duplicate_question, naming the other) unless the caller asks to keep both.
Duplicates = Annotated[
    str,
    Query(pattern="^(refuse|keep)$",
          description="refuse: 409 duplicate_question for a near duplicate; keep: save anyway"),
]  # fmt: skip


@router.post("", status_code=201)
def create_question(
    data: QuestionIn, user: TeacherDep, bank: BankDep, session: SessionDep,
    duplicates: Duplicates = "refuse",
) -> QuestionOut:  # fmt: skip
    question = bank.create(session, user, data, duplicates=duplicates)
    return QuestionOut.of(question)


@router.get("/export")
def export_questions(
    user: TeacherDep,
    store: StoreDep,
    settings: SettingsDep,
    session: SessionDep,
    filters: FiltersDep,
    searching: SearchingDep,
    format: Annotated[str, Query(pattern="^(" + "|".join(sorted(WRITERS)) + ")$")] = "docx",
    q: Annotated[str, Query(max_length=300, description="words to search for")] = "",
) -> Response:
    """The questions this caller may see, chosen as the list is (the filters, and with ``q``
    the questions its words find), as one file; Word (.docx) unless ``format`` says."""
    if q.strip():  # the same questions the bank page lists for these words, every page of them
        only = listing.matching_ids(searching, user, q, filters)
        filters = Filters()  # the search applied them as the list does
    else:
        only = None
    tmp_dir = settings.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=tmp_dir))
    out = folder / f"ngan-hang-cau-hoi.{EXPORT_SUFFIX[format]}"
    count, notes = export(session, store, visible(user), format, out, filters, only)
    return FileResponse(
        out,
        filename=out.name,
        headers={"X-Questions": str(count), "X-Notes": str(len(notes))},
        background=BackgroundTask(lambda: (out.unlink(missing_ok=True), folder.rmdir())),
    )


@router.post("/imports", status_code=202)
def start_import(
    user: TeacherDep,
    store: StoreDep,
    queue: QueueDep,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
    subject: Annotated[str | None, Form()] = None,
    grade: Annotated[int | None, Form(ge=1, le=12)] = None,
    topic: Annotated[str | None, Form(max_length=300)] = None,
    on_duplicate: Annotated[str, Form(pattern="^(skip|link|keep)$")] = "skip",
) -> ImportOut:
    """Upload a question file; the import runs as a job. Poll ``GET …/imports/{id}``."""
    defaults = {"subject": subject or None, "grade": grade, "topic": topic or None}
    record = imports.start(
        session, store, queue, user, file.file, file.filename or "upload",
        {"defaults": defaults, "on_duplicate": on_duplicate},
    )  # fmt: skip
    return ImportOut.model_validate(record)


@router.get("/imports/{import_id}")
def import_status(import_id: str, user: TeacherDep, session: SessionDep) -> ImportOut:
    record = imports.get(session, user, import_id)
    out = ImportOut.model_validate(record)
    out.progress = imports.progress(session, record)
    out.report = imports.shown(session, user, record.report)  # names only what the user may read
    imports.mark_seen(record, user)
    return out


@router.get("/{question_id}")
def get_question(
    question_id: int, user: TeacherDep, bank: BankDep, session: SessionDep
) -> QuestionOut:
    return QuestionOut.of(bank.get(session, user, question_id))


@router.put("/{question_id}")
def edit_question(
    question_id: int,
    data: QuestionIn,
    user: TeacherDep,
    bank: BankDep,
    session: SessionDep,
    duplicates: Duplicates = "refuse",
) -> QuestionOut:
    question = bank.update(session, user, question_id, data, duplicates=duplicates)
    return QuestionOut.of(question)


@router.delete("/{question_id}", status_code=204)
def delete_question(
    question_id: int, user: TeacherDep, bank: BankDep, session: SessionDep
) -> Response:
    """A question nobody has used: its author's draft, or any for an editor (409
    ``question_in_use`` otherwise: retire it instead)."""
    bank.delete(session, user, question_id)
    return Response(status_code=204)


@router.post("/{question_id}/status")
def set_status(
    question_id: int, body: StatusIn, user: EditorDep, bank: BankDep, session: SessionDep
) -> QuestionOut:
    question = bank.set_status(session, user, question_id, body.status)
    return QuestionOut.of(question)


@router.get("/{question_id}/versions")
def list_versions(
    question_id: int, user: TeacherDep, bank: BankDep, session: SessionDep
) -> list[VersionOut]:
    return [VersionOut.model_validate(v) for v in bank.versions(session, user, question_id)]


@router.get("/{question_id}/uses")
def where_used(
    question_id: int, user: TeacherDep, bank: BankDep, session: SessionDep
) -> list[UseOut]:
    bank.get(session, user, question_id)
    return [UseOut.model_validate(u) for u in bank.where_used(session, question_id)]


@router.post("/images", status_code=201)
async def upload_image(
    user: TeacherDep,
    bank: BankDep,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> dict[str, str]:
    """An image for the question editor (PNG, JPEG, GIF or WebP, at most 5 MiB)."""
    data = await file.read(6 * 2**20)
    url = bank.store_image(session, data, file.filename or "image")
    return {"url": url}


@router.post("/preview")
def preview_question(user: TeacherDep, data: dict[str, Any]) -> dict[str, Any]:
    """What the editor's text becomes once stored: sanitised HTML to show (math is rendered by
    KaTeX in the page), or the first problem, named by field."""
    try:
        question = QuestionIn.model_validate(data)
    except ValidationError as exc:
        return {"ok": False, "error": first_error(exc), "html": _rough(data)}
    body = question.body()
    return {"ok": True, "error": None, "html": {
        "stem": body["stem"], "options": body.get("options", []),
        "statements": body.get("statements", []), "explanation": body.get("explanation", ""),
    }}  # fmt: skip


def _rough(data: dict[str, Any]) -> dict[str, Any]:
    """A preview of invalid input all the same (sanitised, and only as much of it as a question
    may hold), so the teacher sees what they type."""

    def clean(value: Any, limit: int = MAX_STEM) -> str:
        return richtext.clean(value[:limit]) if isinstance(value, str) else ""

    def many(value: Any) -> list[str]:
        if not isinstance(value, list):
            return []
        return [clean(v, MAX_PART) for v in value[:MAX_OPTIONS]]

    return {"stem": clean(data.get("stem")), "options": many(data.get("options")),
            "statements": many(data.get("statements")),
            "explanation": clean(data.get("explanation"))}  # fmt: skip
