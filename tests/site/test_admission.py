"""Admission control (web/middleware.py): requests past the limit wait their turn without a
thread, and beyond the queue they are refused at once with 503, never left to stall."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from kholieu.web.middleware import Admission


def call(app, path: str):
    """One request through the ASGI app: (status, body)."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async def run():
        scope = {"type": "http", "method": "GET", "path": path, "headers": [],
                 "query_string": b"", "root_path": "", "scheme": "http",
                 "server": ("test", 80), "client": ("test", 1)}  # fmt: skip
        await app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], dict(start["headers"]), body

    return run()


def gated(gate: asyncio.Event, entered: list[str]):
    """An app that notes each request's path as it enters, and answers once ``gate`` opens."""

    async def app(scope, receive, send):
        entered.append(scope["path"])
        await gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def test_requests_past_the_limit_wait_and_past_the_queue_are_shed_at_once():
    gate = asyncio.Event()
    entered: list[str] = []
    slow = gated(gate, entered)

    async def scenario():
        admission = Admission(slow, in_flight=1, waiting=1, patience=600, lifo_after=600)
        first = asyncio.create_task(call(admission, "/api/v1/a"))
        await asyncio.sleep(0)  # let it in
        while not entered:
            await asyncio.sleep(0)
        second = asyncio.create_task(call(admission, "/api/v1/b"))  # waits its turn
        while admission.queued == 0:
            await asyncio.sleep(0)
        status, headers, body = await call(admission, "/api/v1/c")  # the queue is full
        assert status == 503 and headers[b"retry-after"] == b"1"
        assert json.loads(body)["error"]["code"] == "server_busy"
        assert entered == ["/api/v1/a"]  # the second is still waiting, not running
        health = asyncio.create_task(call(admission, "/healthz"))  # health checks never queue
        while "/healthz" not in entered:
            await asyncio.sleep(0)
        gate.set()
        assert [(await t)[0] for t in (first, second, health)] == [200, 200, 200]
        assert entered == ["/api/v1/a", "/healthz", "/api/v1/b"]

    # in a thread of its own: an earlier test in this worker (Playwright) may have left an
    # event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_a_request_that_waited_its_turn_too_long_is_shed():
    gate = asyncio.Event()
    slow = gated(gate, [])

    async def scenario():
        admission = Admission(slow, in_flight=1, waiting=10, patience=0.05, lifo_after=600)
        first = asyncio.create_task(call(admission, "/api/v1/a"))
        while admission.turns.free:
            await asyncio.sleep(0)
        status, headers, _ = await call(admission, "/api/v1/b")  # the gate is still shut
        assert status == 503 and headers[b"retry-after"] == b"1"
        gate.set()
        assert (await first)[0] == 200

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def order_admitted(lifo_after: float) -> list[str]:
    """Paths in the order they got in: one place, taken by the first; four more queue."""
    gates = {name: asyncio.Event() for name in "abcde"}
    entered: list[str] = []

    async def app(scope, receive, send):
        entered.append(scope["path"][-1])
        await gates[scope["path"][-1]].wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def scenario():
        admission = Admission(app, in_flight=1, waiting=10, patience=600, lifo_after=lifo_after)
        tasks = []
        for name in "abcde":
            tasks.append(asyncio.create_task(call(admission, f"/api/v1/{name}")))
            while len(entered) + admission.queued < len(tasks):
                await asyncio.sleep(0)
        for _ in range(4):  # the one inside finishes; see who is let in next
            count = len(entered)
            gates[entered[-1]].set()
            while len(entered) == count:
                await asyncio.sleep(0)
        gates[entered[-1]].set()
        await asyncio.gather(*tasks)
        return entered

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def test_a_moving_queue_is_first_come_first_served_and_a_standing_one_newest_first():
    """After a stall the backlog is old; serving the newest first answers clients that are
    still there, in time, instead of everyone late (the oldest are refused at their
    deadline)."""
    assert order_admitted(lifo_after=600) == list("abcde")
    assert order_admitted(lifo_after=0) == ["a", "e", "d", "c", "b"]
