"""Content endpoints of the JSON API: metadata and the editorial workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from kholieu.accounts.authz import AnyoneDep, SignedInDep, editors
from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.content import scorm
from kholieu.content.models import ContentItem, ScormAttempt
from kholieu.content.schemas import ContentIn, ContentOut, ContentPatch, Review
from kholieu.content.service import visible
from kholieu.errors import NotFound
from kholieu.web.deps import ServicesDep, SessionDep

router = APIRouter(prefix="/api/v1/content", tags=["content"])
EditorDep = Annotated[User, Depends(editors)]


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
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ContentPage:
    """Items this caller may see (published only, unless an editor), newest first."""
    query = visible(user)
    for column, value in (
        (ContentItem.subject, subject), (ContentItem.grade, grade),
        (ContentItem.kind, kind), (ContentItem.status, status),
    ):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(ContentItem.updated_at.desc(), ContentItem.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    return ContentPage(total=total, items=[ContentOut.model_validate(i) for i in items])


@router.post("", status_code=201)
def create_content(
    data: ContentIn, user: EditorDep, services: ServicesDep, session: SessionDep
) -> ContentOut:
    item = services.content.create(session, user, data)
    session.commit()
    return ContentOut.model_validate(item)


@router.get("/{item_id}")
def get_content(
    item_id: int, user: AnyoneDep, services: ServicesDep, session: SessionDep
) -> ContentOut:
    return ContentOut.model_validate(services.content.get(session, user, item_id))


@router.patch("/{item_id}")
def edit_content(
    item_id: int, patch: ContentPatch, user: EditorDep, services: ServicesDep, session: SessionDep
) -> ContentOut:
    item = services.content.update(session, user, item_id, patch)
    session.commit()
    return ContentOut.model_validate(item)


@router.post("/{item_id}/reject")
def reject_content(
    item_id: int, review: Review, user: EditorDep, services: ServicesDep, session: SessionDep
) -> ContentOut:
    item = services.content.transition(
        session, user, item_id, "reject", reason=review.reason, note=review.note
    )
    session.commit()
    return ContentOut.model_validate(item)


@router.post("/{item_id}/scorm")
def report_scorm(
    item_id: int,
    report: scorm.ScormReport,
    user: SignedInDep,
    services: ServicesDep,
    session: SessionDep,
) -> ScormOut:
    """What a SCORM package reported for the signed-in learner (sent by the content page)."""
    item = services.content.get(session, user, item_id)
    attempt = scorm.record(session, user, item, report)
    session.commit()
    return ScormOut.model_validate(attempt, from_attributes=True)


@router.get("/{item_id}/scorm")
def my_scorm(
    item_id: int, user: SignedInDep, services: ServicesDep, session: SessionDep
) -> ScormOut:
    item = services.content.get(session, user, item_id)
    attempt = session.scalar(
        select(ScormAttempt).where(ScormAttempt.item_id == item.id, ScormAttempt.user_id == user.id)
    )
    if attempt is None:
        raise NotFound("no SCORM results for this item yet")
    return ScormOut.model_validate(attempt, from_attributes=True)


@router.get("/{item_id}/versions")
def list_versions(
    item_id: int, user: EditorDep, services: ServicesDep, session: SessionDep
) -> list[VersionOut]:
    versions = services.content.versions(session, user, item_id)
    return [VersionOut.model_validate(v, from_attributes=True) for v in versions]


@router.get("/{item_id}/history")
def item_history(
    item_id: int, user: EditorDep, services: ServicesDep, session: SessionDep
) -> list[AuditOut]:
    """The audit log of one item: who did what, and when."""
    services.content.get(session, user, item_id)
    entries = audit.history(session, f"content:{item_id}")
    return [AuditOut.model_validate(e, from_attributes=True) for e in entries]


# Last: FastAPI tries routes in order, and this one would capture /scorm and /reject.
@router.post("/{item_id}/{action}")
def change_status(
    item_id: int,
    action: Literal["submit", "approve", "archive", "restore"],
    user: EditorDep,
    services: ServicesDep,
    session: SessionDep,
) -> ContentOut:
    """Move an item along the workflow (rejecting has its own endpoint, with a reason)."""
    item = services.content.transition(session, user, item_id, action)
    session.commit()
    return ContentOut.model_validate(item)
