"""`kholieu demo`: the demo catalogue for a laptop."""

from __future__ import annotations

import typer

from kholieu.cli.common import catch_up, prepare, wait_for_jobs
from kholieu.errors import KholieuError

app = typer.Typer()  # merged into the `kholieu` command by kholieu.cli


@app.command()
def demo() -> None:
    """Nạp dữ liệu mẫu / load the demo catalogue (idempotent; development mode only).

    One account per role (password 'kholieu-demo') and a few published items of each kind:
    an article, a PDF worksheet, an HTML5 lab, a SCORM 1.2 package and a short TV lesson that
    ffmpeg generates and the video pipeline transcodes while this command waits.
    """
    from kholieu.cli.demo_data import PASSWORD, USERS, load_demo, load_demo_video
    from kholieu.cli.demo_textbooks import load_demo_textbooks
    from kholieu.video.media import MediaToolsMissing

    settings, services = prepare()
    if not settings.is_development:
        raise KholieuError("Dữ liệu mẫu (với mật khẩu công khai) chỉ được nạp ở chế độ phát triển")
    for line in load_demo(services):
        typer.echo(f"created {line}", err=True)
    lines, reading = load_demo_textbooks(services)
    for line in lines:
        typer.echo(f"created {line}; reading its pages", err=True)
    if reading:
        wait_for_jobs(services, reading)
    try:
        video = load_demo_video(services)
    except MediaToolsMissing as exc:
        typer.echo(f"warning: no demo video: {exc.message}", err=True)
        video = None
    if video is not None:
        line, job = video
        typer.echo(f"created {line}; transcoding it", err=True)
        if job:
            wait_for_jobs(services, [job])
    catch_up(services)
    typer.echo("demo accounts: " + ", ".join(u for u, _, _ in USERS) + f" / password {PASSWORD}")
