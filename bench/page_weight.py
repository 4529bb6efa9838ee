"""Page weight: bytes transferred for a cold load of a few pages, compression on.

Starts `kholieu serve` (with its content origin) on a fresh data directory, loads the demo
catalogue (`kholieu demo`: one account per role, an article with formulas, a PDF worksheet, a
lab, a SCORM package, a TV lesson), then opens each page in a fresh Chromium context (empty
cache) and sums what came over the wire per response (DevTools' encodedDataLength: compressed
body and headers), as tests/e2e/test_site_delivery.py does for `/`. Prints one line per page
(and with --detail every response); exits 0. Goal: `/` ≤ 150 KB.

    python bench/page_weight.py [--detail]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.ports import free_port  # noqa: E402
from tests.support.weight import cold_load  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "kholieu-demo"
PAGES = [  # (who, path)
    (None, "/"),
    (None, "/hoc-lieu"),
    (None, "/tim-kiem?q=phuong+trinh+bac+hai"),
    (None, "/login"),
    ("hocsinh", "/goc-hoc-tap"),
    ("giaovien", "/cau-hoi"),
    ("giaovien", "/bai-kiem-tra/moi"),
    ("bientap", "/bien-tap"),
]


def serve(data: str) -> tuple[subprocess.Popen, str, dict[str, str]]:
    port, content_port = free_port(), free_port()
    env = {**os.environ, "KHOLIEU_DATA_DIR": data, "KHOLIEU_LOG_FORMAT": "json",
           "KHOLIEU_CONTENT_PORT": str(content_port)}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "kholieu", "serve", "--port", str(port)], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return server, base, env
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("kholieu serve did not become ready") from None
            time.sleep(0.1)


def signed_in_state(browser, base: str, username: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
    state = context.storage_state()
    context.close()
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="every response of each page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        server, base, env = serve(data)
        try:
            subprocess.run([sys.executable, "-m", "kholieu", "demo"], env=env, cwd=ROOT,
                           check=True, capture_output=True)  # fmt: skip
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                states = {}
                print(f"{'KB':>7}  {'requests':>8}  page (cold load, gzip on, 1366×768)")
                for who, path in PAGES:
                    if who and who not in states:
                        states[who] = signed_in_state(browser, base, who)
                    weight = cold_load(browser, base + path, storage_state=states.get(who))
                    label = f"{path}" + (f"  (as {who})" if who else "")
                    print(f"{weight.total / 1024:>7.1f}  {len(weight.transfers):>8}  {label}")
                    if args.detail:
                        print("\n".join("           " + line for line in weight.lines()))
                browser.close()
        finally:
            server.terminate()
            server.wait(15)
    print("goal: / ≤ 150 KB")


if __name__ == "__main__":
    main()
