"""`kholieu outcomes …`: the learning-outcome (YCCĐ) catalogue: import, export, seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kholieu.cli.common import JsonFlag, prepare

outcomes_app = typer.Typer(
    help="Danh mục yêu cầu cần đạt / learning-outcome catalogue.", no_args_is_help=True
)


@outcomes_app.command("import")
def outcomes_import(
    path: Annotated[Path, typer.Argument(help="Tệp CSV hoặc JSON / a CSV or JSON file")],
    as_json: JsonFlag = False,
) -> None:
    """Nhập danh mục / import outcomes: an upsert by code, all or nothing.

    Exit status 1 when any row was rejected (each with its line and field; nothing stored).
    Codes missing from the file are kept; ``retired: true`` retires one.
    """
    from kholieu.errors import ValidationFailed
    from kholieu.outcomes import formats

    if not path.is_file():
        typer.echo(f"kholieu: error: {path} does not exist", err=True)
        raise typer.Exit(2)
    with path.open("rb") as fh:  # one byte past the limit is enough to refuse it
        data = fh.read(formats.MAX_BYTES + 1)
    _settings, services = prepare()
    try:
        with services.sessions.begin() as session:
            done = services.outcomes.import_file(session, None, data, path.name)
    except ValidationFailed as exc:
        errors = (exc.details or {}).get("errors", [])
        if as_json:
            rejected = [{"file": str(path), "line": e["line"], "field": e["field"],
                         "error": e["message"]} for e in errors]  # fmt: skip
            typer.echo(json.dumps({"imported": 0, "rejected": rejected,
                                   "error": exc.message}, ensure_ascii=False))  # fmt: skip
        else:
            typer.echo(f"{path}: {exc.message}", err=True)
            for e in errors:
                typer.echo(f"{path}:{e['line']}: {e['message']}", err=True)
        raise typer.Exit(1) from None
    report = {"imported": len(done.created) + len(done.updated), **done.as_json(), "rejected": []}
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        typer.echo(
            f"created {report['created']}, updated {report['updated']}, "
            f"unchanged {report['unchanged']}, retired {report['retired']}"
        )


@outcomes_app.command("export")
def outcomes_export(
    fmt: Annotated[str, typer.Option("--format", help="csv | json")],
    out: Annotated[Path, typer.Option(help="Tệp ra / output file")],
    subject: Annotated[str | None, typer.Option(help="Môn / subject")] = None,
    grade: Annotated[int | None, typer.Option(help="Lớp / grade")] = None,
) -> None:
    """Xuất danh mục / export outcomes (retired ones included): what `import` reads back."""
    from kholieu.curriculum import grade_number, subject_code
    from kholieu.i18n import Invalid

    if fmt not in ("csv", "json"):
        typer.echo("kholieu: error: --format takes csv or json", err=True)
        raise typer.Exit(2)
    try:
        wanted, grade = subject_code(subject), grade_number(grade)
    except Invalid as exc:
        typer.echo(f"kholieu: error: {exc}", err=True)
        raise typer.Exit(2) from None
    _settings, services = prepare(migrate=False)
    with services.sessions() as session:
        data = services.outcomes.export(session, fmt, subject=wanted, grade=grade)
        count = len(services.outcomes.listing(session, subject=wanted, grade=grade, retired=True))
    out.write_bytes(data)
    typer.echo(f"exported {count} outcomes to {out}", err=True)


@outcomes_app.command("seed")
def outcomes_seed(as_json: JsonFlag = False) -> None:
    """Nạp danh mục mẫu / load the seed catalogue (Toán, Vật lí 10–12; idempotent)."""
    _settings, services = prepare()
    with services.sessions.begin() as session:
        done = services.outcomes.seed(session)
    if as_json:
        typer.echo(json.dumps(done.as_json(), ensure_ascii=False))
    else:
        typer.echo(f"seed: created {len(done.created)}, updated {len(done.updated)}, "
                   f"unchanged {done.unchanged}")  # fmt: skip
