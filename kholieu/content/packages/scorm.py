"""SCORM runtime results: what a package reported through the injected API, normalised to one
shape for both SCORM 1.2 (cmi.core.*) and 2004 (cmi.*)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.content import policy
from kholieu.content.models import ContentItem, ScormAttempt
from kholieu.db.base import utcnow
from kholieu.errors import ValidationFailed
from kholieu.i18n import Invalid

STATUSES_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}


# The SCORM 2004 (4th edition) sizes: suspend_data 64,000 characters (1.2 allowed 4,096);
# other values are short (location 1,000, an interaction's response 4,000).
MAX_SUSPEND_DATA = 64_000
MAX_VALUE = 4_000


class ScormReport(BaseModel):
    version: Literal["1.2", "2004"]
    cmi: dict[Annotated[str, Field(max_length=255)], str] = Field(max_length=500)

    @field_validator("cmi")
    @classmethod
    def _sizes(cls, cmi: dict[str, str]) -> dict[str, str]:
        for name, value in cmi.items():
            limit = MAX_SUSPEND_DATA if name.endswith("suspend_data") else MAX_VALUE
            if len(value) > limit:
                raise Invalid("{name}: tối đa {limit} kí tự (SCORM 2004)", name=name, limit=limit)
        return cmi


def _number(value: str | None, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise ValidationFailed(
            "{field}: “{value}” không phải một số", field=field, value=value
        ) from None


def normalise(report: ScormReport) -> dict[str, Any]:
    cmi = report.cmi
    if report.version == "1.2":
        status = cmi.get("cmi.core.lesson_status", "not attempted")
        if status not in STATUSES_12:
            raise ValidationFailed(
                "cmi.core.lesson_status: “{status}” không phải trạng thái SCORM 1.2", status=status
            )
        completion = {"passed": "completed", "failed": "completed"}.get(status, status)
        success = status if status in ("passed", "failed") else None
        score = _number(cmi.get("cmi.core.score.raw"), "cmi.core.score.raw")
        score_max = _number(cmi.get("cmi.core.score.max"), "cmi.core.score.max")
    else:
        completion = cmi.get("cmi.completion_status", "unknown")
        success = cmi.get("cmi.success_status") or None
        success = None if success == "unknown" else success  # its initial value: not reported
        score = _number(cmi.get("cmi.score.raw"), "cmi.score.raw")
        score_max = _number(cmi.get("cmi.score.max"), "cmi.score.max")
        scaled = _number(cmi.get("cmi.score.scaled"), "cmi.score.scaled")
        if score is None and scaled is not None:
            score, score_max = scaled * 100, 100.0
    return {"completion": completion, "success": success, "score": score, "score_max": score_max}


def record(session: Session, user: User, item: ContentItem, report: ScormReport) -> ScormAttempt:
    values = normalise(report)
    attempt = session.scalar(
        select(ScormAttempt).where(ScormAttempt.item_id == item.id, ScormAttempt.user_id == user.id)
    )
    if attempt is None:
        attempt = ScormAttempt(item_id=item.id, user_id=user.id)
        session.add(attempt)
    attempt.version, attempt.data, attempt.updated_at = report.version, report.cmi, utcnow()
    for name, value in values.items():
        setattr(attempt, name, value)
    session.flush()  # defaults (ids, status, times) for the reply
    return attempt


# What a package finds at launch (SCORM 1.2 RTE 3.4, SCORM 2004 RTE 4.2): the learner's own
# stored state, carried over only when the previous session ended suspended (or said nothing).
RESUMED_12 = ("cmi.core.lesson_location", "cmi.suspend_data")
KEPT_12 = ("cmi.core.lesson_status", "cmi.core.score.raw", "cmi.core.score.min",
           "cmi.core.score.max")  # fmt: skip
RESUMED_2004 = ("cmi.location", "cmi.suspend_data")
KEPT_2004 = ("cmi.completion_status", "cmi.success_status", "cmi.score.scaled",
             "cmi.score.raw", "cmi.score.min", "cmi.score.max")  # fmt: skip


def learner_name(user: User) -> str:
    """SCORM's "Family, Given" form: Vietnamese names put the family name first."""
    name = " ".join((user.display_name or user.username).split())
    family, _, given = name.partition(" ")
    return f"{family}, {given}" if given else family


def launch(attempt: ScormAttempt | None, user: User, version: Literal["1.2", "2004"]) -> dict:
    """The data model a package starts from for ``user``: their stored location, suspend data,
    status and score, the learner's id and name, and ``entry`` = resume when there is
    something to resume and the last session was suspended (or gave no exit)."""
    stored = attempt.data if attempt is not None and attempt.version == version else {}
    if version == "1.2":
        resumed, kept, exit_key, entry_key = RESUMED_12, KEPT_12, "cmi.core.exit", "cmi.core.entry"
        who = {"cmi.core.student_id": user.username, "cmi.core.student_name": learner_name(user),
               "cmi.core.credit": "credit", "cmi.core.lesson_mode": "normal"}  # fmt: skip
    else:
        resumed, kept, exit_key, entry_key = RESUMED_2004, KEPT_2004, "cmi.exit", "cmi.entry"
        who = {"cmi.learner_id": user.username, "cmi.learner_name": learner_name(user),
               "cmi.credit": "credit", "cmi.mode": "normal"}  # fmt: skip
    resume = any(stored.get(k) for k in resumed) and stored.get(exit_key, "") in ("suspend", "")
    cmi = {k: stored[k] for k in kept if k in stored}
    if resume:
        cmi |= {k: stored[k] for k in resumed if k in stored}
    cmi |= who | {entry_key: "resume" if resume else "ab-initio"}
    return {"version": version, "cmi": cmi}


def result(session: Session, user: User, item: ContentItem) -> ScormAttempt | None:
    """What the package last reported for ``user``, if anything."""
    return session.scalar(
        select(ScormAttempt).where(ScormAttempt.item_id == item.id, ScormAttempt.user_id == user.id)
    )


MAX_LIST = 50  # what the student's space shows at most, whatever a caller asks


@dataclass(frozen=True)
class Lesson:
    """One of a student's SCORM lessons, for their space ("Góc học tập")."""

    item_id: int
    title: str
    completion: str
    success: str | None
    score: float | None
    score_max: float | None
    updated_at: datetime


def lessons_of(session: Session, user: User, limit: int = 10) -> list[Lesson]:
    """The student's SCORM lessons, last opened first: only items they may still see (one
    unpublished or withdrawn since is not listed)."""
    visible = policy.visible(user).subquery()
    rows = session.execute(
        select(ScormAttempt, visible.c.title)
        .join(visible, visible.c.id == ScormAttempt.item_id)
        .where(ScormAttempt.user_id == user.id)
        .order_by(ScormAttempt.updated_at.desc(), ScormAttempt.id.desc())
        .limit(max(0, min(limit, MAX_LIST)))
    )
    return [
        Lesson(a.item_id, title, a.completion, a.success, a.score, a.score_max, a.updated_at)
        for a, title in rows
    ]
