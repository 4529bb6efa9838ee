"""Dependency aliases for the content capability's services."""

from __future__ import annotations

from typing import Annotated

from kholieu.content.service import ContentService
from kholieu.content.uploads import UploadService
from kholieu.web.deps import service

ContentDep = Annotated[ContentService, service("content")]
UploadsDep = Annotated[UploadService, service("uploads")]
