"""content_views: when a signed-in user last opened an item's page ("recently opened")

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-02 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_opened", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_items.id"], name=op.f("fk_content_views_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_content_views_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_views")),
        sa.UniqueConstraint("user_id", "item_id", name=op.f("uq_content_views_user_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_content_views_item_id"), "content_views", ["item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_content_views_item_id"), table_name="content_views")
    op.drop_table("content_views")
