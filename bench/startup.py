"""Cold start: time from `kholieu serve` process start to a green /readyz.

Runs the real command in a fresh data directory (so the first start also creates the database
and applies migrations), then again on the existing directory (a restart). Prints the figures
and the machine; exits 0. Goal: ≤ 2 s on the 2-core reference machine.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_ready(data_dir: str) -> float:
    port = free_port()
    env = {**os.environ, "KHOLIEU_DATA_DIR": data_dir, "KHOLIEU_LOG_FORMAT": "json"}
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "kholieu", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("kholieu serve exited before it was ready") from None
                time.sleep(0.005)
    finally:
        server.terminate()
        server.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    first, restart = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as data_dir:
            first.append(time_to_ready(data_dir))
            restart.append(time_to_ready(data_dir))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}")
    for label, times in (("fresh data dir (creates + migrates DB)", first), ("restart", restart)):
        print(
            f"{label}: median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} runs"
        )
    print("goal: ≤ 2.00 s to a green /readyz")


if __name__ == "__main__":
    main()
