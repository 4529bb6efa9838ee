"""exam security: question exposure and approved version, quiz share tokens and access

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:40:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("exposure", sa.String(length=12), server_default="exam", nullable=False)
        )
        batch_op.add_column(sa.Column("approved_version", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_questions_exposure"), ["exposure"], unique=False)
    # What is ready now was approved as it stands.
    op.execute("UPDATE questions SET approved_version = version WHERE status = 'ready'")

    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_quizzes_token"), ["token"])
    quizzes = sa.table(
        "quizzes", sa.column("id", sa.Integer), sa.column("token", sa.String),
        sa.column("blueprint", sa.JSON),
    )  # fmt: skip
    conn = op.get_bind()
    for quiz_id, blueprint in conn.execute(sa.select(quizzes.c.id, quizzes.c.blueprint)).all():
        conn.execute(
            quizzes.update().where(quizzes.c.id == quiz_id)
            .values(token=secrets.token_urlsafe(16), blueprint=_drawn_as_before(blueprint))
        )  # fmt: skip

    op.create_table(
        "quiz_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_access_quiz_id_quizzes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quiz_access_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_access")),
        sa.UniqueConstraint("quiz_id", "user_id", name=op.f("uq_quiz_access_quiz_id")),
    )  # fmt: skip
    with op.batch_alter_table("quiz_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_access_quiz_id"), ["quiz_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_access_user_id"), ["user_id"], unique=False)


def _drawn_as_before(stored: dict) -> dict:
    """Quizzes made before the 2025 answer-sheet rule keep drawing any short answer (a
    practice quiz draws at every start): their sections say ``answer_sheet: text``."""
    data = stored["data"] if isinstance(stored, dict) and "data" in stored else stored
    for section in data.get("sections", []):
        section.setdefault("answer_sheet", "text")
    return stored


def downgrade() -> None:
    op.drop_table("quiz_access")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_quizzes_token"), type_="unique")
        batch_op.drop_column("token")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_exposure"))
        batch_op.drop_column("approved_version")
        batch_op.drop_column("exposure")
