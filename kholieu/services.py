"""Every service the app and the CLI use, built once from Settings and passed around.

Nothing here runs at import time: ``build_services`` makes the clients, the web app stores the
result on ``app.state`` and hands pieces to routes through FastAPI dependencies, the CLI and
worker call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kholieu.accounts.limiter import LoginLimiter
from kholieu.accounts.service import AccountService
from kholieu.config import Settings
from kholieu.content import service as content_service
from kholieu.content.service import ContentService
from kholieu.content.uploads import UploadService
from kholieu.db import make_engine, make_sessionmaker
from kholieu.jobs.queue import JobQueue
from kholieu.jobs.tasks import register_tasks
from kholieu.quiz import service as quiz_service
from kholieu.quiz.importer import QuestionImporter
from kholieu.quiz.quizzes import QuizService
from kholieu.quiz.service import QuestionBank
from kholieu.search.backend import SearchBackend, make_search_backend
from kholieu.search.outbox import Outbox
from kholieu.search.schema import prepared
from kholieu.search.service import SearchService
from kholieu.storage import ObjectStore, make_store


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    search: SearchBackend
    outbox: Outbox
    searching: SearchService
    queue: JobQueue
    accounts: AccountService
    content: ContentService
    uploads: UploadService
    questions: QuestionBank
    importer: QuestionImporter
    quizzes: QuizService
    login_limiter: LoginLimiter

    def close(self) -> None:
        self.engine.dispose()


def build_services(settings: Settings, *, search: SearchBackend | None = None) -> Services:
    """``search`` replaces the backend KHOLIEU_SEARCH_URL names (tests pass a client tuned
    for the Elasticsearch emulator they run)."""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    search = search or make_search_backend(settings.search_url)
    outbox = Outbox(sessions, search, batch=settings.outbox_batch)
    for module in (content_service, quiz_service):
        outbox.register_loader(
            module.INDEX, prepared(module.INDEX, module.load_documents), module.document_ids
        )
    store = make_store(settings)
    queue = JobQueue(settings, sessions)
    content = ContentService(settings, store, outbox, queue)
    questions = QuestionBank(store, outbox)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        store=store,
        search=search,
        outbox=outbox,
        searching=SearchService(search, outbox),
        queue=queue,
        accounts=AccountService(settings),
        content=content,
        uploads=UploadService(settings, store, content, queue),
        questions=questions,
        importer=QuestionImporter(questions, sessions),
        quizzes=QuizService(questions),
        login_limiter=LoginLimiter(settings.rate_limit_url, settings.login_rate_limit),
    )
    services.queue.bind(services)
    register_tasks(services.queue)
    return services
