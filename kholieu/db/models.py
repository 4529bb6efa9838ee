"""Imports every model module so that Base.metadata knows every table (Alembic needs this)."""

from kholieu.accounts import models as accounts  # noqa: F401
from kholieu.jobs import models as jobs  # noqa: F401
from kholieu.search import models as search  # noqa: F401
