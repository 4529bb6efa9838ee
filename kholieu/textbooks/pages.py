"""The textbook reader page, /sach/{id}: PDF.js draws the book in the browser, page by page,
fetching the PDF by byte ranges from the content origin; the table of contents, search
inside the book and the material linked to each bài come from the textbook API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.content import catalogue, views
from kholieu.content.deps import ContentDep
from kholieu.content.models import Kind
from kholieu.content.packages.origin import file_url
from kholieu.curriculum import SERIES, SUBJECTS
from kholieu.errors import NotFound
from kholieu.web.deps import SessionDep, SettingsDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/sach/{item_id}")
def reader_page(
    request: Request,
    item_id: int,
    user: AnyoneDep,
    content: ContentDep,
    settings: SettingsDep,
    session: SessionDep,
) -> Response:
    """Seen by whoever sees the content item (a draft is 404 to all but editors); any other
    kind of item has no reader. The PDF's link is in the page, so the file and the book's
    sections load at the same time. Opening it counts as opening the item."""
    item = content.get(session, user, item_id)
    if item.kind != Kind.textbook:
        raise NotFound("Không có sách giáo khoa số {item_id}", item_id=item_id)
    file = content.file(session, item.id)
    context = {
        "item": item,
        "subject_name": SUBJECTS.get(item.subject, item.subject),
        "series_name": SERIES.get(item.textbook_series or "", ""),
        "file_url": file_url(settings, file.sha256, file.filename) if file else "",
    }
    # Read here is opened, as on the content page (its view count, Góc học tập's recent list);
    # last, because the UPDATE holds SQLite's write lock until the request commits.
    catalogue.count_view(session, item)
    if user is not None:
        views.opened(session, user, item)
    return render(request, "textbooks/reader.html", context)
