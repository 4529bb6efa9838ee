"""Who may see which questions: the rule once, as an SQL filter for the database and as a
scope for the search index.

Editors (and the command line, ``system``) see the whole bank; teachers see ready questions and
their own; students never browse the bank (it holds the keys).
"""

from __future__ import annotations

from sqlalchemy import Select, select

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, TEACHERS, is_in
from kholieu.bank.models import Question, QuestionStatus
from kholieu.errors import PermissionDenied
from kholieu.search.query import Bool, Keyword, Node


def _check(user: User | None, system: bool) -> bool:
    """True for the whole bank; raises for those who may not browse it at all."""
    if system or is_in(user, EDITORS):
        return True
    if not is_in(user, TEACHERS):
        raise PermissionDenied("Ngân hàng câu hỏi dành cho giáo viên và biên tập viên")
    return False


def visible(user: User | None, *, system: bool = False) -> Select[tuple[Question]]:
    query = select(Question)
    if _check(user, system):
        return query
    assert user is not None
    return query.where((Question.status == QuestionStatus.ready) | (Question.owner_id == user.id))


def search_scope(user: User | None, *, system: bool = False) -> Node | None:
    if _check(user, system):
        return None
    assert user is not None
    return Bool(should=(Keyword("status", ("ready",)), Keyword("owner", (str(user.id),))))
