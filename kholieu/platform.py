"""The shared machinery every capability stands on: settings, database, store, search, queue.

Built once from Settings by ``build_platform``; capabilities receive it (or the parts they use)
and never import each other's services to reach it. Nothing here knows any capability.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kholieu.config import Settings
from kholieu.db import make_engine, make_sessionmaker
from kholieu.gc import Sweeper
from kholieu.jobs.queue import JobQueue
from kholieu.search.backend import SearchBackend, make_search_backend
from kholieu.search.outbox import Outbox, outbox_retry
from kholieu.storage import ObjectStore, make_store


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    search: SearchBackend
    outbox: Outbox
    queue: JobQueue
    sweeper: Sweeper  # capabilities add what they own while registering (kholieu.gc)

    def close(self) -> None:
        self.engine.dispose()


def build_platform(settings: Settings, *, search: SearchBackend | None = None) -> Platform:
    # every request in flight and every job thread holds at most one connection; two more for
    # the search outbox and the health check
    pool = settings.requests_in_flight + settings.workers_in_process + 2
    engine = make_engine(
        settings.database_url, pool_size=pool,
        statement_timeout_s=settings.database_statement_timeout_s,
        idle_in_transaction_timeout_s=settings.database_idle_in_transaction_timeout_s,
        busy_timeout_s=settings.database_busy_timeout_s,
    )  # fmt: skip
    sessions = make_sessionmaker(engine)
    search = search or make_search_backend(settings.search_url, settings)
    store = make_store(settings)
    platform = Platform(
        settings=settings,
        engine=engine,
        sessions=sessions,
        store=store,
        search=search,
        outbox=Outbox(sessions, search, batch=settings.outbox_batch, retry=outbox_retry(settings)),
        queue=JobQueue(settings, sessions),
        sweeper=Sweeper(store, sessions, settings.data_dir / "tmp"),
    )
    platform.queue.bind(platform)
    return platform
