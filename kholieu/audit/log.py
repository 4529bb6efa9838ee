"""Writing and reading the audit log (in the caller's transaction, so the entry exists exactly
when the change does)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
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


@dataclass(frozen=True)
class Line:
    """One entry of a history as a page shows it: with the actor's name."""

    created_at: datetime
    action: str
    actor: str  # the display name, else the username; "" for the command line
    detail: dict[str, Any]


def named_history(session: Session, target: str) -> list[Line]:
    rows = session.execute(
        select(AuditEntry, User.display_name, User.username)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.target == target)
        .order_by(AuditEntry.id)
    ).all()
    return [
        Line(entry.created_at, entry.action, (name or username or "").strip(), entry.detail)
        for entry, name, username in rows
    ]


def actors_since(
    session: Session, target: str, actions: Iterable[str], *, after: str
) -> set[int | None]:
    """Who did one of ``actions`` to ``target`` since its last ``after`` entry (ever, if none)."""
    last = session.scalar(
        select(func.max(AuditEntry.id)).where(
            AuditEntry.target == target, AuditEntry.action == after
        )
    )
    query = select(AuditEntry.actor_id).where(
        AuditEntry.target == target, AuditEntry.action.in_(list(actions))
    )
    if last is not None:
        query = query.where(AuditEntry.id > last)
    return set(session.scalars(query))
