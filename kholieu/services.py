"""The composition root: every service the app and the CLI use, built once from Settings.

Nothing here runs at import time: ``build_services`` builds the platform (database, store,
search, queue), the capabilities' services on top of it, then lets each capability register
its jobs and search loaders (``kholieu.capabilities``). The web app keeps the result on
``app.state``; routes receive single services through their capability's ``deps`` aliases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kholieu.accounts.admin import UserAdmin
from kholieu.accounts.limiter import LoginLimiter
from kholieu.accounts.service import AccountService
from kholieu.bank.importer import QuestionImporter
from kholieu.bank.review import ReviewQueue
from kholieu.bank.service import QuestionBank
from kholieu.capabilities import register_all
from kholieu.classes.assignments import AssignmentService
from kholieu.classes.gradebook import Gradebook
from kholieu.classes.service import ClassService
from kholieu.config import Settings
from kholieu.content.service import ContentService
from kholieu.content.uploads import UploadService
from kholieu.jobs.queue import JobQueue
from kholieu.outcomes.service import OutcomeCatalogue
from kholieu.platform import Platform, build_platform
from kholieu.quiz.service import QuizService
from kholieu.search.backend import SearchBackend
from kholieu.search.outbox import Outbox
from kholieu.search.service import SearchService
from kholieu.storage import ObjectStore
from kholieu.textbooks.service import TextbookService


@dataclass
class Services:
    platform: Platform
    searching: SearchService
    accounts: AccountService
    content: ContentService
    textbooks: TextbookService
    uploads: UploadService
    questions: QuestionBank
    importer: QuestionImporter
    quizzes: QuizService
    classes: ClassService
    assignments: AssignmentService
    gradebook: Gradebook
    users: UserAdmin
    reviews: ReviewQueue
    login_limiter: LoginLimiter
    outcomes: OutcomeCatalogue

    # The platform's parts, for the CLI and tests that reach them through one object.
    @property
    def settings(self) -> Settings:
        return self.platform.settings

    @property
    def engine(self) -> Engine:
        return self.platform.engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.platform.sessions

    @property
    def store(self) -> ObjectStore:
        return self.platform.store

    @property
    def search(self) -> SearchBackend:
        return self.platform.search

    @property
    def outbox(self) -> Outbox:
        return self.platform.outbox

    @property
    def queue(self) -> JobQueue:
        return self.platform.queue

    def close(self) -> None:
        self.platform.close()


def build_services(settings: Settings, *, search: SearchBackend | None = None) -> Services:
    """``search`` replaces the backend KHOLIEU_SEARCH_URL names (tests pass a client tuned
    for the Elasticsearch emulator they run)."""
    platform = build_platform(settings, search=search)
    store, outbox, queue = platform.store, platform.outbox, platform.queue
    content = ContentService(settings, store, outbox, queue)
    textbooks = TextbookService(settings, content, outbox, queue)
    content.extend(textbooks)
    questions = QuestionBank(store, outbox)
    accounts = AccountService(settings)
    classes = ClassService(accounts)
    quizzes = QuizService(questions, rosters=classes)
    assignments = AssignmentService(classes, quizzes)
    services = Services(
        platform=platform,
        searching=SearchService(platform.search, outbox),
        accounts=accounts,
        content=content,
        textbooks=textbooks,
        uploads=UploadService(settings, store, content, queue),
        questions=questions,
        importer=QuestionImporter(questions, platform.sessions, settings.data_dir / "tmp"),
        quizzes=quizzes,
        classes=classes,
        assignments=assignments,
        gradebook=Gradebook(assignments),
        users=UserAdmin(accounts),
        reviews=ReviewQueue(questions),
        login_limiter=LoginLimiter(settings.rate_limit_url, settings.login_rate_limit),
        outcomes=OutcomeCatalogue(),
    )
    register_all(services)
    return services
