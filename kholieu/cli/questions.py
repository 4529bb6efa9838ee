"""`kholieu questions …`: importing and exporting the question bank."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kholieu.cli.common import JsonFlag, prepare

questions_app = typer.Typer(help="Ngân hàng câu hỏi / question bank.", no_args_is_help=True)


@questions_app.command("import")
def questions_import(
    paths: Annotated[list[Path], typer.Argument(help="Tệp câu hỏi / question files")],
    as_json: JsonFlag = False,
    subject: Annotated[str | None, typer.Option(help="Môn mặc định / default subject")] = None,
    grade: Annotated[int | None, typer.Option(help="Lớp mặc định / default grade")] = None,
    topic: Annotated[str | None, typer.Option(help="Chủ đề mặc định / default topic")] = None,
    on_duplicate: Annotated[
        str, typer.Option(help="skip | link | keep: câu trùng / near duplicates")
    ] = "skip",
    status: Annotated[
        str, typer.Option(help="draft | ready: trạng thái mặc định / default status")
    ] = "draft",
) -> None:
    """Nhập câu hỏi / import questions (.jsonl .gift .txt .xml .zip .csv .xlsx .docx).

    Each question is imported whole or reported with its file, line and reason; exit status 1
    when any was rejected. A text file's content decides its format where the extension does
    not (a .txt is GIFT or Aiken), and its encoding is detected (UTF-8, UTF-16 with a BOM,
    Windows-1258); the report says which were read. Progress goes to stderr.
    """
    import click

    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        typer.echo(f"kholieu: error: {', '.join(missing)} does not exist", err=True)
        raise typer.Exit(2)
    if on_duplicate not in ("skip", "link", "keep") or status not in ("draft", "ready"):
        typer.echo(
            "kholieu: error: --on-duplicate takes skip, link or keep; --status draft or ready",
            err=True,
        )
        raise typer.Exit(2)
    _settings, services = prepare()
    defaults = {"subject": subject, "grade": grade, "topic": topic, "status": status}
    with click.progressbar(length=100, label="importing", file=sys.stderr) as bar:
        last = [0]

        def progress(share: float) -> None:
            bar.update(int(share * 100) - last[0])
            last[0] = int(share * 100)

        report = services.importer.run(
            paths, defaults=defaults, on_duplicate=on_duplicate, progress=progress
        )
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.by_type.items()))
        typer.echo(
            f"imported {report.imported}" + (f" ({kinds})" if kinds else "")
            + f", duplicates {len(report.duplicates)}, rejected {len(report.rejected)}"
            + (f", without a key (drafts) {report.no_key}" if report.no_key else "")
        )  # fmt: skip
        for name, read_as in report.formats.items():
            encoding = f", {read_as['encoding']}" if read_as["encoding"] else ""
            typer.echo(f"{name}: {read_as['format']}{encoding}", err=True)
        for dup in report.duplicates:  # the command line sees the whole bank: ids throughout
            same = dup.get("note") or f"question {dup['question']}"
            typer.echo(f"{dup['file']}:{dup['line']}: duplicate of {same}", err=True)
        for rejected in report.rejected:
            typer.echo(f"{rejected['file']}:{rejected['line']}: {rejected['error']}", err=True)
        for warned in report.warnings:
            typer.echo(f"{warned['file']}:{warned['line']}: warning: {warned['warning']}", err=True)
    if report.rejected:
        raise typer.Exit(1)


@questions_app.command("export")
def questions_export(
    fmt: Annotated[
        str,
        typer.Option("--format", help="jsonl | gift | aiken | moodle | qti | docx | xlsx | csv"),
    ],
    out: Annotated[Path, typer.Option(help="Tệp ra / output file")],
    subject: Annotated[str | None, typer.Option(help="Môn / subject")] = None,
    grade: Annotated[int | None, typer.Option(help="Lớp / grade")] = None,
    topic: Annotated[str | None, typer.Option(help="Chủ đề / topic")] = None,
    level: Annotated[str | None, typer.Option(help="Mức độ / level")] = None,
    qtype: Annotated[str | None, typer.Option("--type", help="Dạng câu hỏi / type")] = None,
    status: Annotated[str | None, typer.Option(help="draft | ready | retired")] = None,
    tag: Annotated[str | None, typer.Option(help="Từ khoá / tag")] = None,
    yccd: Annotated[
        str | None, typer.Option(help="Mã YCCĐ / learning outcome code, e.g. TOAN.10.HS.01")
    ] = None,
) -> None:
    """Xuất câu hỏi / export questions chosen by the filters."""
    from kholieu.bank.exporter import Filters, export
    from kholieu.bank.formats import FormatError, writer_for
    from kholieu.bank.policy import visible

    try:
        writer_for(fmt)
    except FormatError as exc:
        typer.echo(f"kholieu: error: {exc}", err=True)
        raise typer.Exit(2) from None
    _settings, services = prepare(migrate=False)
    code = yccd.strip().upper() if yccd else None
    filters = Filters(subject, grade, topic, level, qtype, status, tag, yccd=code or None)
    with services.sessions() as session:
        count, skipped = export(
            session, services.store, visible(None, system=True), fmt, out, filters
        )
    for note in skipped:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"exported {count} questions to {out}", err=True)
