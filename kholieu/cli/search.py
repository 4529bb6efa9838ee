"""`kholieu search` and `kholieu reindex`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from kholieu.cli.common import JsonFlag, catch_up, prepare

app = typer.Typer()  # merged into the `kholieu` command by kholieu.cli


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Từ khoá / what to look for", metavar="QUERY")],
    index: Annotated[str, typer.Option(help="content | questions | pages")] = "content",
    subject: Annotated[str | None, typer.Option(help="Môn / subject")] = None,
    grade: Annotated[int | None, typer.Option(help="Lớp / grade")] = None,
    kind: Annotated[str | None, typer.Option(help="Loại / kind (or question type)")] = None,
    level: Annotated[str | None, typer.Option(help="Mức độ / level (questions)")] = None,
    series: Annotated[str | None, typer.Option(help="Bộ sách / textbook series")] = None,
    outcome: Annotated[
        str | None, typer.Option(help="Mã YCCĐ / learning outcome code, e.g. TOAN.10.HS.01")
    ] = None,
    sort: Annotated[str, typer.Option(help="relevance | newest | popular")] = "relevance",
    limit: Annotated[int, typer.Option(help="Số kết quả / results per page")] = 10,
    page: Annotated[int, typer.Option(help="Trang / page")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Tìm kiếm / search content or questions as an editor sees them (drafts included)."""
    from kholieu.errors import ValidationFailed
    from kholieu.search.query import SearchRequest

    wanted = {"subject": subject, "grade": grade, "kind": kind, "level": level, "series": series,
              "outcome": outcome}  # fmt: skip
    filters = {name: [str(value)] for name, value in wanted.items() if value is not None}
    request = SearchRequest(
        index=index,
        text=text,
        filters=filters,
        sort=sort,
        page=page,
        size=limit,  # type: ignore[arg-type]
    )
    _settings, services = prepare(migrate=False)
    try:
        from kholieu.search.service import check

        check(request)
    except ValidationFailed as exc:
        typer.echo(f"kholieu: error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    catch_up(services)
    result = services.searching.search(None, request, system=True)
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    if result.fuzzy:
        typer.echo("(không khớp chính xác; kết quả gần đúng / no exact match; close matches)")
    typer.echo(f"{result.total} kết quả / results")
    for hit in result.hits:
        typer.echo(f"{hit.id:>7}  {hit.kind:<18} {hit.title}")


@app.command()
def reindex(
    index: Annotated[
        str | None, typer.Option(help="content | questions | pages (mặc định: tất cả / all)")
    ] = None,
) -> None:
    """Dựng lại chỉ mục tìm kiếm / rebuild search indices from the database.

    The new index replaces the old one atomically; changes made meanwhile are replayed.
    """
    import click

    _settings, services = prepare()
    names = [index] if index else services.outbox.indices
    for name in names:
        if name not in services.outbox.indices:
            typer.echo(f"kholieu: error: --index {name!r}: expected content or questions", err=True)
            raise typer.Exit(2)
    for name in names:
        with click.progressbar(length=1, label=name, file=sys.stderr, show_pos=True) as bar:

            def progress(done: int, total: int, bar=bar) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            written = services.searching.reindex(name, progress)  # type: ignore[arg-type]
        typer.echo(f"{name}: {written} documents")
    catch_up(services)
