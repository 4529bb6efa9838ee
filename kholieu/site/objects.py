"""Serves LocalStore objects behind signed, expiring URLs (S3 serves its own presigned ones),
with HTTP Range support so video players and resumable downloads work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse

from kholieu.accounts.deps import anyone
from kholieu.errors import NotFound
from kholieu.web.deps import StoreDep

router = APIRouter(tags=["objects"], include_in_schema=False)


@router.get("/objects/{key:path}", dependencies=[Depends(anyone)])
def download(
    key: str,
    store: StoreDep,
    expires: Annotated[int, Query()],
    sig: Annotated[str, Query()],
    filename: Annotated[str | None, Query()] = None,
) -> FileResponse:
    """Anyone holding a link signed by the app may fetch it until it expires."""
    store.verify_url(key, expires, sig, filename)
    info = store.head(key)
    path = store.local_path(key)
    if path is None:
        raise NotFound("Tệp do kho lưu trữ đối tượng phục vụ trực tiếp")
    return FileResponse(
        path,
        media_type=info.content_type or "application/octet-stream",
        filename=filename,
        content_disposition_type="attachment" if filename else "inline",
        headers={"Cache-Control": "private, max-age=300"},
    )
