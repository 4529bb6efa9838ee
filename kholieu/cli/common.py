"""What every command shares: the --json flag, building services, catching up the search
index, and waiting for jobs while printing their progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kholieu.config import load_settings

if TYPE_CHECKING:
    from kholieu.services import Services

JsonFlag = Annotated[bool, typer.Option("--json", help="In JSON / print one JSON object")]


def prepare(migrate: bool = True):
    """Settings, logging and services, with the database checked (and migrated) first."""
    from kholieu.db import check_database
    from kholieu.db.migrate import upgrade
    from kholieu.logs import configure_logging
    from kholieu.services import build_services

    settings = load_settings()
    configure_logging(settings)
    services = build_services(settings)
    check_database(services.engine)
    if migrate:
        upgrade(services.engine)
    return settings, services


def catch_up(services: Services) -> None:
    """Send what the outbox holds, so a search right after an import sees it."""
    from kholieu.errors import SearchUnavailable

    try:
        services.outbox.drain()
        for index in services.outbox.indices:
            services.search.refresh(index)
    except SearchUnavailable as exc:
        typer.echo(f"warning: search index not up to date: {exc.message}", err=True)


def wait_for_jobs(services: Services, job_ids: list[str]) -> None:
    """Run the jobs here until they finish (the queue may have no other worker), printing
    each one's percent done to stderr as it changes."""
    import time

    from kholieu.jobs.models import Job
    from kholieu.jobs.queue import FINISHED
    from kholieu.jobs.runner import BackgroundWork

    work = BackgroundWork(services.platform, 2)
    work.start()
    shown: dict[str, str] = {}
    try:
        while True:
            with services.sessions() as session:
                jobs = [session.get(Job, j) for j in job_ids]
            for job in jobs:
                line = (
                    f"{job.name.rsplit('.', 1)[-1]} {job.id[:8]}: {job.status} {job.progress:.0%}"
                )
                if job.error and job.status != "succeeded":
                    line += f" ({job.error})"
                if shown.get(job.id) != line:
                    shown[job.id] = line
                    typer.echo(line, err=True)
            if all(job.status in FINISHED for job in jobs):
                return
            time.sleep(0.5)
    finally:
        work.stop()
