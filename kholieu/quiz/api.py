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
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from starlette.background import BackgroundTask

from kholieu.accounts.authz import editors, signed_in, teachers
from kholieu.accounts.models import User
from kholieu.errors import NotFound
from kholieu.jobs.models import Job
from kholieu.quiz import imports
from kholieu.quiz.exporter import Filters, export
from kholieu.quiz.formats import WRITERS
from kholieu.quiz.models import Question, QuestionImage, QuestionStatus, QuestionVersion
from kholieu.quiz.schemas import QuestionIn
from kholieu.quiz.service import as_native, image_key, visible
from kholieu.search.query import MAX_SIZE, SearchRequest
from kholieu.services import Services
from kholieu.web.deps import ServicesDep, SessionDep

router = APIRouter(prefix="/api/v1/questions", tags=["questions"])
images = APIRouter(tags=["questions"], include_in_schema=False)
TeacherDep = Annotated[User, Depends(teachers)]
EditorDep = Annotated[User, Depends(editors)]
EXPORT_SUFFIX = {"jsonl": "jsonl", "gift": "gift", "aiken": "txt", "moodle": "xml",
                 "xlsx": "xlsx", "csv": "csv", "qti": "zip", "docx": "docx"}  # fmt: skip


class QuestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    status: str
    version: int
    owner_id: int | None
    created_at: datetime
    updated_at: datetime
    data: dict[str, Any]  # the native format (DESIGN.md): content, key and metadata

    @classmethod
    def of(cls, question: Question) -> QuestionOut:
        return cls(
            id=question.id, type=question.type, status=question.status,
            version=question.version, owner_id=question.owner_id,
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
) -> Filters:
    return Filters(subject, grade, topic, level, type, status, tag)


FiltersDep = Annotated[Filters, Depends(_filters)]


def page_of(session, user: User, filters: Filters, page: int, size: int) -> QuestionPage:
    """Newest first; shared with the bank's web page."""
    query = filters.apply(visible(user))
    if filters.tag:  # JSON lists: filtered in Python so SQLite and PostgreSQL agree
        rows = [q for q in session.scalars(query.order_by(Question.id.desc())) if filters.keep(q)]
        return QuestionPage(
            total=len(rows), items=[QuestionOut.of(q) for q in rows[(page - 1) * size :][:size]]
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Question.updated_at.desc(), Question.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    return QuestionPage(total=total, items=[QuestionOut.of(q) for q in rows])


def search_page_of(
    services: Services, session, user: User, text: str, filters: Filters, page: int, size: int
) -> QuestionPage:
    """Questions matching ``text`` (through the search index, best first), each re-read and
    re-checked in the database, which stays the authority on what the user may see."""
    wanted = {"subject": filters.subject, "grade": filters.grade, "level": filters.level,
              "kind": filters.type, "status": filters.status}  # fmt: skip
    request = SearchRequest(
        index="questions", text=" ".join(filter(None, [text, filters.topic, filters.tag])),
        filters={name: [str(value)] for name, value in wanted.items() if value not in (None, "")},
        page=page, size=min(size, MAX_SIZE),
    )  # fmt: skip
    result = services.searching.search(user, request)
    ids = [int(hit.id) for hit in result.hits]
    rows = {q.id: q for q in session.scalars(visible(user).where(Question.id.in_(ids)))}
    return QuestionPage(
        total=result.total, items=[QuestionOut.of(rows[i]) for i in ids if i in rows]
    )


@router.get("")
def list_questions(
    user: TeacherDep,
    services: ServicesDep,
    session: SessionDep,
    filters: FiltersDep,
    q: Annotated[str, Query(max_length=300, description="words to search for")] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> QuestionPage:
    """Newest first; with ``q``, best match first (diacritics optional)."""
    if q.strip():
        return search_page_of(services, session, user, q, filters, page, size)
    return page_of(session, user, filters, page, size)


@router.post("", status_code=201)
def create_question(
    data: QuestionIn, user: TeacherDep, services: ServicesDep, session: SessionDep
) -> QuestionOut:
    question = services.questions.create(session, user, data)
    session.commit()
    return QuestionOut.of(question)


@router.get("/export")
def export_questions(
    user: TeacherDep,
    services: ServicesDep,
    session: SessionDep,
    filters: FiltersDep,
    format: Annotated[str, Query(pattern="^(" + "|".join(sorted(WRITERS)) + ")$")] = "jsonl",
) -> Response:
    """The questions this caller may see, chosen by the filters, as one file."""
    tmp_dir = services.settings.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=tmp_dir))
    out = folder / f"ngan-hang-cau-hoi.{EXPORT_SUFFIX[format]}"
    count, notes = export(session, services.store, visible(user), format, out, filters)
    return FileResponse(
        out,
        filename=out.name,
        headers={"X-Questions": str(count), "X-Notes": str(len(notes))},
        background=BackgroundTask(lambda: (out.unlink(missing_ok=True), folder.rmdir())),
    )


@router.post("/imports", status_code=202)
def start_import(
    user: TeacherDep,
    services: ServicesDep,
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
        session, services.store, services.queue, user, file.file, file.filename or "upload",
        {"defaults": defaults, "on_duplicate": on_duplicate},
    )  # fmt: skip
    session.commit()
    return ImportOut.model_validate(record)


@router.get("/imports/{import_id}")
def import_status(import_id: str, user: TeacherDep, session: SessionDep) -> ImportOut:
    record = imports.get(session, user, import_id)
    out = ImportOut.model_validate(record)
    job = session.get(Job, record.job_id) if record.job_id else None
    out.progress = 1.0 if record.status == "done" else (job.progress if job else 0.0)
    return out


@router.get("/{question_id}")
def get_question(
    question_id: int, user: TeacherDep, services: ServicesDep, session: SessionDep
) -> QuestionOut:
    return QuestionOut.of(services.questions.get(session, user, question_id))


@router.put("/{question_id}")
def edit_question(
    question_id: int,
    data: QuestionIn,
    user: TeacherDep,
    services: ServicesDep,
    session: SessionDep,
) -> QuestionOut:
    question = services.questions.update(session, user, question_id, data)
    session.commit()
    return QuestionOut.of(question)


@router.post("/{question_id}/status")
def set_status(
    question_id: int, body: StatusIn, user: EditorDep, services: ServicesDep, session: SessionDep
) -> QuestionOut:
    question = services.questions.set_status(session, user, question_id, body.status)
    session.commit()
    return QuestionOut.of(question)


@router.get("/{question_id}/versions")
def list_versions(
    question_id: int, user: TeacherDep, services: ServicesDep, session: SessionDep
) -> list[VersionOut]:
    services.questions.get(session, user, question_id)
    rows = session.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.question_id == question_id)
        .order_by(QuestionVersion.version)
    )
    return [VersionOut.model_validate(v) for v in rows]


@router.get("/{question_id}/uses")
def where_used(
    question_id: int, user: TeacherDep, services: ServicesDep, session: SessionDep
) -> list[UseOut]:
    services.questions.get(session, user, question_id)
    return [UseOut.model_validate(u) for u in services.questions.where_used(session, question_id)]


@router.post("/images", status_code=201)
async def upload_image(
    user: TeacherDep,
    services: ServicesDep,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> dict[str, str]:
    """An image for the question editor (PNG, JPEG, GIF or WebP, at most 5 MiB)."""
    data = await file.read(6 * 2**20)
    url = services.questions.store_image(session, data, file.filename or "image")
    session.commit()
    return {"url": url}


@images.get("/cau-hoi/anh/{sha256}", dependencies=[Depends(signed_in)])
def image(sha256: str, services: ServicesDep, session: SessionDep) -> Response:
    """Images shown in questions, to anyone signed in (students see them in quizzes). Stored
    by checksum, so they never change: cached for a year."""
    row = session.get(QuestionImage, sha256)
    if row is None:
        raise NotFound("no such image")
    with services.store.get(image_key(sha256)) as stream:
        data = stream.read()
    return Response(
        data,
        media_type=row.mime,
        headers={
            "Cache-Control": "private, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )
