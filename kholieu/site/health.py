"""Liveness and readiness: /healthz says the process is up, /readyz that its backends answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from kholieu.accounts.deps import anyone
from kholieu.db import check_database
from kholieu.db.migrate import current_revision, head_revision
from kholieu.errors import DatabaseUnavailable, KholieuError
from kholieu.platform import Platform
from kholieu.video import media
from kholieu.web.deps import PlatformDep

router = APIRouter(tags=["health"], dependencies=[Depends(anyone)])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _check(fn: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        extra = fn() or {}
        status = {"ok": True, **extra}
    except KholieuError as exc:
        status = {"ok": False, "error": exc.message}
    except Exception as exc:  # a backend failing in a way its adapter did not foresee
        status = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    status["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return status


def readiness(platform: Platform) -> dict[str, Any]:
    def search() -> dict[str, Any]:
        platform.search.ping()
        lag = platform.outbox.lag()
        return {"outbox_pending": lag.pending, "lag_s": round(lag.seconds, 1)}

    def database() -> dict[str, Any]:
        check_database(platform.engine)
        revision, head = current_revision(platform.engine), head_revision()
        if revision != head:
            raise DatabaseUnavailable(f"schema at {revision}, code expects {head}: run migrate")
        return {"revision": revision}

    def video_tools() -> dict[str, Any]:
        settings = platform.settings
        return media.tools_status(settings.ffmpeg_path, settings.ffprobe_path)

    checks = {
        "database": _check(database),
        "storage": _check(platform.store.ping),
        "queue": _check(platform.queue.ping),
        "search": _check(search),
        "ffmpeg": _check(video_tools),
    }
    return {"status": "ok" if all(c["ok"] for c in checks.values()) else "fail", "checks": checks}


@router.get("/readyz")
async def readyz(platform: PlatformDep) -> JSONResponse:
    report = await run_in_threadpool(readiness, platform)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)
