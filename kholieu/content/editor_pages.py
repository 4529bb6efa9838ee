"""Editor pages: the dashboard, the new-item form, and an item's editing page with the
workflow buttons and the resumable file upload (static/js/upload.js)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.accounts.authz import editors
from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.config import Settings
from kholieu.content import media
from kholieu.content.captions import LANGUAGES, MAX_BYTES
from kholieu.content.models import ContentItem, Kind, Status, Upload
from kholieu.content.schemas import ContentIn
from kholieu.content.views import describe
from kholieu.curriculum import LICENCES, SERIES, SUBJECTS
from kholieu.errors import KholieuError
from kholieu.services import Services
from kholieu.web import csrf
from kholieu.web.deps import ServicesDep, SessionDep
from kholieu.web.templating import render

router = APIRouter(prefix="/bien-tap", tags=["pages"], include_in_schema=False)
EditorDep = Annotated[User, Depends(editors)]
CHOICES = {"kinds": list(Kind), "subjects": SUBJECTS, "series": SERIES, "licences": LICENCES,
           "grades": range(1, 13)}  # fmt: skip


@router.get("")
def dashboard(request: Request, user: EditorDep, session: SessionDep) -> Response:
    newest = ContentItem.updated_at.desc()
    mine = session.scalars(
        select(ContentItem).where(ContentItem.owner_id == user.id).order_by(newest).limit(50)
    ).all()
    queue = session.scalars(
        select(ContentItem).where(ContentItem.status == Status.in_review).order_by(newest)
    ).all()
    counts = {
        status: n
        for status, n in session.execute(
            select(ContentItem.status, func.count()).group_by(ContentItem.status)
        )
    }
    return render(
        request, "editor/dashboard.html", {"mine": mine, "queue": queue, "counts": counts}
    )


@router.get("/moi")
def new_item_form(request: Request, user: EditorDep) -> Response:
    return render(request, "editor/new.html", {**CHOICES, "values": {}, "errors": {}})


@router.post("/moi", dependencies=[Depends(csrf.require_form_token)])
async def create_item(
    request: Request, user: EditorDep, services: ServicesDep, session: SessionDep
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
        errors = {str(e["loc"][0]): e["msg"].removeprefix("Value error, ") for e in exc.errors()}
        context = {**CHOICES, "values": values, "errors": errors}
        return render(request, "editor/new.html", context, status_code=422)
    item = services.content.create(session, user, data)
    session.commit()
    return RedirectResponse(f"/bien-tap/{item.id}", status_code=303)


@router.get("/{item_id}")
def edit_item(
    request: Request, item_id: int, user: EditorDep, services: ServicesDep, session: SessionDep
) -> Response:
    return _item_page(request, user, services, session, item_id)


def _item_page(
    request: Request, user: User, services: Services, session: Session, item_id: int, *,
    caption_error: str | None = None,
) -> Response:  # fmt: skip
    item = services.content.get(session, user, item_id)
    last_upload = session.scalars(
        select(Upload).where(Upload.item_id == item.id).order_by(Upload.created_at.desc())
    ).first()
    context = {
        "item": item,
        "info": describe(session, item, services.content.file(session, item.id)),
        "history": audit.history(session, f"content:{item.id}"),
        "last_upload": last_upload,
        "original_url": services.uploads.original_url(last_upload) if last_upload else None,
        "subject_name": SUBJECTS.get(item.subject, item.subject),
        "languages": LANGUAGES,
        "captions": services.content.captions(session, item.id),
        "caption_error": caption_error,
        "ffmpeg_missing": _ffmpeg_missing(services.settings) if item.kind == Kind.video else None,
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
    services: ServicesDep,
    session: SessionDep,
    language: Annotated[str, Form()],
    file: UploadFile,
) -> Response:
    """Captions from the editor's page; an error is shown on the page, by file and line."""
    data = await file.read(MAX_BYTES + 1)
    try:
        services.content.set_captions(
            session, user, item_id, language, data, file.filename or "captions"
        )
    except KholieuError as exc:
        session.rollback()
        return _item_page(request, user, services, session, item_id, caption_error=exc.message)
    session.commit()
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/phu-de/{language}/xoa", dependencies=[Depends(csrf.require_form_token)])
def remove_captions(
    item_id: int, language: str, user: EditorDep, services: ServicesDep, session: SessionDep
) -> Response:
    services.content.remove_captions(session, user, item_id, language)
    session.commit()
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/xu-ly/{action}", dependencies=[Depends(csrf.require_form_token)])
def control_processing(
    item_id: int,
    action: Literal["lai", "huy"],
    user: EditorDep,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    """Retry (``lai``) or cancel (``huy``) the file's processing."""
    if action == "huy":
        services.content.cancel_processing(session, user, item_id)
    else:
        services.content.reprocess(session, user, item_id)
    session.commit()
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/tai-len/{upload_id}/xoa", dependencies=[Depends(csrf.require_form_token)])
def delete_rejected(
    item_id: int, upload_id: str, user: EditorDep, services: ServicesDep, session: SessionDep
) -> Response:
    """Delete a rejected upload's kept file."""
    upload = services.uploads.get(session, user, upload_id)
    services.uploads.abort(upload)
    session.commit()
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


@router.post("/{item_id}/{action}", dependencies=[Depends(csrf.require_form_token)])
def change_status(
    item_id: int,
    action: str,
    user: EditorDep,
    services: ServicesDep,
    session: SessionDep,
    reason: Annotated[str | None, Form()] = None,
    note: Annotated[str | None, Form()] = None,
) -> Response:
    services.content.transition(session, user, item_id, action, reason=reason, note=note)
    session.commit()
    return RedirectResponse(f"/bien-tap/{item_id}", status_code=303)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
