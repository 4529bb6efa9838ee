"""The app factory: ``create_app(settings)`` builds every service once and wires the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from kholieu import __version__
from kholieu.accounts.deps import page_user
from kholieu.accounts.roles import TEMPLATE_GLOBALS
from kholieu.capabilities import routers
from kholieu.config import Settings
from kholieu.errors import ConfigError
from kholieu.jobs.runner import BackgroundWork
from kholieu.services import Services, build_services
from kholieu.web import errors, middleware
from kholieu.web.assets import Assets, VersionedStatic
from kholieu.web.i18n import Translator
from kholieu.web.templating import make_templates
from kholieu.web.text import refuse_unstorable_text

VENDORED = ("katex/katex.min.js", "swagger-ui/swagger-ui-bundle.js", "hls/hls.min.js")


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """Build the app; pass ``services`` to share them with the caller (tests, the CLI)."""
    missing = [a for a in VENDORED if not (settings.static_dir / "vendor" / a).is_file()]
    if missing:
        raise ConfigError(
            "Thiếu tệp tĩnh trong {static_dir}: {join}; hãy chạy scripts/vendor.sh hoặc đặt "
            "KHOLIEU_STATIC_DIR",
            static_dir=settings.static_dir,
            join=", ".join(missing),
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
    app.state.page_user = page_user  # the signed-in header on error pages
    assets = Assets(settings.static_dir)  # content hashes for /static/…?v= (web/assets.py)
    app.state.assets = assets
    app.state.templates = make_templates(translator, assets, settings.timezone)
    app.state.templates.env.globals.update(TEMPLATE_GLOBALS)

    errors.install(app)
    middleware.install(app)
    for router in routers():
        app.include_router(router)
    app.mount("/static", VersionedStatic(assets=assets), name="static")
    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``kholieu serve --workers N``: settings from the
    environment, services of its own."""
    from kholieu.config import load_settings
    from kholieu.logs import configure_logging

    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
