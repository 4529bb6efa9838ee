"""A real `kholieu serve` process and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_kholieu
from tests.support.ports import free_port
from tests.support.web import E2E_PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Chromium's own network chatter is refused on this closed network; keep it quiet and fast.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Live:
    """A running `kholieu serve`: its URL, and the environment to run `kholieu` against it."""

    base: str
    env: dict[str, str]
    data: Path

    def kholieu(self, *args: str, stdin: str | None = None) -> str:
        result = run_kholieu(*args, env=self.env, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def import_item(self, name: str, body: bytes, **fields: object) -> int:
        """Import one published item with file ``name`` through `kholieu content import`."""
        (self.data / name).write_bytes(body)
        manifest = self.data / f"{name}.jsonl"
        manifest.write_text(json.dumps({**fields, "file": name, "status": "published"}))
        report = json.loads(self.kholieu("content", "import", str(manifest), "--json", "--wait"))
        return report["ids"][0]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("e2e")
    port, content_port = free_port(), free_port()
    env = {
        **os.environ,
        "KHOLIEU_DATA_DIR": str(data),
        "KHOLIEU_LOG_FORMAT": "json",
        "KHOLIEU_CONTENT_PORT": str(content_port),
    }
    log = open(Path(data) / "serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "kholieu", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError(
                    "kholieu serve did not become ready:\n" + (data / "serve.log").read_text()
                ) from None
            time.sleep(0.1)
    # The server migrated the fresh database itself; now there is somewhere to add a user.
    live = Live(base, env, data)
    live.kholieu(
        "users",
        "create",
        "co.hoa",
        "--role",
        "teacher",
        "--password-stdin",
        "--display-name",
        "Cô Hoà",
        stdin=E2E_PASSWORD + "\n",
    )
    yield live
    server.terminate()
    server.wait(15)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
