"""Search speed on a full-size catalogue (embedded tantivy backend): 10,000 content items and
35,000 questions (bench/catalogue.py).

Prints: the index build time and size; p50/p95 and requests/s of GET /api/v1/search (facets
and highlighted snippets on, a mix of content searches by visitors and question searches by a
signed-in teacher) at 1 and 32 concurrent connections, against `kholieu serve --workers 2`,
measured with wrk; the same searches on the raw engine in-process as the service runs them
(with the facet cache off, then on), for the overhead ratio; and GET /healthz at 32
connections on the same server. Goals (issue 18): searches/s at 32 connections at least a
quarter of /healthz's, and the one-connection p50 at most 2× the raw engine's. Exits 0.

    python bench/search.py [--content 10000] [--questions 35000] [--seconds 10]

Needs wrk (Debian: apt install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalogue import content_items, question_docs  # noqa: E402
from kholieu.search import query as q  # noqa: E402
from kholieu.search import tantivy_backend  # noqa: E402
from kholieu.search.analysis import shorten  # noqa: E402
from kholieu.search.fields import prepare  # noqa: E402
from kholieu.search.tantivy_backend import TantivyBackend  # noqa: E402

CONTENT_QUERIES = [
    {"q": "phuong trinh bac hai"}, {"q": "Định luật Ôm", "grade": "11"},
    {"q": "dinh luat om lop 9"}, {"q": "quang hợp"}, {"q": "tich phan", "subject": "toan"},
    {"q": "cách mạng tháng tám"}, {"q": "bang tuan hoan"}, {"q": "con lắc đơn", "kind": "video"},
    {"q": "truyen kieu"}, {"q": "xac suat bien co"}, {"q": "Vecto"}, {"q": "", "subject": "toan"},
    {"q": "khí hậu", "sort": "newest"}, {"q": "nguyen phan giam phan"}, {"q": "phan so"},
    {"q": "dao ham", "series": "canh-dieu"}, {"q": "luyện tập", "sort": "popular"},
    {"q": "thuat toan python"}, {"q": "dien phan dung dich"}, {"q": "song co"},
]  # fmt: skip
QUESTION_QUERIES = [
    {"q": "phuong trinh"}, {"q": "đạo hàm", "level": "thong_hieu"}, {"q": "tinh"},
    {"q": "hàm số đồng biến"}, {"q": "", "subject": "vat-li"},
    {"q": "nghiem", "kind": "short_answer"},
    {"q": "dien tich tam giac"}, {"q": "xác suất"}, {"q": "gia tri lon nhat"}, {"q": "năng lượng"},
]  # fmt: skip

WRK_SCRIPT = """
local paths = {%s}
local auth = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  local headers = {}
  if auth[i] ~= "" then headers["Authorization"] = auth[i] end
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  io.write(string.format('{"p50": %%f, "p95": %%f, "rps": %%f, "errors": %%d, "requests": %%d}\\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.requests))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_index(root: Path, content: int, questions: int) -> tuple[TantivyBackend, float]:
    backend = TantivyBackend(root)
    started = time.perf_counter()
    docs = [prepare("content", d) for d in content_items(content)]
    backend.rebuild("content", [docs])
    qdocs = []
    for doc in question_docs(questions):
        doc["title"] = shorten(doc["stem"], 120)
        qdocs.append(prepare("questions", doc))
    backend.rebuild("questions", [qdocs])
    return backend, time.perf_counter() - started


def paths() -> list[tuple[str, bool]]:
    """(path, needs the teacher's token) for every query."""
    out = [("/api/v1/search?" + urllib.parse.urlencode(p), False) for p in CONTENT_QUERIES]
    out += [
        ("/api/v1/search?" + urllib.parse.urlencode({**p, "index": "questions"}), True)
        for p in QUESTION_QUERIES
    ]
    return out


def raw_engine(backend: TantivyBackend, rounds: int) -> list[float]:
    """The same searches straight on the engine, as ``SearchService.search`` runs them (the
    scopes of the content and bank policies, the typo fallback when nothing matched) but with
    no HTTP, no sign-in and no JSON."""
    from kholieu.accounts.models import User
    from kholieu.bank import policy as bank_policy
    from kholieu.content import policy as content_policy
    from kholieu.search.service import SearchService

    service = SearchService(backend, outbox=None)  # type: ignore[arg-type]  # no rebuilds here
    service.add_scope("content", content_policy.search_scope)
    service.add_scope("questions", bank_policy.search_scope)
    teacher = User(id=1, username="gv.bench", role="teacher")
    requests = []
    for path, signed_in in paths():
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        index, text = params.pop("index", "content"), params.pop("q", "")
        sort = params.pop("sort", "relevance")
        request = q.SearchRequest(index=index, text=text, sort=sort,  # type: ignore[arg-type]
                                  filters={k: [v] for k, v in params.items()})  # fmt: skip
        requests.append((teacher if signed_in else None, request))
    timings = []
    for _ in range(rounds):
        for user, request in requests:
            started = time.perf_counter()
            service.search(user, request)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def serve(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "KHOLIEU_DATA_DIR": str(data), "KHOLIEU_IN_PROCESS_WORKERS": "0",
           "KHOLIEU_CONTENT_PORT": "0", "KHOLIEU_LOG_FORMAT": "json"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "kholieu", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("kholieu serve did not become ready")


def teacher_token(data: Path, port: int) -> str:
    env = {**os.environ, "KHOLIEU_DATA_DIR": str(data)}
    subprocess.run(
        [sys.executable, "-m", "kholieu", "users", "create", "gv.bench", "--role", "teacher",
         "--password-stdin"], input="mat-khau-bench\n", text=True, env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    body = urllib.parse.urlencode({"username": "gv.bench", "password": "mat-khau-bench"}).encode()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/auth/token", body) as r:
        return json.loads(r.read())["access_token"]


def wrk(port: int, token: str, connections: int, seconds: int, workdir: Path, listed=None) -> dict:
    listed = listed or paths()
    script = workdir / "search.lua"
    script.write_text(WRK_SCRIPT % (
        ", ".join(json.dumps(p) for p, _ in listed),
        ", ".join(json.dumps(f"Bearer {token}" if t else "") for _, t in listed),
    ))  # fmt: skip
    threads = min(2, connections)
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script),
         f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=35_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/search.py needs wrk: apt install wrk")
    print(f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    backend, seconds = build_index(work / "index", args.content, args.questions)
    size = sum(f.stat().st_size for f in (work / "index").rglob("*") if f.is_file())
    print(f"index: {args.content:,} content items + {args.questions:,} questions built in "
          f"{seconds:.1f} s (analysis included), {size / 2**20:.0f} MiB on disk")  # fmt: skip

    cache, tantivy_backend.FACET_CACHE = tantivy_backend.FACET_CACHE, 0
    cold = raw_engine(backend, rounds=30)
    tantivy_backend.FACET_CACHE = cache
    print(
        f"raw engine, one thread, facets counted every time: p50 "
        f"{statistics.median(cold):.2f} ms, p95 {statistics.quantiles(cold, n=20)[18]:.2f} ms"
    )
    raw = raw_engine(backend, rounds=30)
    raw_p50, raw_p95 = statistics.median(raw), statistics.quantiles(raw, n=20)[18]
    print(f"raw engine, one thread: p50 {raw_p50:.2f} ms, p95 {raw_p95:.2f} ms "
          f"({len(raw)} searches with facets and snippets; facet counts kept per commit, and "
          f"these {len(paths())} searches repeat)")  # fmt: skip

    port = free_port()
    server = serve(work, port)
    try:
        token = teacher_token(work, port)
        wrk(port, token, 4, 3, work)  # warm up both workers
        by_connections = {}
        for connections in (1, 32):
            r = by_connections[connections] = wrk(port, token, connections, args.seconds, work)
            print(f"GET /api/v1/search, {connections:>2} connection(s), 2 workers: "
                  f"p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms, {r['rps']:.0f} requests/s, "
                  f"{r['errors']} errors of {r['requests']}")  # fmt: skip
            if connections == 1:
                print(f"  overhead over the raw engine (p50 ratio): {r['p50'] / raw_p50:.1f}×")
        floor = wrk(port, token, 32, args.seconds, work, [("/healthz", False)])
        print(f"the same server answering GET /healthz (no search, no database), 32 conn.: "
              f"p50 {floor['p50']:.2f} ms, p95 {floor['p95']:.2f} ms, "
              f"{floor['rps']:.0f} requests/s (the web stack's ceiling here)")  # fmt: skip
        share = by_connections[32]["rps"] / floor["rps"]
        overhead = by_connections[1]["p50"] / raw_p50
        print(f"searches/s at 32 connections over /healthz's: {share:.2f} (goal ≥ 0.25); "
              f"one-connection overhead {overhead:.1f}× (goal ≤ 2×)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
