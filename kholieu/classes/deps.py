"""Dependency aliases for the classes capability's service."""

from __future__ import annotations

from typing import Annotated

from kholieu.classes.service import ClassService
from kholieu.web.deps import service

ClassesDep = Annotated[ClassService, service("classes")]
