"""content files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:15:05.636888
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("package", sa.JSON(), nullable=True),
        sa.Column("unpacked", sa.Boolean(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_files_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_files")),
        sa.UniqueConstraint("item_id", name=op.f("uq_content_files_item_id")),
    )
    with op.batch_alter_table("content_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_files_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("content_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_files_sha256"))

    op.drop_table("content_files")
