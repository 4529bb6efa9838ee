"""Dependency aliases for the question bank's services."""

from __future__ import annotations

from typing import Annotated

from kholieu.bank.importer import QuestionImporter
from kholieu.bank.service import QuestionBank
from kholieu.web.deps import service

BankDep = Annotated[QuestionBank, service("questions")]
ImporterDep = Annotated[QuestionImporter, service("importer")]
