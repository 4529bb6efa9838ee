"""`kholieu serve`, `kholieu worker` and `kholieu migrate`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from kholieu.cli.common import prepare

app = typer.Typer()  # merged into the `kholieu` command by kholieu.cli


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Địa chỉ lắng nghe / bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng / port")] = None,
    workers: Annotated[
        int, typer.Option(help="Số tiến trình web / web worker processes", min=1)
    ] = 1,
) -> None:
    """Chạy ứng dụng web / run the web app (applies migrations first).

    With the embedded SQLite queue, job workers run as threads inside each web process.
    With --workers N, N processes share the port, each with its own services.
    """
    import threading

    import uvicorn

    from kholieu.app import create_app
    from kholieu.content.packages.origin import create_content_app

    settings, services = prepare()
    settings.host, settings.port = host or settings.host, port or settings.port
    web = create_app(settings, services)
    content = None
    if settings.content_port:  # uploaded packages run on this separate origin
        content = uvicorn.Server(
            uvicorn.Config(
                create_content_app(services.platform),
                host=settings.host,
                port=settings.content_port,
                log_config=None,
                lifespan="off",
            )
        )
        threading.Thread(target=content.run, name="content-origin", daemon=True).start()
    options = {
        "host": settings.host, "port": settings.port, "log_config": None,
        "proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips,
    }  # fmt: skip
    try:
        if workers > 1:  # each worker process builds the app from the same environment
            os.environ["KHOLIEU_HOST"], os.environ["KHOLIEU_PORT"] = (
                settings.host,
                str(settings.port),
            )
            uvicorn.run(
                "kholieu.app:app_from_environment", factory=True, workers=workers, **options
            )
        else:
            uvicorn.run(web, **options)
    finally:
        if content is not None:
            content.should_exit = True


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Số luồng xử lý / worker threads")] = 4,
) -> None:
    """Chạy tiến trình xử lý nền / run background job workers (production queue, e.g. Redis)."""
    from kholieu.jobs.runner import BackgroundWork

    _settings, services = prepare(migrate=False)
    BackgroundWork(services.platform, threads, in_process=False).run()


@app.command()
def migrate() -> None:
    """Cập nhật lược đồ CSDL / apply database migrations up to the latest."""
    from kholieu.db.migrate import current_revision

    _settings, services = prepare()
    typer.echo(f"database at revision {current_revision(services.engine)}")
