"""Writing and reading the audit log (in the caller's transaction, so the entry exists exactly
when the change does)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.audit.models import AuditEntry


def record(
    session: Session, actor: User | None, action: str, target: str, **detail: Any
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.id if actor else None, action=action, target=target, detail=detail
    )
    session.add(entry)
    return entry


def history(session: Session, target: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.target == target).order_by(AuditEntry.id)
        )
    )
