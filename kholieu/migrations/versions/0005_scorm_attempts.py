"""scorm attempts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:31:48.005155
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorm_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("completion", sa.String(length=20), nullable=False),
        sa.Column("success", sa.String(length=20), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("score_max", sa.Float(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_scorm_attempts_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_scorm_attempts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorm_attempts")),
        sa.UniqueConstraint("item_id", "user_id", name=op.f("uq_scorm_attempts_item_id")),
    )
    with op.batch_alter_table("scorm_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scorm_attempts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scorm_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorm_attempts_user_id"))

    op.drop_table("scorm_attempts")
