"""API documentation at /docs with Swagger UI served from static/vendor/ (FastAPI's default
page loads it from a CDN with an inline script, which our Content-Security-Policy forbids)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.web.templating import render

router = APIRouter(tags=["docs"], include_in_schema=False)


@router.get("/docs")
def api_docs(request: Request, user: AnyoneDep) -> Response:
    return render(request, "api_docs.html")
