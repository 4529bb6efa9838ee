"""Alembic environment: the engine comes from kholieu (config.attributes) or KHOLIEU_* settings."""

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext

from kholieu.capabilities import load_models
from kholieu.db.base import Base
from kholieu.db.types import Stored

load_models()  # registers every table


def render_item(kind: str, item: Any, autogen: AutogenContext) -> str | bool:
    """A typed JSON column is plain JSON in the database: write ``sa.JSON()`` in revisions."""
    if kind == "type" and isinstance(item, Stored):
        return "sa.JSON()"
    return False  # the default rendering


config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` on the command line, e.g. to autogenerate a revision
    from kholieu.config import load_settings
    from kholieu.db.engine import make_engine

    engine = make_engine(load_settings().database_url)


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
