"""Settings: backends by URL, and refusals that say exactly what is wrong in one line."""

from __future__ import annotations

import subprocess

import pytest

from kholieu.config import load_settings
from kholieu.errors import ConfigError
from tests.conftest import run_kholieu


def test_embedded_defaults_live_under_the_data_dir(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path}/kholieu.db"
    assert settings.storage_url == f"file://{tmp_path}/objects"
    assert settings.queue_url == f"sqlite:///{tmp_path}/queue.db"
    assert settings.workers_in_process == 2


def test_redis_queue_means_separate_workers(tmp_path):
    settings = load_settings(data_dir=tmp_path, queue_url="redis://127.0.0.1:6379/0")
    assert settings.workers_in_process == 0


def test_environment_variables_choose_backends(tmp_path, monkeypatch):
    monkeypatch.setenv("KHOLIEU_DATABASE_URL", "postgresql+psycopg://u@db/kholieu")
    monkeypatch.setenv("KHOLIEU_STORAGE_URL", "s3://bucket?region=ap-southeast-1")
    settings = load_settings(data_dir=tmp_path)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.storage_url.startswith("s3://")


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("database_url", "mysql://x/y"),
        ("storage_url", "ftp://host/dir"),
        ("queue_url", "amqp://host"),
        ("search_url", "solr://host"),
    ],
)
def test_unknown_scheme_is_one_clear_line(tmp_path, field, url):
    with pytest.raises(ConfigError) as info:
        load_settings(data_dir=tmp_path, **{field: url})
    message = str(info.value)
    assert f"KHOLIEU_{field.upper()}" in message and "unknown scheme" in message
    assert "\n" not in message


def test_production_refuses_the_default_secret(tmp_path):
    with pytest.raises(ConfigError, match="KHOLIEU_SECRET_KEY"):
        load_settings(data_dir=tmp_path, env="production")
    ok = load_settings(data_dir=tmp_path, env="production", secret_key="s3cr3t-" * 6)
    assert not ok.is_development


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_kholieu(*args, env=env)


def test_cli_fails_fast_on_default_secret_in_production(tmp_path):
    result = _cli("migrate", KHOLIEU_ENV="production", KHOLIEU_DATA_DIR=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("kholieu: error: KHOLIEU_SECRET_KEY")


def test_cli_fails_fast_on_unreachable_database(tmp_path):
    result = _cli(
        "serve",
        KHOLIEU_DATA_DIR=str(tmp_path),
        KHOLIEU_DATABASE_URL="postgresql://nobody@127.0.0.1:1/kholieu",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    prefix = "kholieu: error: Không kết nối được cơ sở dữ liệu postgresql+psycopg://nobody@127"
    assert line.startswith(prefix)


def test_cli_unknown_scheme(tmp_path):
    result = _cli("migrate", KHOLIEU_DATA_DIR=str(tmp_path), KHOLIEU_STORAGE_URL="ftp://x")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "kholieu: error: KHOLIEU_STORAGE_URL='ftp://x': unknown scheme 'ftp' "
        "(expected one of file, s3)"
    )
