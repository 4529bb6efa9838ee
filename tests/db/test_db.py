"""Database wiring: SQLite pragmas, migrations matching the models, after-commit hooks."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from kholieu.accounts.models import User
from kholieu.db import make_engine, on_commit
from kholieu.db.base import Base
from kholieu.db.migrate import current_revision, head_revision, upgrade
from kholieu.db.session import end_read, untouched


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/sub/dir/k.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_migrations_match_the_models(services):
    """A model change without a migration fails here (on SQLite and PostgreSQL alike)."""
    with services.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert current_revision(services.engine) == head_revision() == "0021"


def test_upgrade_is_idempotent(services):
    upgrade(services.engine)
    assert current_revision(services.engine) == head_revision() == "0021"


def test_foreign_keys_are_enforced(services):
    from sqlalchemy.exc import IntegrityError

    from kholieu.jobs.models import Job

    with services.sessions() as session:
        session.add(Job(id="x" * 32, name="n", payload={}, started_by=424242))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
        else:  # pragma: no cover - the assertion below reports it
            raise AssertionError("a job pointing at a missing user was stored")


def test_on_commit_runs_after_commit_only(services):
    calls: list[str] = []
    with services.sessions() as session:
        on_commit(session, lambda: calls.append("rolled back"))
        session.add(User(username="a1", role="student", password_hash="x"))
        session.rollback()
        on_commit(session, lambda: calls.append("committed"))
        session.add(User(username="a2", role="student", password_hash="x"))
        assert calls == []
        session.commit()
    assert calls == ["committed"]


def test_a_session_is_untouched_until_it_reads_writes_or_waits_for_a_commit(services):
    """A request whose session is untouched ends without a trip to an ending thread
    (web/deps.py): anything that would make its ending do I/O counts as a touch."""
    with services.sessions() as session:
        assert untouched(session)
        session.execute(text("SELECT 1"))
        assert not untouched(session)  # a transaction holds a connection
    with services.sessions() as session:
        session.add(User(username="a3", role="student", password_hash="x"))
        assert not untouched(session)  # a flush is due
    with services.sessions() as session:
        on_commit(session, lambda: None)
        assert not untouched(session)  # a callback waits for the commit


def test_a_read_ends_early_only_when_the_session_has_only_read(services):
    """``end_read`` (after a sign-in's token lookup) gives the connection back and leaves the
    session untouched, with what it loaded still readable; it never commits anything else."""
    with services.sessions() as session:
        session.add(User(username="a4", role="student", password_hash="x"))
        session.commit()
    with services.sessions() as session:
        user = session.scalars(select(User).where(User.username == "a4")).one()
        end_read(session)
        assert untouched(session) and user.role == "student"  # no query: still loaded
        assert untouched(session)
    with services.sessions() as session:
        session.execute(text("SELECT 1"))
        session.add(User(username="a5", role="student", password_hash="x"))
        end_read(session)  # a change waits for the request's own commit
        assert session.in_transaction() and session.new
        session.rollback()
    with services.sessions() as session:
        assert session.scalars(select(User).where(User.username == "a5")).first() is None


def test_quizzes_made_before_the_exam_security_migration_keep_drawing_as_they_did(tmp_path):
    """0012 gives every quiz a share link's token and keeps old blueprints drawing any short
    answer; questions ready before it count as approved as they stand."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0011")
    section = {"title": "PHẦN III", "type": "short_answer", "points_each": 1,
               "rows": [{"counts": {"van_dung": 1}}]}  # fmt: skip
    blueprint = {"v": 1, "data": {"title": "Cũ", "subject": "toan", "grade": 10,
                                  "duration_min": 10, "sections": [section]}}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO quizzes (id, title, mode, blueprint, seed, versions, code, grading,"
            " review, created_at) VALUES (1, 'Cũ', 'practice', :bp, 1, '[]', 'ABCDEF',"
            " 'highest', 'after_submit', '2026-11-30')"
        ), {"bp": json.dumps(blueprint)})  # fmt: skip
        conn.execute(text(
            "INSERT INTO questions (id, type, status, title, topic, tags, source, license,"
            " author, body, version, fingerprint, sketch, updated_at, created_at)"
            " VALUES (1, 'essay', 'ready', '', '', '[]', '', 'CC-BY-4.0', '', '{}', 3, 'f',"
            " '[]', '2026-11-30', '2026-11-30')"
        ))  # fmt: skip
    upgrade(engine)
    with engine.connect() as conn:
        token, stored = conn.execute(text("SELECT token, blueprint FROM quizzes")).one()
        approved, exposure = conn.execute(
            text("SELECT approved_version, exposure FROM questions")
        ).one()
    engine.dispose()
    assert len(token) >= 20
    assert json.loads(stored)["data"]["sections"][0]["answer_sheet"] == "text"
    assert (approved, exposure) == (3, "exam")


def test_images_left_without_a_source_are_removed_from_stored_questions(services):
    """0014 removes the ``<img>`` the sanitiser used to leave of a pasted outside image, from
    questions and their kept versions, on SQLite and PostgreSQL, in batches (more rows than
    one batch), leaving bank images and rows without images as they were."""
    from alembic import command

    from kholieu.db.migrate import alembic_config

    bank = '<img src="/cau-hoi/anh/' + "a" * 64 + '" alt="hình">'
    broken = {"stem": 'Quan sát <img alt="tế bào" width="220"> hình ' + bank,
              "options": ["<img>", "Nhân <img height=\"9\">"], "answer": 0,
              "explanation": "Xem <img alt=\"x\">", "option_feedback": ["<img>", ""]}  # fmt: skip
    plain = {"stem": "Không có hình", "options": ["a", "b"], "answer": 1}
    command.downgrade(alembic_config(services.engine), "0013")
    try:
        with services.engine.begin() as conn:
            for i in range(1, 603):
                body = plain if i % 7 == 0 else broken
                conn.execute(text(
                    "INSERT INTO questions (id, type, status, title, topic, tags, source,"
                    " license, author, body, version, fingerprint, sketch, exposure, updated_at,"
                    " created_at) VALUES (:id, 'single_choice', 'draft', '', '', '[]', '',"
                    " 'CC-BY-4.0', '', :body, 1, 'f', '[]', 'exam', '2026-12-01', '2026-12-01')"
                ), {"id": i, "body": json.dumps(body)})  # fmt: skip
            conn.execute(text(
                "INSERT INTO question_versions (id, question_id, version, type, body, created_at)"
                " VALUES (1, 600, 1, 'single_choice', :body, '2026-12-01')"
            ), {"body": json.dumps(broken)})  # fmt: skip
    finally:
        upgrade(services.engine)
    assert current_revision(services.engine) == head_revision()
    with services.engine.connect() as conn:
        bodies = [json.loads(b) if isinstance(b, str) else b for b in conn.scalars(text(
            "SELECT body FROM questions WHERE id IN (1, 7, 600) ORDER BY id"))]  # fmt: skip
        kept = conn.scalar(text("SELECT body FROM question_versions WHERE id = 1"))
    kept = json.loads(kept) if isinstance(kept, str) else kept
    for fixed in (bodies[0], bodies[2], kept):
        assert fixed["stem"] == "Quan sát  hình " + bank
        assert fixed["options"] == ["", "Nhân "] and fixed["explanation"] == "Xem "
        assert fixed["option_feedback"] == ["", ""] and fixed["answer"] == 0
    assert bodies[1] == plain


def test_the_outcome_fields_migration_makes_the_drainer_rebuild_the_indices(tmp_path):
    """0021 adds ``outcome`` to both search schemas: it leaves one pending change per index
    that has documents, so the drainer meets the old index and rebuilds it."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0020")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO questions (id, type, status, title, topic, tags, source, license,"
            " author, body, version, fingerprint, sketch, updated_at, created_at, exposure,"
            " times_graded) VALUES (7, 'essay', 'ready', '', '', '[]', '', 'CC-BY-4.0', '',"
            " '{}', 1, 'f', '[]', '2026-11-30', '2026-11-30', 'exam', 0)"
        ))  # fmt: skip
    upgrade(engine)
    with engine.connect() as conn:
        pending = conn.execute(
            text('SELECT "index", doc_id, op FROM search_outbox WHERE done_at IS NULL')
        ).all()
        codes = conn.execute(text("SELECT yccd_codes FROM questions")).scalar_one()
    engine.dispose()
    assert [tuple(row) for row in pending] == [("questions", "7", "upsert")]  # no content yet
    assert json.loads(codes) == []
