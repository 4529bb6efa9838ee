"""Running a coroutine from a test, whatever else the test's process runs.

A worker process that has run a browser test keeps Playwright's sync API (an event loop in
the main thread) for the rest of the session; ``asyncio.run`` there refuses ("cannot be
called from a running event loop"). A thread of its own has no loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="asyncio-apart") as pool:
        return pool.submit(asyncio.run, coroutine).result()
