"""Database: SQLAlchemy 2 models' base, engine and sessions, Alembic migrations."""

from kholieu.db.base import Base
from kholieu.db.engine import check_database, make_engine, make_sessionmaker
from kholieu.db.session import on_commit

__all__ = ["Base", "check_database", "make_engine", "make_sessionmaker", "on_commit"]
