"""Who may see which content: the rule once, as an SQL filter for the database and as a scope
for the search index, so a page, the API and a search can never disagree.

Students, teachers and visitors see published items; editors (and the command line,
``system``) see everything, drafts included.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, is_in
from kholieu.content.models import ContentItem, Status
from kholieu.search.query import Keyword, Node


def sees_drafts(user: User | None, *, system: bool = False) -> bool:
    return system or is_in(user, EDITORS)


def visible(user: User | None, *, system: bool = False) -> Select[tuple[ContentItem]]:
    query = select(ContentItem)
    if not sees_drafts(user, system=system):
        query = query.where(ContentItem.status == Status.published)
    return query


def search_scope(user: User | None, *, system: bool = False) -> Node | None:
    return None if sees_drafts(user, system=system) else Keyword("status", ("published",))
