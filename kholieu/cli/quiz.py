"""`kholieu quiz …`: assembling exam papers and scoring answer sheets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kholieu.cli.common import JsonFlag, prepare

quiz_app = typer.Typer(help="Đề kiểm tra / tests and exam papers.", no_args_is_help=True)


@quiz_app.command("assemble")
def quiz_assemble(
    blueprint_path: Annotated[Path, typer.Argument(help="Ma trận đề / blueprint (.yaml, .json)")],
    out: Annotated[Path, typer.Option(help="Thư mục ra / output folder")],
    versions: Annotated[
        int | None, typer.Option(help="Số mã đề / versions (default: the blueprint's)", min=1)
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Hạt giống / seed (same seed, same papers)")
    ] = None,
    school: Annotated[str, typer.Option(help="Tên trường / school (≤ 120 ký tự)")] = "",
    exam: Annotated[str, typer.Option(help="Tên kì thi / exam name (≤ 150 ký tự)")] = "",
    date: Annotated[
        str, typer.Option(help="Ngày thi / exam date (2026-03-14 hoặc 14/03/2026)")
    ] = "",
    different: Annotated[
        bool, typer.Option("--different", help="Mỗi mã đề bốc câu riêng / a draw per version")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Bốc đề và in / draw the questions and write the papers: per version a PDF and a Word
    file, the answer keys (CSV, XLSX, PDF), the answer sheet and assembly.json.

    Exit status 1, naming each matrix cell the bank cannot fill, when it cannot.
    """
    import secrets

    from kholieu.bank.exporter import image_reader
    from kholieu.quiz import assembly
    from kholieu.quiz import blueprint as blueprints
    from kholieu.quiz.printing import header, paper_set

    if not blueprint_path.is_file():
        typer.echo(f"kholieu: error: {blueprint_path} does not exist", err=True)
        raise typer.Exit(2)
    plan = blueprints.load(blueprint_path)
    heading = header.parse(school, exam, date)  # refused before anything is drawn
    _settings, services = prepare()
    unconverted: list[str] = []
    seed = seed if seed is not None else secrets.randbelow(2**31)
    with services.sessions.begin() as session:
        made = assembly.assemble(
            session, plan, seed=seed, versions=versions, same_questions=not different
        )
        bodies = paper_set.bodies_of(session, made)
        files = paper_set.write(
            out, plan, made, bodies, seed=seed, header=heading,
            read_image=image_reader(services.store), unconverted=unconverted,
        )  # fmt: skip
        label = f"{plan.title} ({out.name})"
        for question_id, version in {(i.question_id, i.version) for v in made for i in v.items}:
            services.questions.mark_used(
                session, question_id, version, "paper", f"paper:{seed}", label
            )
    report = {"versions": [v.code for v in made], "seed": seed,
              "questions": len(made[0].items), "files": [str(f) for f in files],
              "formulas_drawn_in_word": len(unconverted)}  # fmt: skip
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        typer.echo(f"{len(made)} versions ({', '.join(report['versions'])}), "
                   f"{report['questions']} questions each, seed {seed}: {out}")  # fmt: skip
        for source in dict.fromkeys(unconverted):
            typer.echo(f"note: drawn as a picture in the Word papers (not a Word equation): "
                       f"${source}$", err=True)  # fmt: skip


@quiz_app.command("score")
def quiz_score(
    folder: Annotated[Path, typer.Argument(help="Thư mục đề (assembly.json) / papers folder")],
    answers: Annotated[Path, typer.Argument(help="student,ma_de,1,2,… (CSV)")],
    as_json: JsonFlag = False,
) -> None:
    """Chấm bài quét / score a class from scanned answers (CSV: student, ma_de, 1, 2, …).

    Each row is scored against its version's key; a bad row is reported with its line and
    reason (exit status 1) and the others are still scored.
    """
    from kholieu.quiz.printing.answer_sheets import score_class

    record = folder / "assembly.json"
    for path in (record, answers):
        if not path.is_file():
            typer.echo(f"kholieu: error: {path} does not exist", err=True)
            raise typer.Exit(2)
    report = score_class(json.loads(record.read_text(encoding="utf-8")),
                         answers.read_text(encoding="utf-8-sig"))  # fmt: skip
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for row in report.scores:
            typer.echo(f"{row['student']}\t{row['ma_de']}\t{row['score_10']}")
        for bad in report.rejected:
            typer.echo(f"{answers}:{bad['line']}: {bad['error']}", err=True)
    if report.rejected:
        raise typer.Exit(1)
