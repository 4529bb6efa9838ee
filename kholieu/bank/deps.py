"""Dependency aliases for the question bank's services."""

from __future__ import annotations

from typing import Annotated

from kholieu.bank.importer import QuestionImporter
from kholieu.bank.review import ReviewQueue
from kholieu.bank.service import QuestionBank
from kholieu.web.deps import service

BankDep = Annotated[QuestionBank, service("questions")]
ReviewsDep = Annotated[ReviewQueue, service("reviews")]
ImporterDep = Annotated[QuestionImporter, service("importer")]
