"""Who may see a textbook and its pages: the content item's rule (students, teachers and
visitors see published books; editors all), as the ``pages`` index's search scope too."""

from __future__ import annotations

from kholieu.content.policy import search_scope, sees_drafts, visible

__all__ = ["search_scope", "sees_drafts", "visible"]
