"""The `kholieu` command. Every command has --help; errors are one line on stderr, exit 1."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kholieu.config import load_settings
from kholieu.errors import KholieuError

if TYPE_CHECKING:
    from kholieu.services import Services

JsonFlag = Annotated[bool, typer.Option("--json", help="In JSON / print one JSON object")]

app = typer.Typer(
    help="Kho Học Liệu — kho học liệu số dùng chung / an open learning-content repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Quản lý tài khoản / manage accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
content_app = typer.Typer(help="Học liệu / learning content.", no_args_is_help=True)
app.add_typer(content_app, name="content")
questions_app = typer.Typer(help="Ngân hàng câu hỏi / question bank.", no_args_is_help=True)
app.add_typer(questions_app, name="questions")
quiz_app = typer.Typer(help="Đề kiểm tra / tests and exam papers.", no_args_is_help=True)
app.add_typer(quiz_app, name="quiz")


def _prepare(migrate: bool = True):
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
    from kholieu.content.origin import create_content_app

    settings, services = _prepare()
    settings.host, settings.port = host or settings.host, port or settings.port
    web = create_app(settings, services)
    content = None
    if settings.content_port:  # uploaded packages run on this separate origin
        content = uvicorn.Server(
            uvicorn.Config(
                create_content_app(services),
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

    _settings, services = _prepare(migrate=False)
    BackgroundWork(services, threads, in_process=False).run()


@app.command()
def migrate() -> None:
    """Cập nhật lược đồ CSDL / apply database migrations up to the latest."""
    from kholieu.db.migrate import current_revision

    _settings, services = _prepare()
    typer.echo(f"database at revision {current_revision(services.engine)}")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập / username")],
    role: Annotated[str, typer.Option(help="student | teacher | editor | admin")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ stdin / read password")
    ] = False,
    display_name: Annotated[str, typer.Option(help="Tên hiển thị / display name")] = "",
) -> None:
    """Tạo tài khoản / create an account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)
    _settings, services = _prepare()
    with services.sessions.begin() as session:
        user = services.accounts.create_user(session, username, password, role, display_name)
        typer.echo(f"created {user.username} ({user.role}), id {user.id}")


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
    _settings, services = _prepare()
    report = import_manifest(services, manifest)
    if wait and report.jobs:
        _wait_for_jobs(services, report.jobs)
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
    from kholieu.content.views import describe

    _settings, services = _prepare(migrate=False)
    with services.sessions() as session:
        item = services.content.get(session, None, item_id, system=True)
        info = describe(session, item, services.content.file(session, item.id))
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, default=str))
        return
    for key, value in info.items():
        typer.echo(f"{key}: {value}")


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
    when any was rejected. Progress goes to stderr.
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
    _settings, services = _prepare()
    records = []
    for path in paths:
        typer.echo(f"reading {path}", err=True)
        records.extend(services.importer.read(path))
    defaults = {"subject": subject, "grade": grade, "topic": topic, "status": status}
    with click.progressbar(
        length=len(records), label="importing", file=sys.stderr, show_pos=True
    ) as bar:
        last = [0]

        def progress(done: int, total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        report = services.importer.run_records(
            records,
            defaults=defaults,
            on_duplicate=on_duplicate,
            progress=progress,  # type: ignore[arg-type]
        )
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        typer.echo(
            f"imported {report.imported}, duplicates {len(report.duplicates)}, "
            f"rejected {len(report.rejected)}"
        )
        for dup in report.duplicates:
            typer.echo(
                f"{dup['file']}:{dup['line']}: duplicate of question {dup['question']}", err=True
            )
        for rejected in report.rejected:
            typer.echo(f"{rejected['file']}:{rejected['line']}: {rejected['error']}", err=True)
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
) -> None:
    """Xuất câu hỏi / export questions chosen by the filters."""
    from kholieu.quiz.exporter import Filters, export
    from kholieu.quiz.formats import FormatError, writer_for
    from kholieu.quiz.service import visible

    try:
        writer_for(fmt)
    except FormatError as exc:
        typer.echo(f"kholieu: error: {exc}", err=True)
        raise typer.Exit(2) from None
    _settings, services = _prepare(migrate=False)
    filters = Filters(subject, grade, topic, level, qtype, status, tag)
    with services.sessions() as session:
        count, skipped = export(
            session, services.store, visible(None, system=True), fmt, out, filters
        )
    for note in skipped:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"exported {count} questions to {out}", err=True)


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
    school: Annotated[str, typer.Option(help="Tên trường / school")] = "TRƯỜNG ………………………",
    exam: Annotated[str, typer.Option(help="Tên kì thi / exam name")] = "",
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

    from kholieu.quiz import assembly, paper_set, papers
    from kholieu.quiz import blueprint as blueprints
    from kholieu.quiz.exporter import image_reader

    if not blueprint_path.is_file():
        typer.echo(f"kholieu: error: {blueprint_path} does not exist", err=True)
        raise typer.Exit(2)
    plan = blueprints.load(blueprint_path)
    _settings, services = _prepare()
    seed = seed if seed is not None else secrets.randbelow(2**31)
    with services.sessions.begin() as session:
        made = assembly.assemble(
            session, plan, seed=seed, versions=versions, same_questions=not different
        )
        bodies = paper_set.bodies_of(session, made)
        files = paper_set.write(
            out, plan, made, bodies, seed=seed, header=papers.Header(school, exam),
            read_image=image_reader(services.store),
        )  # fmt: skip
        label = f"{plan.title} ({out.name})"
        for question_id in {i.question_id for v in made for i in v.items}:
            question = services.questions.get(session, None, question_id, system=True)
            services.questions.mark_used(session, question, "paper", f"paper:{seed}", label)
    report = {"versions": [v.code for v in made], "seed": seed,
              "questions": len(made[0].items), "files": [str(f) for f in files]}  # fmt: skip
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        typer.echo(f"{len(made)} versions ({', '.join(report['versions'])}), "
                   f"{report['questions']} questions each, seed {seed}: {out}")  # fmt: skip


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
    from kholieu.quiz.answer_sheets import score_class

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


def _catch_up(services: Services) -> None:
    """Send what the outbox holds, so a search right after an import sees it."""
    from kholieu.errors import SearchUnavailable

    try:
        services.outbox.drain()
        for index in services.outbox.indices:
            services.search.refresh(index)
    except SearchUnavailable as exc:
        typer.echo(f"warning: search index not up to date: {exc.message}", err=True)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Từ khoá / what to look for", metavar="QUERY")],
    index: Annotated[str, typer.Option(help="content | questions")] = "content",
    subject: Annotated[str | None, typer.Option(help="Môn / subject")] = None,
    grade: Annotated[int | None, typer.Option(help="Lớp / grade")] = None,
    kind: Annotated[str | None, typer.Option(help="Loại / kind (or question type)")] = None,
    level: Annotated[str | None, typer.Option(help="Mức độ / level (questions)")] = None,
    series: Annotated[str | None, typer.Option(help="Bộ sách / textbook series")] = None,
    sort: Annotated[str, typer.Option(help="relevance | newest | popular")] = "relevance",
    limit: Annotated[int, typer.Option(help="Số kết quả / results per page")] = 10,
    page: Annotated[int, typer.Option(help="Trang / page")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Tìm kiếm / search content or questions as an editor sees them (drafts included)."""
    from kholieu.errors import ValidationFailed
    from kholieu.search.query import SearchRequest

    wanted = {"subject": subject, "grade": grade, "kind": kind, "level": level, "series": series}
    filters = {name: [str(value)] for name, value in wanted.items() if value is not None}
    request = SearchRequest(
        index=index,
        text=text,
        filters=filters,
        sort=sort,
        page=page,
        size=limit,  # type: ignore[arg-type]
    )
    _settings, services = _prepare(migrate=False)
    try:
        from kholieu.search.service import check

        check(request)
    except ValidationFailed as exc:
        typer.echo(f"kholieu: error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    _catch_up(services)
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
        str | None, typer.Option(help="content | questions (mặc định: cả hai / default: both)")
    ] = None,
) -> None:
    """Dựng lại chỉ mục tìm kiếm / rebuild search indices from the database.

    The new index replaces the old one atomically; changes made meanwhile are replayed.
    """
    import click

    _settings, services = _prepare()
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
    _catch_up(services)


def _wait_for_jobs(services: Services, job_ids: list[str]) -> None:
    """Run the jobs here until they finish (the queue may have no other worker), printing
    each one's percent done to stderr as it changes."""
    import time

    from kholieu.jobs.models import Job
    from kholieu.jobs.queue import FINISHED
    from kholieu.jobs.runner import BackgroundWork

    work = BackgroundWork(services, 2)
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


@app.command()
def demo() -> None:
    """Nạp dữ liệu mẫu / load the demo catalogue (idempotent; development mode only).

    One account per role (password 'kholieu-demo') and a few published items of each kind:
    an article, a PDF worksheet, an HTML5 lab, a SCORM 1.2 package and a short TV lesson that
    ffmpeg generates and the video pipeline transcodes while this command waits.
    """
    from kholieu.content.media import MediaToolsMissing
    from kholieu.demo.catalogue import PASSWORD, USERS, load_demo, load_demo_video

    settings, services = _prepare()
    if not settings.is_development:
        raise KholieuError("demo data (with a public password) is only loaded in development")
    for line in load_demo(services):
        typer.echo(f"created {line}", err=True)
    try:
        video = load_demo_video(services)
    except MediaToolsMissing as exc:
        typer.echo(f"warning: no demo video: {exc.message}", err=True)
        video = None
    if video is not None:
        line, job = video
        typer.echo(f"created {line}; transcoding it", err=True)
        if job:
            _wait_for_jobs(services, [job])
    _catch_up(services)
    typer.echo("demo accounts: " + ", ".join(u for u, _, _ in USERS) + f" / password {PASSWORD}")


def main() -> None:
    try:
        app()
    except KholieuError as exc:
        typer.echo(f"kholieu: error: {exc.message}", err=True)
        sys.exit(1)
