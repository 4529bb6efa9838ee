"""The content page: metadata, licence, and the right viewer for the item's file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kholieu.accounts.deps import AnyoneDep
from kholieu.accounts.models import User
from kholieu.config import Settings
from kholieu.content import body, catalogue, views
from kholieu.content.deps import ContentDep
from kholieu.content.models import ContentFile, ContentItem
from kholieu.content.packages import scorm
from kholieu.content.packages.origin import PACKAGE_SANDBOX, file_url, package_url, video_url
from kholieu.content.service import ContentService
from kholieu.curriculum import LICENCES, SERIES, SUBJECTS
from kholieu.outcomes import catalogue as outcome_catalogue
from kholieu.textbooks import alignment
from kholieu.video.captions import caption_link, default_language
from kholieu.web.deps import SessionDep, SettingsDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


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
            "aspect": file.package.get("aspect"),
        }
    url = file_url(settings, file.sha256, file.filename)
    if file.mime == "application/pdf":
        return {"type": "pdf", "url": url}
    return {"type": "download", "url": url, "name": file.filename}


@router.get("/content/{item_id}")
def content_page(
    request: Request,
    item_id: int,
    user: AnyoneDep,
    content: ContentDep,
    settings: SettingsDep,
    session: SessionDep,
) -> Response:
    item = content.get(session, user, item_id)
    return learner_page(request, user, item, content, settings, session)


def learner_page(
    request: Request, user: User | None, item: ContentItem, content: ContentService,
    settings: Settings, session: Session, *, preview: bool = False,
) -> Response:  # fmt: skip
    """The content page; ``preview``: an editor's look at it as a learner (any status,
    marked as a preview, not counted as a view)."""
    file = content.file(session, item.id)
    context = {
        "related": [] if preview else catalogue.related(session, item),
        "item": item,
        "preview": preview,
        "body_html": body.to_html(item.body),
        "subject_name": SUBJECTS.get(item.subject, item.subject),
        "series_name": SERIES.get(item.textbook_series or "", ""),
        "licence_name": LICENCES.get(item.license, item.license),
        "viewer": viewer(settings, file),
        "captions": [caption_link(c) for c in content.captions(session, item.id)],
        "outcomes": outcome_catalogue.by_code(session, item.yccd_codes or ()),
        "other_series": alignment.other_series(session, user, item),
        "series_names": SERIES,
    }
    languages = [c["language"] for c in context["captions"]]
    context["default_captions"] = default_language(languages, item.language)
    headers = _launch(session, user, item, file, context["viewer"])
    # Counted last: the UPDATE takes SQLite's write lock, held until the request commits, so
    # only while the page renders.
    if not preview:
        catalogue.count_view(session, item)
        if user is not None:
            views.opened(session, user, item)
    response = render(request, "content.html", context)
    response.headers.update(headers)
    return response


def _launch(session, user, item, file, shown: dict[str, Any]) -> dict[str, str]:
    """The learner's own SCORM state, for the package to resume from: the frame's name
    carries it into the sandbox (see static/content/scorm-api.js); never cached."""
    if user is None or not shown.get("scorm"):
        return {}
    version = "2004" if file.package["standard"] == "scorm2004" else "1.2"
    shown["launch"] = scorm.launch(scorm.result(session, user, item), user, version)
    return {"Cache-Control": "private, no-store"}


@router.get("/content/{item_id}/toan-man-hinh")
def package_alone(
    request: Request,
    item_id: int,
    user: AnyoneDep,
    content: ContentDep,
    settings: SettingsDep,
    session: SessionDep,
) -> Response:
    """A lab (or any package) alone on a page of its own, its frame as large as the screen:
    where the browser has no Fullscreen API (an iPhone's), the content page's "Toàn màn hình"
    opens this. The same sandboxed frame on the content origin; other items go back to their
    page."""
    item = content.get(session, user, item_id)
    file = content.file(session, item.id)
    shown = viewer(settings, file)
    if shown["type"] != "package":
        return RedirectResponse(f"/content/{item.id}", status_code=303)
    headers = _launch(session, user, item, file, shown)
    response = render(request, "package_alone.html", {"item": item, "viewer": shown})
    response.headers.update(headers)
    return response
