"""Every API route of an app, however it was included.

FastAPI 0.165 wraps an included router in an ``_IncludedRouter`` instead of copying its
routes into ``app.routes``; a walk over ``app.routes`` alone finds no ``APIRoute`` at all (and
a test built on it passes without checking anything).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def api_routes(app: FastAPI) -> Iterator[Any]:
    """Routes with ``path``, ``methods`` and ``dependant`` (the effective one, with the
    dependencies of the routers they were included through)."""
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        elif isinstance(route, APIRoute):
            yield route
