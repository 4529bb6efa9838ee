"""Dependency aliases for the outcome catalogue."""

from __future__ import annotations

from typing import Annotated

from kholieu.outcomes.service import OutcomeCatalogue
from kholieu.web.deps import service

OutcomesDep = Annotated[OutcomeCatalogue, service("outcomes")]
