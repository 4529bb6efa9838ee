"""The test's own app over real HTTP: uvicorn in a thread, for browsers and for requests that
must really run at the same time (the races of tests/quiz/test_attempt_races.py); or a real
`kholieu serve` process on the test's database, for what one process does under load."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_port


@contextmanager
def served(app) -> Iterator[str]:
    """The app at ``http://127.0.0.1:<port>`` until the block ends."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, name=f"web-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@contextmanager
def serve_process(database_url: str, data_dir: Path, **env: str) -> Iterator[str]:
    """`kholieu serve` on the test's database at ``http://127.0.0.1:<port>`` (no job threads,
    no search) until the block ends; ``env``: more KHOLIEU_* settings."""
    port = free_port()
    settings = {
        "KHOLIEU_DATABASE_URL": database_url, "KHOLIEU_DATA_DIR": str(data_dir),
        "KHOLIEU_SEARCH_URL": "null://", "KHOLIEU_RATE_LIMIT_URL": "memory://",
        "KHOLIEU_LOG_FORMAT": "json", "KHOLIEU_CONTENT_PORT": str(free_port()),
        "KHOLIEU_IN_PROCESS_WORKERS": "0", **env,
    }  # fmt: skip
    log_path = data_dir / f"serve-{port}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "kholieu", "serve", "--port", str(port)],
            env={**os.environ, **settings}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(server, base, log_path)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(15)


def _wait_ready(server: subprocess.Popen, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            assert server.poll() is None, log_path.read_text()
            time.sleep(0.1)
    raise AssertionError("kholieu serve did not become ready:\n" + log_path.read_text())
