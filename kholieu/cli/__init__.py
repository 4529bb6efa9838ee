"""The `kholieu` command: one module per command group. Every command has --help; errors
are one line on stderr, exit 1."""

from __future__ import annotations

import sys

import typer

from kholieu.cli import content, demo, gc, outcomes, questions, quiz, search, server, users
from kholieu.errors import KholieuError

app = typer.Typer(
    help="Kho Học Liệu — kho học liệu số dùng chung / an open learning-content repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for group in (server, search, demo, gc):
    app.registered_commands += group.app.registered_commands
app.add_typer(users.users_app, name="users")
app.add_typer(content.content_app, name="content")
app.add_typer(questions.questions_app, name="questions")
app.add_typer(quiz.quiz_app, name="quiz")
app.add_typer(outcomes.outcomes_app, name="outcomes")


def main() -> None:
    try:
        app()
    except KholieuError as exc:
        typer.echo(f"kholieu: error: {exc.message}", err=True)
        sys.exit(1)
