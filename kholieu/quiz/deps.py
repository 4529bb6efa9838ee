"""Dependency aliases for the quiz capability's services."""

from __future__ import annotations

from typing import Annotated

from kholieu.quiz.service import QuizService
from kholieu.web.deps import service

QuizzesDep = Annotated[QuizService, service("quizzes")]
