"""A job's state for whoever started it (and for admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from kholieu.accounts.deps import SignedInDep
from kholieu.accounts.roles import ADMINS, is_in
from kholieu.errors import NotFound
from kholieu.web.deps import QueueDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["jobs"])


class JobOut(BaseModel):
    id: str
    name: str
    status: str
    attempts: int
    progress: float
    error: str | None
    payload: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None


@router.get("/jobs/{job_id}")
def get_job(job_id: str, user: SignedInDep, queue: QueueDep, session: SessionDep) -> JobOut:
    job = queue.job(session, job_id)
    if job is None or (job.started_by != user.id and not is_in(user, ADMINS)):
        raise NotFound(
            "Không có tác vụ “{job_id}”", job_id=job_id
        )  # someone else's job is not even confirmed
    return JobOut.model_validate(job, from_attributes=True)
