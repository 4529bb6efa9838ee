"""The search outbox: written with the change, drained in order, nothing lost while down."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.errors import SearchUnavailable
from kholieu.search.models import OutboxEntry


class RecordingBackend:
    """A SearchBackend test double that remembers what it was sent and can be 'down'."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.down = False

    def upsert(self, index: str, docs: list[dict[str, Any]]) -> None:
        self._check()
        for doc in docs:
            self.docs[f"{index}/{doc['id']}"] = doc

    def delete(self, index: str, ids: list[str]) -> None:
        self._check()
        for doc_id in ids:
            self.docs.pop(f"{index}/{doc_id}", None)

    def ping(self) -> None:
        self._check()

    def _check(self) -> None:
        if self.down:
            raise SearchUnavailable("search backend refused the connection")


def load_users(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    users = session.scalars(select(User).where(User.id.in_([int(i) for i in ids])))
    return {str(u.id): {"title": u.display_name} for u in users}


@pytest.fixture
def backend(services) -> RecordingBackend:
    backend = RecordingBackend()
    services.outbox.backend = backend
    services.outbox.register_loader("people", load_users)
    return backend


def rename(services, user_id: int, name: str, *, commit: bool = True) -> None:
    with services.sessions() as session:
        user = session.get(User, user_id)
        user.display_name = name
        services.outbox.record(session, "people", str(user_id))
        if commit:
            session.commit()
        else:
            session.rollback()


def pending(services) -> int:
    with services.sessions() as session:
        return session.scalar(
            select(func.count(OutboxEntry.id)).where(OutboxEntry.done_at.is_(None))
        )


def test_outbox_row_shares_the_change_transaction(services, backend, make_user):
    user = make_user()
    rename(services, user.id, "Rolled back", commit=False)
    assert pending(services) == 0
    rename(services, user.id, "Nguyễn Văn An")
    assert pending(services) == 1


def test_drain_sends_the_current_state_and_clears_rows(services, backend, make_user):
    user = make_user()
    rename(services, user.id, "first")
    rename(services, user.id, "second")
    assert services.outbox.drain() == 2
    assert backend.docs == {f"people/{user.id}": {"id": str(user.id), "title": "second"}}
    assert pending(services) == 0


def test_nothing_is_lost_while_the_backend_is_down(services, backend, make_user):
    users = [make_user() for _ in range(3)]
    backend.down = True
    for user in users:
        rename(services, user.id, f"edited {user.id}")  # writes still succeed
    with pytest.raises(SearchUnavailable):
        services.outbox.drain()
    with services.sessions() as session:
        rows = session.scalars(select(OutboxEntry)).all()
        assert [r.attempts for r in rows] == [1, 1, 1]
        assert rows[0].last_error == "search backend refused the connection"
    lag = services.outbox.lag()
    assert lag.pending == 3 and lag.seconds >= 0
    backend.down = False
    assert services.outbox.drain() == 3
    assert {d["title"] for d in backend.docs.values()} == {f"edited {u.id}" for u in users}


def test_deleted_documents_are_removed_from_the_index(services, backend, make_user):
    user = make_user()
    rename(services, user.id, "soon gone")
    services.outbox.drain()
    with services.sessions.begin() as session:
        session.delete(session.get(User, user.id))
        services.outbox.record(session, "people", str(user.id), "delete")
    services.outbox.drain()
    assert backend.docs == {}


def test_unknown_index_is_a_programming_error(services, backend):
    with services.sessions() as session, pytest.raises(ValueError, match="no loader"):
        services.outbox.record(session, "nope", "1")


def test_readyz_reports_index_lag(client, services, backend, make_user):
    rename(services, make_user().id, "x")
    search = client.get("/readyz").json()["checks"]["search"]
    assert search["outbox_pending"] == 1


def test_drainer_thread_is_woken_by_commits(services, backend, make_user):
    import threading
    import time

    stop = threading.Event()
    thread = threading.Thread(target=services.outbox.run_forever, args=(stop, 30.0), daemon=True)
    thread.start()
    try:
        user = make_user()
        time.sleep(0.2)  # let the first (empty) drain pass; the next wait is 30 s long
        rename(services, user.id, "woken")
        deadline = time.monotonic() + 5
        while f"people/{user.id}" not in backend.docs and time.monotonic() < deadline:
            time.sleep(0.02)
        assert backend.docs[f"people/{user.id}"]["title"] == "woken"
    finally:
        stop.set()
        services.outbox.wake()
        thread.join(5)
