"""What the video player fetches beside the stream: a video's captions as WebVTT, under the
content page's URL."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.content.deps import ContentDep
from kholieu.errors import NotFound
from kholieu.web.deps import SessionDep

router = APIRouter(tags=["video"], include_in_schema=False)


@router.get("/content/{item_id}/captions/{language}.vtt")
def caption_file(
    item_id: int, language: str, user: AnyoneDep, content: ContentDep, session: SessionDep
) -> Response:
    item = content.get(session, user, item_id)
    for caption in content.captions(session, item.id):
        if caption.language == language:
            return Response(caption.vtt, media_type="text/vtt; charset=utf-8", headers={
                "Cache-Control": "private, max-age=60", "X-Content-Type-Options": "nosniff",
            })  # fmt: skip
    raise NotFound(
        "Học liệu số {item_id} không có phụ đề {language}", language=language, item_id=item_id
    )
