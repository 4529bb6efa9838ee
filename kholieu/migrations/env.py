"""Alembic environment: the engine comes from kholieu (config.attributes) or KHOLIEU_* settings."""

from alembic import context

from kholieu.capabilities import load_models
from kholieu.db.base import Base

load_models()  # registers every table

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
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
