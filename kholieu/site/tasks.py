"""The site's own job: a storage probe that proves a worker reaches the same store."""

from __future__ import annotations

import io

from kholieu.jobs.queue import JobContext


def check_storage(ctx: JobContext) -> None:
    """Write, read back and delete a probe object: proves a worker reaches the same store."""
    key = f"_probe/{ctx.job_id}"
    store = ctx.platform.store
    body = ctx.payload.get("text", "kholieu").encode()
    store.put(key, io.BytesIO(body), content_type="text/plain")
    ctx.report(0.5)
    with store.get(key) as stream:
        if stream.read() != body:
            raise RuntimeError(f"storage probe {key} read back different bytes")
    store.delete(key)
