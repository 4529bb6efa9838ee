"""Dependency aliases for the classes capability's services."""

from __future__ import annotations

from typing import Annotated

from kholieu.classes.assignments import AssignmentService
from kholieu.classes.gradebook import Gradebook
from kholieu.classes.service import ClassService
from kholieu.web.deps import service

ClassesDep = Annotated[ClassService, service("classes")]
AssignmentsDep = Annotated[AssignmentService, service("assignments")]
GradebookDep = Annotated[Gradebook, service("gradebook")]
