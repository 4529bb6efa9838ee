"""Dependency aliases for the textbook capability's service."""

from __future__ import annotations

from typing import Annotated

from kholieu.textbooks.service import TextbookService
from kholieu.web.deps import service

TextbooksDep = Annotated[TextbookService, service("textbooks")]
