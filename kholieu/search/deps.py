"""Dependency aliases for searching."""

from __future__ import annotations

from typing import Annotated

from kholieu.search.service import SearchService
from kholieu.web.deps import service

SearchingDep = Annotated[SearchService, service("searching")]
