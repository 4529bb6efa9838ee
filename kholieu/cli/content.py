"""`kholieu content …`: importing and showing learning content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kholieu.cli.common import JsonFlag, prepare, wait_for_jobs

content_app = typer.Typer(help="Học liệu / learning content.", no_args_is_help=True)


@content_app.command("import")
def content_import(
    manifest: Annotated[Path, typer.Argument(help="Tệp JSONL / manifest, one item a line")],
    as_json: JsonFlag = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Chờ xử lý xong / wait for processing jobs")
    ] = False,
) -> None:
    """Nhập học liệu / import content items from a JSON Lines manifest.

    Exit status 1 when some line was rejected (the output says which line and why).
    """
    from kholieu.content.manifest import import_manifest

    if not manifest.is_file():
        typer.echo(f"kholieu: error: {manifest} does not exist", err=True)
        raise typer.Exit(2)
    _settings, services = prepare()
    report = import_manifest(services.content, services.sessions, manifest)
    if wait and report.jobs:
        wait_for_jobs(services, report.jobs)
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        typer.echo(f"imported {report.imported}, rejected {len(report.rejected)}")
        for rejected in report.rejected:
            typer.echo(f"{manifest}:{rejected['line']}: {rejected['error']}", err=True)
    if report.rejected:
        raise typer.Exit(1)


@content_app.command("show")
def content_show(
    item_id: Annotated[int, typer.Argument(help="Mã học liệu / item id")],
    as_json: JsonFlag = False,
) -> None:
    """Xem học liệu / show an item: metadata, status, file and processing state."""
    from kholieu.content.summary import describe

    _settings, services = prepare(migrate=False)
    with services.sessions() as session:
        item = services.content.get(session, None, item_id, system=True)
        info = describe(session, item, services.content.file(session, item.id))
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, default=str))
        return
    for key, value in info.items():
        typer.echo(f"{key}: {value}")


@content_app.command("publish")
def content_publish(
    item_id: Annotated[int, typer.Argument(help="Mã học liệu / item id")],
    as_json: JsonFlag = False,
) -> None:
    """Xuất bản / publish a draft or an item in review, as the command line.

    On the web nobody approves what they wrote or submitted; a one-person deployment publishes
    its own items here (an empty lecture is refused here too).
    """
    _settings, services = prepare(migrate=False)
    with services.sessions.begin() as session:
        item = services.content.get(session, None, item_id, system=True)
        if item.status == "draft":
            services.content.transition(session, None, item_id, "submit")
        item = services.content.transition(session, None, item_id, "approve")
        status = item.status
    if as_json:
        typer.echo(json.dumps({"id": item_id, "status": status}))
    else:
        typer.echo(f"published {item_id}")
