"""The content page: metadata, licence, and the right viewer for the item's file."""

from __future__ import annotations

from typing import Any

import nh3
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select, update

from kholieu.accounts.authz import AnyoneDep
from kholieu.config import Settings
from kholieu.content.models import ContentFile, ContentItem, Status
from kholieu.content.origin import file_url, package_url, video_url
from kholieu.content.views import caption_link
from kholieu.curriculum import LICENCES, SERIES, SUBJECTS
from kholieu.web.deps import ServicesDep, SessionDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

# What a sandboxed package may do: run scripts, forms, pop-ups, dialogs, full screen.
# Never allow-same-origin: the package runs in an opaque origin, without cookies or storage.
PACKAGE_SANDBOX = "allow-scripts allow-forms allow-popups allow-modals allow-pointer-lock"


def viewer(settings: Settings, file: ContentFile | None) -> dict[str, Any]:
    if file is None:
        return {"type": "none"}
    if file.media is not None:  # a video: playable once its whole ladder is stored
        if file.hls is None:
            return {"type": "processing"}
        return {
            "type": "video",
            "src": video_url(settings, file.sha256, file.hls["master"]),
            "poster": video_url(settings, file.sha256, file.hls["poster"]),
            "thumbnails": video_url(settings, file.sha256, file.hls["thumbnails"]),
            "audio_only": video_url(settings, file.sha256, "audio/index.m3u8")
            if any(r["name"] == "audio" for r in file.hls["renditions"]) else "",
            "duration": file.hls["duration"],
        }  # fmt: skip
    if file.package is not None:
        if not file.unpacked:
            return {"type": "processing"}
        return {
            "type": "package",
            "url": package_url(settings, file.sha256, file.package["entry"]),
            "sandbox": PACKAGE_SANDBOX,
            "scorm": file.package["standard"].startswith("scorm"),
        }
    url = file_url(settings, file.sha256, file.filename)
    if file.mime == "application/pdf":
        return {"type": "pdf", "url": url}
    return {"type": "download", "url": url, "name": file.filename}


@router.get("/content/{item_id}")
def content_page(
    request: Request, item_id: int, user: AnyoneDep, services: ServicesDep, session: SessionDep
) -> Response:
    item = services.content.get(session, user, item_id)
    session.execute(
        update(ContentItem).where(ContentItem.id == item.id).values(views=ContentItem.views + 1)
    )
    session.commit()
    file = services.content.file(session, item.id)
    related = session.scalars(
        select(ContentItem)
        .where(
            ContentItem.status == Status.published,
            ContentItem.subject == item.subject,
            ContentItem.grade == item.grade,
            ContentItem.id != item.id,
        )
        .order_by(ContentItem.views.desc(), ContentItem.id.desc())
        .limit(5)
    ).all()
    context = {
        "related": related,
        "item": item,
        "body_html": nh3.clean(item.body) if item.body else "",
        "subject_name": SUBJECTS.get(item.subject, item.subject),
        "series_name": SERIES.get(item.textbook_series or "", ""),
        "licence_name": LICENCES.get(item.license, item.license),
        "viewer": viewer(services.settings, file),
        "captions": [caption_link(c) for c in services.content.captions(session, item.id)],
    }
    return render(request, "content.html", context)
