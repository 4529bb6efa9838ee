"""Liveness and readiness: /healthz says the process is up, /readyz that its backends answer.

Each readiness check runs in a thread of its own and is given ``KHOLIEU_READYZ_TIMEOUT_S``
(1.5 s): a dependency that accepts connections but never answers (S3 behind a dead proxy, a
database stuck on a lock) is reported by name as timed out, and /readyz still answers within
its deadline. A check still hanging from an earlier call is not started again: the report says
how long it has been waiting, so a load balancer polling /readyz never piles up threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from kholieu.accounts.deps import anyone
from kholieu.db.engine import probe_database
from kholieu.db.migrate import current_revision, head_revision
from kholieu.errors import DatabaseUnavailable, KholieuError, public_message
from kholieu.platform import Platform
from kholieu.video import media

router = APIRouter(tags=["health"], dependencies=[Depends(anyone)])

Check = Callable[[], dict[str, Any] | None]


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _outcome(fn: Check) -> dict[str, Any]:
    try:
        return {"ok": True, **(fn() or {})}
    except Exception as exc:  # also a backend failing in a way its adapter did not foresee
        return {"ok": False, "error": public_message(exc)}


class Readiness:
    """The checks of one process, each with its deadline; one check of a dependency at a time."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.timeout_s = platform.settings.readyz_timeout_s
        self._running: dict[str, tuple[Future[dict[str, Any]], float]] = {}
        self._lock = threading.Lock()

    def checks(self) -> dict[str, Check]:
        platform = self.platform

        def database() -> dict[str, Any]:
            # a new connection, and a write that changes nothing: red when the server refuses
            # connections or is read-only (a failover to a replica), naming which
            probed = probe_database(platform.engine)
            revision, head = current_revision(platform.engine), head_revision()
            if revision != head:
                raise DatabaseUnavailable(
                    "Cơ sở dữ liệu ở phiên bản {revision}, mã cần {head}: hãy chạy migrate",
                    revision=revision,
                    head=head,
                )
            return {"revision": revision, **probed}

        def search() -> dict[str, Any]:
            """Red when the engine does not answer or the drainer cannot write, read from the
            outbox table: the drainer may run in another process (`kholieu worker`)."""
            report = platform.outbox.health().report()
            try:
                platform.search.ping()
            except KholieuError as exc:
                return {**report, "ok": False, "error": exc.message}
            return report

        def video_tools() -> dict[str, Any]:
            settings = platform.settings
            return media.tools_status(settings.ffmpeg_path, settings.ffprobe_path)

        return {
            "database": database,
            "storage": platform.store.ping,
            "queue": platform.queue.ping,
            "search": search,
            "ffmpeg": video_tools,
        }

    def report(self) -> dict[str, Any]:
        started = time.monotonic()
        futures = {name: self._start(name, fn) for name, fn in self.checks().items()}
        results: dict[str, dict[str, Any]] = {}
        for name, (future, since) in futures.items():
            left = max(0.0, started + self.timeout_s - time.monotonic())
            try:
                result = dict(future.result(timeout=left))
                result["ms"] = round((time.monotonic() - max(since, started)) * 1000, 1)
            except FutureTimeout:
                waited = time.monotonic() - since
                result = {
                    "ok": False, "timed_out": True, "ms": round(waited * 1000, 1),
                    "error": f"{name} did not answer within {waited:.1f} s",
                }  # fmt: skip
            results[name] = result
        ok = all(c["ok"] for c in results.values())
        return {"status": "ok" if ok else "fail", "checks": results}

    def _start(self, name: str, fn: Check) -> tuple[Future[dict[str, Any]], float]:
        """The check of ``name`` already running (hung since an earlier call), or a new one."""
        with self._lock:
            running = self._running.get(name)
            if running is not None and not running[0].done():
                return running
            future: Future[dict[str, Any]] = Future()
            entry = self._running[name] = (future, time.monotonic())

        def run() -> None:
            future.set_result(_outcome(fn))

        threading.Thread(target=run, name=f"readyz-{name}", daemon=True).start()
        return entry


def readiness(request: Request) -> Readiness:
    state = request.app.state
    if getattr(state, "readiness", None) is None:
        state.readiness = Readiness(state.platform)
    return state.readiness


ReadinessDep = Annotated[Readiness, Depends(readiness)]


@router.get("/readyz")
async def readyz(checks: ReadinessDep) -> JSONResponse:
    report = await run_in_threadpool(checks.report)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)
