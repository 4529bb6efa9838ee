"""Editor pages: the dashboard, the new-item form, and an item's editing page with the
workflow buttons and the resumable file upload (static/js/upload.js)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kholieu.accounts.deps import EditorDep
from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.config import Settings
from kholieu.content import catalogue
from kholieu.content.deps import ContentDep, UploadsDep
from kholieu.content.models import Kind
from kholieu.content.schemas import ContentIn
from kholieu.content.service import ContentService
from kholieu.content.summary import describe
from kholieu.content.uploads import UploadService
from kholieu.curriculum import LICENCES, SERIES, SUBJECTS
from kholieu.errors import KholieuError, field_errors
from kholieu.video import media
from kholieu.video.captions import LANGUAGES, MAX_BYTES
from kholieu.web import csrf
from kholieu.web.deps import SessionDep, SettingsDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/bien-tap", tags=["pages"], include_in_schema=False)
CHOICES = {"kinds": list(Kind), "subjects": SUBJECTS, "series": SERIES, "licences": LICENCES,
           "grades": range(1, 13)}  # fmt: skip


@router.get("")
def dashboard(request: Request, user: EditorDep, session: SessionDep) -> Response:
    board = catalogue.dashboard(session, user.id)
    context = {"mine": board.mine, "queue": board.in_review, "counts": board.counts}
    return render(request, "editor/dashboard.html", context)


@router.get("/moi")
def new_item_form(request: Request, user: EditorDep) -> Response:
    return render(request, "editor/new.html", {**CHOICES, "values": {}, "errors": {}})


@router.post("/moi", dependencies=[Depends(csrf.require_form_token)])
async def create_item(
    request: Request, user: EditorDep, content: ContentDep, session: SessionDep
) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if k != csrf.FIELD and v != ""}
    record = {
        **values,
        "tags": _split(values.get("tags")),
        "authors": _split(values.get("authors")),
    }
    try:
        data = ContentIn.model_validate(record)
    except ValidationError as exc:
        errors = {field.split(".")[0]: message for field, message in field_errors(exc)}
        context = {**CHOICES, "values": values, "errors": errors}
        return render(request, "editor/new.html", context, status_code=422)
    item = content.create(session, user, data)
    return RedirectResponse(f"/bien-tap/{item.id}", status_code=303)


@router.get("/{item_id}")
def edit_item(
    request: Request,
    item_id: int,
    user: EditorDep,
    content: ContentDep,
    uploads: UploadsDep,
    settings: SettingsDep,
    session: SessionDep,
) -> Response:
    return _item_page(request, user, content, uploads, settings, session, item_id)


def _item_page(
    request: Request, user: User, content: ContentService, uploads: UploadService,
    settings: Settings, session: Session, item_id: int, *, caption_error: str | None = None,
) -> Response:  # fmt: skip
    item = content.get(session, user, item_id)
    last_upload = catalogue.last_upload(session, item.id)
    context = {
        "item": item,
        "info": describe(session, item, content.file(session, item.id)),
        "history": audit.history(session, f"content:{item.id}"),
        "last_upload": last_upload,
        "original_url": uploads.original_url(last_upload) if last_upload else None,
        "subject_name": SUBJECTS.get(item.subject, item.subject),
        "languages": LANGUAGES,
        "captions": content.captions(session, item.id),
        "caption_error": caption_error,
        "ffmpeg_missing": _ffmpeg_missing(settings) if item.kind == Kind.video else None,
    }
    status = 422 if caption_error else 200
    return render(request, "editor/item.html", context, status_code=status)


def _ffmpeg_missing(settings: Settings) -> str | None:
    try:
        media.tools_status(settings.ffmpeg_path, settings.ffprobe_path)
    except media.MediaToolsMissing as exc:
        return exc.message
    return None


@router.post("/{item_id}/phu-de", dependencies=[Depends(csrf.require_form_token)])
async def upload_captions(
    request: Request,
    item_id: int,
    user: EditorDep,
    content: ContentDep,
    uploads: UploadsDep,
    settings: SettingsDep,
    session: SessionDep,
    language: Annotated[str, Form()],
    file: UploadFile,
) -> Response:
    """Captions from the editor's page; an error is shown on the page, by file and line."""
    data = await file.read(MAX_BYTES + 1)
    try:
        content.set_captions(session, user, item_id, language, data, file.filename or "captions")
    except KholieuError as exc:
        message = exc.message
        raise PageRefused(
            lambda: _item_page(request, user, content, uploads, settings, session, item_id,
                               caption_error=message)
        ) from None  # fmt: skip
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/phu-de/{language}/xoa", dependencies=[Depends(csrf.require_form_token)])
def remove_captions(
    item_id: int, language: str, user: EditorDep, content: ContentDep, session: SessionDep
) -> Response:
    content.remove_captions(session, user, item_id, language)
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/xu-ly/{action}", dependencies=[Depends(csrf.require_form_token)])
def control_processing(
    item_id: int,
    action: Literal["lai", "huy"],
    user: EditorDep,
    content: ContentDep,
    session: SessionDep,
) -> Response:
    """Retry (``lai``) or cancel (``huy``) the file's processing."""
    if action == "huy":
        content.cancel_processing(session, user, item_id)
    else:
        content.reprocess(session, user, item_id)
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/tai-len/{upload_id}/xoa", dependencies=[Depends(csrf.require_form_token)])
def delete_rejected(
    item_id: int, upload_id: str, user: EditorDep, uploads: UploadsDep, session: SessionDep
) -> Response:
    """Delete a rejected upload's kept file."""
    upload = uploads.get(session, user, upload_id)
    uploads.abort(upload)
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/{action}", dependencies=[Depends(csrf.require_form_token)])
def change_status(
    item_id: int,
    action: str,
    user: EditorDep,
    content: ContentDep,
    session: SessionDep,
    reason: Annotated[str | None, Form()] = None,
    note: Annotated[str | None, Form()] = None,
) -> Response:
    content.transition(session, user, item_id, action, reason=reason, note=note)
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
