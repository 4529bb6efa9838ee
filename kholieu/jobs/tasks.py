"""The jobs every process can run. Capabilities add theirs here as they arrive."""

from __future__ import annotations

import io

from kholieu.content import tasks as content_tasks
from kholieu.jobs.queue import JobContext, JobQueue
from kholieu.quiz import imports as question_imports


def check_storage(ctx: JobContext) -> None:
    """Write, read back and delete a probe object: proves a worker reaches the same store."""
    key = f"_probe/{ctx.job_id}"
    store = ctx.services.store
    body = ctx.payload.get("text", "kholieu").encode()
    store.put(key, io.BytesIO(body), content_type="text/plain")
    ctx.report(0.5)
    with store.get(key) as stream:
        if stream.read() != body:
            raise RuntimeError(f"storage probe {key} read back different bytes")
    store.delete(key)


def register_tasks(queue: JobQueue) -> None:
    queue.register("system.check_storage", check_storage)
    content_tasks.register(queue)
    question_imports.register(queue)
