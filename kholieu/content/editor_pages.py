"""Editor pages: the dashboard, the new-item form, and an item's editing page with the
workflow buttons, the metadata and lecture-text form (live preview: static/js/lecture-editor.js),
the resumable file upload (static/js/upload.js), the history, and the preview as a learner."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kholieu.accounts.deps import AnyoneDep, EditorDep
from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.config import Settings
from kholieu.content import body, catalogue, form
from kholieu.content.deps import ContentDep, UploadsDep
from kholieu.content.models import Kind
from kholieu.content.pages import learner_page
from kholieu.content.schemas import ContentIn, ContentPatch
from kholieu.content.service import ContentService, OwnSubmission
from kholieu.content.summary import describe
from kholieu.content.uploads import UploadService
from kholieu.curriculum import LICENCES, SERIES, SUBJECTS
from kholieu.errors import Conflict, KholieuError, ValidationFailed
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
    context = {**CHOICES, "values": {}, "errors": {}, "body_html": ""}
    return render(request, "editor/new.html", context)


@router.post("/moi", dependencies=[Depends(csrf.require_form_token)])
async def create_item(
    request: Request, user: EditorDep, content: ContentDep, session: SessionDep
) -> Response:
    values = await _typed(request)
    try:
        data = ContentIn.model_validate(form.record(values, creating=True))
    except ValidationError as exc:
        context = {**CHOICES, "values": values, "errors": form.problems(exc),
                   "body_html": body.to_html(values.get("body"))}  # fmt: skip
        return render(request, "editor/new.html", context, status_code=422)
    try:
        item = content.create(session, user, data)
    except ValidationFailed as exc:  # an outcome code the catalogue does not hold
        errors = {_field(exc): exc.message}
        context = {**CHOICES, "values": values, "errors": errors,
                   "body_html": body.to_html(values.get("body"))}  # fmt: skip
        raise PageRefused(
            lambda: render(request, "editor/new.html", context, status_code=422)
        ) from None
    return RedirectResponse(f"/bien-tap/{item.id}", status_code=303)


def _field(exc: KholieuError) -> str:
    """The form field a service's refusal names (``details.field``), else the whole form."""
    details = exc.details if isinstance(exc.details, dict) else {}
    return str(details.get("field") or "form")


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
    action_error: str | None = None, values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    item = content.get(session, user, item_id)
    last_upload = catalogue.last_upload(session, item.id)
    shown = values if values is not None else form.current(item, content.extra(session, item))
    context = {
        **CHOICES,
        "item": item,
        "values": shown,
        "body_html": body.to_html(shown.get("body")),
        "errors": errors or {},
        "action_error": action_error,
        "may_approve": content.may_approve(session, user, item),
        "info": describe(session, item, content.file(session, item.id)),
        "history": audit.named_history(session, f"content:{item.id}"),
        "last_upload": last_upload,
        "original_url": uploads.original_url(last_upload) if last_upload else None,
        "subject_name": SUBJECTS.get(item.subject, item.subject),
        "languages": LANGUAGES,
        "captions": content.captions(session, item.id),
        "caption_error": caption_error,
        "ffmpeg_missing": _ffmpeg_missing(settings) if item.kind == Kind.video else None,
    }
    status = 422 if caption_error else status
    return render(request, "editor/item.html", context, status_code=status)


def _ffmpeg_missing(settings: Settings) -> str | None:
    try:
        media.tools_status(settings.ffmpeg_path, settings.ffprobe_path)
    except media.MediaToolsMissing as exc:
        return exc.message
    return None


@router.get("/{item_id}/xem-nhu-hoc-sinh")
def preview_as_learner(
    request: Request,
    item_id: int,
    user: AnyoneDep,
    content: ContentDep,
    settings: SettingsDep,
    session: SessionDep,
) -> Response:
    """The content page as a learner will see it, drafts included, marked as a preview;
    anyone but an editor gets 404."""
    item = content.preview(session, user, item_id)
    return learner_page(request, user, item, content, settings, session, preview=True)


@router.post("/{item_id}/sua", dependencies=[Depends(csrf.require_form_token)])
async def edit_metadata(
    request: Request,
    item_id: int,
    user: EditorDep,
    content: ContentDep,
    uploads: UploadsDep,
    settings: SettingsDep,
    session: SessionDep,
) -> Response:
    """The edit form: the same ``update`` as ``PATCH /api/v1/content/{id}``; what is wrong is
    shown beside its field, with what was typed kept."""
    values = {k: v for k, v in (await _typed(request)).items() if k in form.FIELDS}

    def again(errors: dict[str, str] | None = None, message: str | None = None) -> Response:
        return _item_page(request, user, content, uploads, settings, session, item_id,
                          values=values, errors=errors, action_error=message,
                          status=422 if errors else 409)  # fmt: skip

    try:
        patch = ContentPatch.model_validate(form.record(values, creating=False))
    except ValidationError as exc:
        problems = form.problems(exc)
        raise PageRefused(lambda: again(problems)) from None
    try:
        content.update(session, user, item_id, patch)
    except ValidationFailed as exc:
        if _field(exc) in form.FIELDS:  # beside its field (an outcome code not in the catalogue)
            problems = {_field(exc): exc.message}
            raise PageRefused(lambda: again(problems)) from None
        message = exc.message
        raise PageRefused(lambda: again(message=message)) from None
    except KholieuError as exc:
        message = exc.message
        raise PageRefused(lambda: again(message=message)) from None
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


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
    request: Request,
    item_id: int,
    action: str,
    user: EditorDep,
    content: ContentDep,
    uploads: UploadsDep,
    settings: SettingsDep,
    session: SessionDep,
    reason: Annotated[str | None, Form()] = None,
    note: Annotated[str | None, Form()] = None,
) -> Response:
    """A workflow button; a refusal (an empty lecture, one's own submission, an item already
    moved on) is said on the item's page."""
    try:
        content.transition(session, user, item_id, action, reason=reason, note=note)
    except (ValidationFailed, Conflict, OwnSubmission) as exc:
        message, status = exc.message, exc.status_code
        raise PageRefused(
            lambda: _item_page(request, user, content, uploads, settings, session, item_id,
                               action_error=message, status=status)
        ) from None  # fmt: skip
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


async def _typed(request: Request) -> dict[str, str]:
    """A form's text fields as typed."""
    data = await request.form()
    return {k: v for k, v in data.items() if k != csrf.FIELD and isinstance(v, str)}
