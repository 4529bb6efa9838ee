"""`kholieu users …`: accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kholieu.cli.common import prepare

users_app = typer.Typer(help="Quản lý tài khoản / manage accounts.", no_args_is_help=True)


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
    _settings, services = prepare()
    with services.sessions.begin() as session:
        user = services.accounts.create_user(session, username, password, role, display_name)
        typer.echo(f"created {user.username} ({user.role}), id {user.id}")
