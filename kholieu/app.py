"""The app factory: ``create_app(settings)`` builds every service once and wires the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from kholieu import __version__
from kholieu.accounts.roles import TEMPLATE_GLOBALS
from kholieu.capabilities import routers
from kholieu.config import Settings
from kholieu.errors import ConfigError
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from kholieu.web import errors, middleware
from kholieu.web.i18n import Translator
from kholieu.web.templating import make_templates
from kholieu.web.text import refuse_unstorable_text

VENDORED = ("katex/katex.min.js", "swagger-ui/swagger-ui-bundle.js", "hls/hls.min.js")


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """Build the app; pass ``services`` to share them with the caller (tests, the CLI)."""
    missing = [a for a in VENDORED if not (settings.static_dir / "vendor" / a).is_file()]
    if missing:
        raise ConfigError(
            f"static assets missing under {settings.static_dir}: {', '.join(missing)}; "
            "run scripts/vendor.sh or set KHOLIEU_STATIC_DIR"
        )
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        work = None
        if settings.workers_in_process > 0:
            work = BackgroundWork(services.platform, settings.workers_in_process)
            work.start()
        try:
            yield
        finally:
            if work is not None:
                work.stop()

    app = FastAPI(
        title="Kho Học Liệu",
        version=__version__,
        description="Open learning-content repository for Vietnam's schools.",
        lifespan=lifespan,
        docs_url=None,  # served by web/docs.py from static/vendor/, not from a CDN
        redoc_url=None,
        dependencies=[Depends(refuse_unstorable_text)],  # before every route: web/text.py
    )
    translator = Translator()
    app.state.services = services
    app.state.platform = services.platform
    app.state.translator = translator
    app.state.templates = make_templates(translator, settings.timezone)
    app.state.templates.env.globals.update(TEMPLATE_GLOBALS)

    errors.install(app)
    middleware.install(app)
    for router in routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``kholieu serve --workers N``: settings from the
    environment, services of its own."""
    from kholieu.config import load_settings
    from kholieu.logs import configure_logging

    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
