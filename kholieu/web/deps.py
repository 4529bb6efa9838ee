"""Dependency aliases: routes ask for what they need, the app factory decides what it is.

``SessionDep`` is the request's unit of work: it commits when the route returns and rolls back
when it raises (unless the error ``keeps_changes``), so routes never commit and after-commit
jobs are queued exactly when the writes hold. It is function-scoped: the commit happens before
the response is sent, so a client never sees success for writes that failed to commit. The
commit runs in threads of its own (``ENDING_THREADS``), never behind the routes.
Capabilities define their own aliases for their services with ``service(name)``.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kholieu.config import Settings
from kholieu.db.session import untouched
from kholieu.jobs.queue import JobQueue
from kholieu.platform import Platform
from kholieu.search.outbox import Outbox
from kholieu.storage import ObjectStore
from kholieu.web.errors import PageRefused


async def get_platform(request: Request) -> Platform:
    return request.app.state.platform


# Ending a request's session (commit, rollback, close) runs in worker threads of its own: in
# the shared pool it would queue behind routes that wait for a database connection or a row
# lock, while the connection or lock they wait for is released only by that ending; a burst
# of requests (200 autosaves at once) then stalls every one of them for the pool's timeout.
ENDING_THREADS = 40


def _ending(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    if getattr(state, "session_ending", None) is None:
        state.session_ending = anyio.CapacityLimiter(ENDING_THREADS)
    return state.session_ending


async def get_session(request: Request) -> AsyncIterator[Session]:
    session = request.app.state.platform.sessions()  # no connection until the first query
    limiter = _ending(request)

    async def end(step: Callable[[], object], *, draws: bool = False) -> None:
        """``step``, then the session closes, in one trip to an ending thread; here at once
        when the request never used the database (a visitor's search, /healthz) and the
        step draws no page (which reads it)."""
        if not draws and untouched(session):
            session.close()  # nothing to commit or roll back
            return
        with anyio.CancelScope(shield=True):  # a client that went away still gets a rollback
            await anyio.to_thread.run_sync(_then_close, session, step, limiter=limiter)

    try:
        yield session
    except PageRefused as refused:
        # the page is drawn from what is stored, the session still open
        await end(functools.partial(_redraw, session, refused), draws=True)
        raise
    except BaseException as exc:
        if getattr(exc, "keeps_changes", False):
            await end(session.commit)
        else:
            await end(functools.partial(_discard, session))
        raise
    await end(session.commit)


def _then_close(session: Session, step: Callable[[], object]) -> None:
    try:
        step()
    finally:
        session.close()


def _redraw(session: Session, refused: PageRefused) -> None:
    session.rollback()
    refused.respond()


def _discard(session: Session) -> None:
    # Detach first, so the error page can still read the signed-in user: a rollback would
    # expire every loaded object, and the session closes next.
    session.expunge_all()
    session.rollback()


def service(name: str) -> Any:
    """``Depends`` on one of the services the app factory built, by its name there."""

    async def get(request: Request) -> Any:  # async: no trip to a worker thread for a getattr
        return getattr(request.app.state.services, name)

    get.__name__ = f"get_{name}"
    return Depends(get)


async def _settings(request: Request) -> Settings:
    return request.app.state.platform.settings


async def _store(request: Request) -> ObjectStore:
    return request.app.state.platform.store


async def _queue(request: Request) -> JobQueue:
    return request.app.state.platform.queue


async def _outbox(request: Request) -> Outbox:
    return request.app.state.platform.outbox


PlatformDep = Annotated[Platform, Depends(get_platform)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[ObjectStore, Depends(_store)]
QueueDep = Annotated[JobQueue, Depends(_queue)]
OutboxDep = Annotated[Outbox, Depends(_outbox)]
