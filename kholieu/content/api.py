"""Content endpoints of the JSON API: metadata and the editorial workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from kholieu.accounts.deps import AnyoneDep, EditorDep, SignedInDep
from kholieu.audit import log as audit
from kholieu.content import body, catalogue
from kholieu.content.deps import ContentDep
from kholieu.content.packages import scorm
from kholieu.content.schemas import ContentIn, ContentOut, ContentPatch, Review
from kholieu.errors import NotFound
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/content", tags=["content"])


class ContentPage(BaseModel):
    total: int
    items: list[ContentOut]


class VersionOut(BaseModel):
    version: int
    data: dict[str, Any]
    edited_by: int | None
    created_at: datetime


class ScormOut(BaseModel):
    version: str
    completion: str
    success: str | None
    score: float | None
    score_max: float | None
    updated_at: datetime


class AuditOut(BaseModel):
    actor_id: int | None
    action: str
    detail: dict[str, Any]
    created_at: datetime


@router.get("")
def list_content(
    user: AnyoneDep,
    session: SessionDep,
    subject: str | None = None,
    grade: Annotated[int | None, Query(ge=1, le=12)] = None,
    kind: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ContentPage:
    """Items this caller may see (published only, unless an editor), newest first."""
    wanted = {"subject": subject, "grade": grade, "kind": kind, "status": status}
    total, items = catalogue.page(session, user, wanted, page, size)
    return ContentPage(total=total, items=[ContentOut.model_validate(i) for i in items])


@router.post("", status_code=201)
def create_content(
    data: ContentIn, user: EditorDep, content: ContentDep, session: SessionDep
) -> ContentOut:
    item = content.create(session, user, data)
    return ContentOut.model_validate(item)


class BodyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=200_000)


class BodyOut(BaseModel):
    html: str


@router.post("/preview")
def preview_body(data: BodyIn, user: EditorDep) -> BodyOut:
    """A lecture's text as the content page will show it (Markdown, sanitised; formulas left
    for KaTeX): the editor's live preview."""
    return BodyOut(html=body.to_html(data.body))


@router.get("/{item_id}")
def get_content(
    item_id: int, user: AnyoneDep, content: ContentDep, session: SessionDep
) -> ContentOut:
    return ContentOut.model_validate(content.get(session, user, item_id))


@router.patch("/{item_id}")
def edit_content(
    item_id: int, patch: ContentPatch, user: EditorDep, content: ContentDep, session: SessionDep
) -> ContentOut:
    item = content.update(session, user, item_id, patch)
    return ContentOut.model_validate(item)


@router.post("/{item_id}/reject")
def reject_content(
    item_id: int, review: Review, user: EditorDep, content: ContentDep, session: SessionDep
) -> ContentOut:
    item = content.transition(
        session, user, item_id, "reject", reason=review.reason, note=review.note
    )
    return ContentOut.model_validate(item)


@router.post("/{item_id}/scorm")
def report_scorm(
    item_id: int,
    report: scorm.ScormReport,
    user: SignedInDep,
    content: ContentDep,
    session: SessionDep,
) -> ScormOut:
    """What a SCORM package reported for the signed-in learner (sent by the content page)."""
    item = content.get(session, user, item_id)
    attempt = scorm.record(session, user, item, report)
    return ScormOut.model_validate(attempt, from_attributes=True)


@router.get("/{item_id}/scorm")
def my_scorm(item_id: int, user: SignedInDep, content: ContentDep, session: SessionDep) -> ScormOut:
    item = content.get(session, user, item_id)
    attempt = scorm.result(session, user, item)
    if attempt is None:
        raise NotFound("Học liệu này chưa có kết quả SCORM nào")
    return ScormOut.model_validate(attempt, from_attributes=True)


@router.get("/{item_id}/versions")
def list_versions(
    item_id: int, user: EditorDep, content: ContentDep, session: SessionDep
) -> list[VersionOut]:
    versions = content.versions(session, user, item_id)
    return [VersionOut.model_validate(v, from_attributes=True) for v in versions]


@router.get("/{item_id}/history")
def item_history(
    item_id: int, user: EditorDep, content: ContentDep, session: SessionDep
) -> list[AuditOut]:
    """The audit log of one item: who did what, and when."""
    content.get(session, user, item_id)
    entries = audit.history(session, f"content:{item_id}")
    return [AuditOut.model_validate(e, from_attributes=True) for e in entries]


# Last: FastAPI tries routes in order, and this one would capture /scorm and /reject.
@router.post("/{item_id}/{action}")
def change_status(
    item_id: int,
    action: Literal["submit", "approve", "archive", "restore"],
    user: EditorDep,
    content: ContentDep,
    session: SessionDep,
) -> ContentOut:
    """Move an item along the workflow (rejecting has its own endpoint, with a reason)."""
    item = content.transition(session, user, item_id, action)
    return ContentOut.model_validate(item)
