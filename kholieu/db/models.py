"""Imports every model module so that Base.metadata knows every table (Alembic needs this)."""

from kholieu.accounts import models as accounts  # noqa: F401
from kholieu.audit import models as audit  # noqa: F401
from kholieu.content import models as content  # noqa: F401
from kholieu.jobs import models as jobs  # noqa: F401
from kholieu.quiz import models as quiz  # noqa: F401
from kholieu.search import models as search  # noqa: F401
