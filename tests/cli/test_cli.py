"""The `kholieu` command as users run it: a real process, real exit codes and output."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from kholieu.db.migrate import head_revision
from tests.conftest import run_kholieu

COMMANDS = [
    [],
    ["serve"],
    ["worker"],
    ["migrate"],
    ["demo"],
    ["users"],
    ["users", "create"],
    ["content"],
    ["content", "import"],
    ["content", "show"],
    ["content", "publish"],
]


@pytest.fixture
def run(tmp_path, database_url, services):
    """Run `kholieu ...` against this test's database (tables emptied around the test)."""
    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": database_url,
           "KHOLIEU_LOG_FORMAT": "json"}  # fmt: skip

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_kholieu(*args, env=env, stdin=stdin)

    return run


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kholieu")
def test_every_command_has_help(command):
    result = run_kholieu(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "/" in result.stdout  # Vietnamese / English


def test_users_create_from_stdin(run, services):
    result = run(
        "users",
        "create",
        "co.lan",
        "--role",
        "teacher",
        "--password-stdin",
        "--display-name",
        "Cô Lan",
        stdin="mat-khau-moi\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created co.lan (teacher)")
    with services.sessions() as session:
        assert services.accounts.authenticate(session, "co.lan", "mat-khau-moi").display_name == (
            "Cô Lan"
        )


def test_users_create_reports_bad_input_in_one_line(run):
    good = "hoa-phuong-do-12\n"
    run("users", "create", "hs1", "--role", "student", "--password-stdin", stdin=good)
    again = run("users", "create", "hs1", "--role", "student", "--password-stdin", stdin=good)
    assert again.returncode == 1
    assert (
        again.stderr.strip().splitlines()[-1]
        == "kholieu: error: Tên đăng nhập “hs1” đã có người dùng"
    )
    bad_role = run("users", "create", "hs2", "--role", "boss", "--password-stdin", stdin=good)
    assert bad_role.returncode == 1 and "Vai trò: “boss” không phải một trong" in bad_role.stderr
    for weak, why in [("12345678\n", "cần ít nhất 12 kí tự"),
                      ("password1234\n", "quá phổ biến"), ("!!Password2024\n", "quá phổ biến"),
                      ("hs3-hs3-hs3-hs3\n", "không được chứa tên đăng nhập")]:  # fmt: skip
        refused = run("users", "create", "hs3", "--role", "student", "--password-stdin",
                      stdin=weak)  # fmt: skip
        assert refused.returncode == 1 and f"Mật khẩu: {why}" in refused.stderr, refused.stderr


def test_demo_is_idempotent(run, services):
    from sqlalchemy import select

    from kholieu.bank.models import Question
    from kholieu.content.models import ContentFile, ContentItem

    first = run("demo")
    assert first.returncode == 0, first.stderr
    with services.sessions() as session:
        items = session.execute(select(ContentItem.kind, ContentItem.status)).all()
        files = session.execute(select(ContentFile.mime, ContentFile.package)).all()
        video = session.scalar(select(ContentFile).where(ContentFile.mime == "video/mp4"))
    assert sorted(kind for kind, _ in items) == [
        "document", "lab", "lecture", "lecture", "textbook", "textbook", "video",
    ]  # fmt: skip
    assert {status for _, status in items} == {"published"}
    assert sorted(mime for mime, _ in files) == [
        "application/pdf",
        "application/pdf",
        "application/pdf",
        "application/zip",
        "application/zip",
        "video/mp4",
    ]
    assert {p["standard"] for _, p in files if p} == {"html", "scorm12"}
    # The generated TV lesson went through the pipeline while the command waited.
    assert [r["name"] for r in video.hls["renditions"]] == ["240p", "360p", "480p", "720p", "audio"]
    assert "transcode_video" in first.stderr and "succeeded 100%" in first.stderr
    # Both demo textbooks were read while the command waited: 40 pages, an outline each.
    from kholieu.textbooks.models import Textbook, TextbookSection

    with services.sessions() as session:
        books = session.scalars(select(Textbook)).all()
        chapters = session.scalars(select(TextbookSection.title).where(
            TextbookSection.parent_id.is_(None))).all()  # fmt: skip
    assert [book.page_count for book in books] == [40, 40] and len(chapters) == 8
    with services.sessions() as session:
        bank = session.execute(select(Question.type, Question.status, Question.subject)).all()
    assert len(bank) == 567 and {status for _, status, _ in bank} == {"ready"}
    assert {kind for kind, _, _ in bank} == {
        "single_choice",
        "multiple_response",
        "true_false_group",
        "short_answer",
        "essay",
    }
    assert len({subject for _, _, subject in bank}) >= 6
    assert "567 questions in the bank" in first.stderr  # 300 of many subjects, 267 for the presets
    second = run("demo")
    assert second.returncode == 0 and "giaovien" in second.stdout
    assert "created" not in second.stderr
    with services.sessions() as session:
        assert len(session.execute(select(ContentItem.id)).all()) == 7
        assert len(session.execute(select(Question.id)).all()) == 567
        user = services.accounts.authenticate(session, "giaovien", "kholieu-demo")
        assert user is not None and user.role == "teacher"


def test_migrate_reports_the_revision(run):
    result = run("migrate")
    expected = f"database at revision {head_revision()}"
    assert result.returncode == 0 and result.stdout.strip() == expected


def test_content_import_waits_for_a_video_and_its_captions(run, tmp_path, videos):
    import shutil

    shutil.copy(videos["240p"], tmp_path / "bai-1.mp4")
    (tmp_path / "bai-1.vi.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\nPhân số\n")
    video = {"title": "Bài 1", "kind": "video", "subject": "toan", "grade": 6, "file": "bai-1.mp4"}
    manifest = tmp_path / "videos.jsonl"
    manifest.write_text(
        json.dumps({**video, "captions": {"vi": "bai-1.vi.srt"}}) + "\n"
        + json.dumps({**video, "captions": {"en": "khong-co.srt"}}) + "\n"
    )  # fmt: skip
    result = run("content", "import", str(manifest), "--json", "--wait")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["rejected"] == [
        {"line": 2, "error": "captions.en: khong-co.srt does not exist next to the manifest"}
    ]
    # Progress is printed as it changes; a fast transcode may finish between two looks, so
    # only the last line is sure to be there.
    assert re.search(r"transcode_video [0-9a-f]{8}: succeeded 100%", result.stderr)
    shown = json.loads(run("content", "show", str(report["ids"][0]), "--json").stdout)
    assert shown["captions"] == {"vi": 1}
    assert shown["file"]["media"]["height"] == 240
    assert [r["name"] for r in shown["file"]["hls"]["renditions"]] == ["240p", "audio"]
    assert shown["file"]["processing"]["status"] == "succeeded"


def test_content_publish_is_the_one_person_deployment_s_approval(run, services):
    """On the web nobody approves their own submission; the command line publishes (a draft
    or an item in review), and refuses an empty lecture as the web does."""
    from kholieu.content.schemas import ContentIn

    fields = {"kind": "lecture", "title": "Bài giảng", "subject": "toan", "grade": 9}
    with services.sessions.begin() as session:
        written = services.content.create(session, None, ContentIn(**fields, body="$x^2$")).id
        empty = services.content.create(session, None, ContentIn(**fields)).id
    result = run("content", "publish", str(written), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"id": written, "status": "published"}
    refused = run("content", "publish", str(empty))
    assert refused.returncode == 1 and "Bài giảng chưa có nội dung" in refused.stderr
    with services.sessions() as session:
        assert services.content.get(session, None, empty, system=True).status == "draft"
