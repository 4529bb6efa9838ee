"""The question versions attempts show, kept in the process once read.

Every start, autosave and submit needs the bodies of its attempt's questions (to show them,
to check an answer's shape, to grade). A version an attempt shows never changes: it was
marked used when the quiz was made or the attempt drawn, and an edit of a used version makes
a new one (``bank.service._new_content``). So each is read from the database once per process
instead of at every request; the bodies handed out are shared, and nobody writes to them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kholieu.bank.models import QuestionVersion

Key = tuple[int, int]  # (question id, version)
_CHUNK = 400  # pairs per query (SQLite's limit on bound parameters)


class VersionBodies:
    """A bounded, least-recently-used map of (question, version) to its body."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._bodies: OrderedDict[Key, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]:
        wanted = set(keys)
        found: dict[Key, dict[str, Any]] = {}
        with self._lock:
            for key in wanted:
                if (body := self._bodies.get(key)) is not None:
                    self._bodies.move_to_end(key)
                    found[key] = body
        missing = sorted(wanted - found.keys())
        for start in range(0, len(missing), _CHUNK):
            rows = session.execute(
                select(QuestionVersion.question_id, QuestionVersion.version, QuestionVersion.body)
                .where(tuple_(QuestionVersion.question_id, QuestionVersion.version).in_(
                    missing[start : start + _CHUNK]))
            )  # fmt: skip
            read = {(qid, version): body for qid, version, body in rows}
            found |= read
            self._keep(read)
        return found

    def _keep(self, read: dict[Key, dict[str, Any]]) -> None:
        with self._lock:
            self._bodies.update(read)
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)
