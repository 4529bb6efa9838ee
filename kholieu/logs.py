"""Structured logs: key=value on a terminal in development, one JSON object a line otherwise.

Standard-library loggers (uvicorn, huey, alembic, ours) go through structlog's formatter, so a
log collector gets one format from every part of the process.
"""

from __future__ import annotations

import logging
import sys

import structlog

from kholieu.config import Settings

_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _drop_color_message(_logger: object, _name: str, event: dict) -> dict:
    """uvicorn adds an ANSI-coloured copy of each message; logs want it once, plain."""
    event.pop("color_message", None)
    return event


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    fmt = settings.log_format
    if fmt == "auto":
        fmt = "console" if settings.is_development and sys.stderr.isatty() else "json"
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                _drop_color_message,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # we log requests ourselves
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
