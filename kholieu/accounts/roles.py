"""The one vocabulary for "who may": sets of roles, and ``is_in`` to ask about a user.

Admins are in every set but the students'. Route policies (``accounts.deps``), services'
rules and templates (``is_in(user, EDITORS)``) all use these names.
"""

from __future__ import annotations

from kholieu.accounts.models import Role, User
from kholieu.i18n import N_

STUDENTS = frozenset({Role.student})
TEACHERS = frozenset({Role.teacher, Role.editor, Role.admin})  # build tests, search the bank
EDITORS = frozenset({Role.editor, Role.admin})  # may publish, review, and see drafts
ADMINS = frozenset({Role.admin})


ROLE_NAMES = {Role.student: N_("học sinh"), Role.teacher: N_("giáo viên"),
              Role.editor: N_("biên tập viên"), Role.admin: N_("quản trị viên")}  # fmt: skip


def is_in(user: User | None, roles: frozenset[Role]) -> bool:
    """Whether ``user`` (None: a visitor) holds one of ``roles``."""
    return user is not None and user.role in roles


# For the app factory to add to the templates' globals.
TEMPLATE_GLOBALS = {"is_in": is_in, "STUDENTS": STUDENTS, "TEACHERS": TEACHERS,
                    "EDITORS": EDITORS, "ADMINS": ADMINS}  # fmt: skip
