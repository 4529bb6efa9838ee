"""Dependency aliases: routes ask for what they need, the app factory decides what it is.

``SessionDep`` is the request's unit of work: it commits when the route returns and rolls back
when it raises (unless the error ``keeps_changes``), so routes never commit and after-commit
jobs are queued exactly when the writes hold. It is function-scoped: the commit happens before
the response is sent, so a client never sees success for writes that failed to commit.
Capabilities define their own aliases for their services with ``service(name)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kholieu.config import Settings
from kholieu.jobs.queue import JobQueue
from kholieu.platform import Platform
from kholieu.search.outbox import Outbox
from kholieu.storage import ObjectStore
from kholieu.web.errors import PageRefused


def get_platform(request: Request) -> Platform:
    return request.app.state.platform


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.platform.sessions() as session:
        try:
            yield session
        except PageRefused as refused:
            session.rollback()
            refused.respond()  # the page is drawn from what is stored, the session still open
            raise
        except BaseException as exc:
            if getattr(exc, "keeps_changes", False):
                session.commit()
            else:
                # Detach first, so the error page can still read the signed-in user: a
                # rollback would expire every loaded object, and the session closes next.
                session.expunge_all()
                session.rollback()
            raise
        session.commit()


def service(name: str) -> Any:
    """``Depends`` on one of the services the app factory built, by its name there."""

    def get(request: Request) -> Any:
        return getattr(request.app.state.services, name)

    get.__name__ = f"get_{name}"
    return Depends(get)


def _settings(request: Request) -> Settings:
    return request.app.state.platform.settings


def _store(request: Request) -> ObjectStore:
    return request.app.state.platform.store


def _queue(request: Request) -> JobQueue:
    return request.app.state.platform.queue


def _outbox(request: Request) -> Outbox:
    return request.app.state.platform.outbox


PlatformDep = Annotated[Platform, Depends(get_platform)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[ObjectStore, Depends(_store)]
QueueDep = Annotated[JobQueue, Depends(_queue)]
OutboxDep = Annotated[Outbox, Depends(_outbox)]
