"""faults survived: jobs waiting for a dependency, imports that know their own questions, import
reports read

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waits", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_questions_import_id"), ["import_id"], unique=False)
    with op.batch_alter_table("question_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_imports", schema=None) as batch_op:
        batch_op.drop_column("seen_at")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_import_id"))
        batch_op.drop_column("import_id")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("waiting_since")
        batch_op.drop_column("waits")
