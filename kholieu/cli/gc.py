"""`kholieu gc`: the sweeper by hand (kholieu/gc.py), a dry run unless --apply."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer

from kholieu.cli.common import JsonFlag, prepare

app = typer.Typer()  # merged into the `kholieu` command by kholieu.cli
SHOWN = 20  # names printed per kind without --json (the JSON has them all)


@app.command()
def gc(
    apply: Annotated[
        bool, typer.Option("--apply", help="Xoá thật / remove (otherwise only say what would go)")
    ] = False,
    older_than: Annotated[
        float | None,
        typer.Option(
            "--older-than",
            metavar="HOURS",
            help="Chỉ thứ cũ hơn / only what is older than this many hours "
            "(default KHOLIEU_GC_OLDER_THAN_S, a day)",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Dọn rác / sweep what kills and failures left: temporary files, objects no row names,
    abandoned uploads, failed imports' files. Keys nobody owns are listed, never removed."""
    from kholieu.storage.sweep import KINDS

    if older_than is not None and older_than < 0:
        typer.echo("kholieu: error: --older-than must be 0 or more hours", err=True)
        raise typer.Exit(2)
    settings, services = prepare()
    grace = (
        timedelta(hours=older_than)
        if older_than is not None
        else timedelta(seconds=settings.gc_older_than_s)
    )
    try:
        typer.echo("đang dọn / sweeping…" if apply else "đang xem / looking…", err=True)
        report = services.platform.sweeper.sweep(older_than=grace, apply=apply)
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
        return
    if apply:
        typer.echo("Đã xoá / removed:")
    else:
        typer.echo("Chạy thử, chưa xoá gì / dry run, nothing removed (--apply removes):")
    for kind, label in KINDS.items():
        tally = report.kinds[kind]
        typer.echo(f"  {label}: {tally.count} ({_size(tally.bytes)})")
        for name in tally.names[:SHOWN]:
            typer.echo(f"      {name}")
        if tally.count > SHOWN:
            typer.echo(f"      … +{tally.count - SHOWN}")
    total = report.removed
    typer.echo(f"  tổng / total: {total.count} ({_size(total.bytes)})")


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"
