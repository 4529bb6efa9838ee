"""textbooks (details, pages' text, sections, links) and the learning-outcome catalogue;
questions name the outcomes they assess

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("subject", sa.String(32), nullable=False, index=True),
        sa.Column("grade", sa.Integer(), nullable=False, index=True),
        sa.Column("strand", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "textbooks",
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("content_items.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("publisher", sa.String(200), nullable=False),
        sa.Column("edition", sa.String(100), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("pages_sha256", sa.String(64)),
        sa.Column("toc_edited", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "textbook_pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("content_items.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("item_id", "page"),
    )
    op.create_table(
        "textbook_sections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("content_items.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "parent_id",
            sa.Integer(),
            sa.ForeignKey("textbook_sections.id", ondelete="CASCADE"),
            index=True,
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("page_start", sa.Integer(), nullable=False),
        sa.Column("page_end", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("yccd_codes", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "section_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "section_id",
            sa.Integer(),
            sa.ForeignKey("textbook_sections.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False, index=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("section_id", "target_kind", "target_id"),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("yccd_codes", sa.JSON(), nullable=False, server_default="[]"))

    _reindex_soon()


def _reindex_soon() -> None:
    """Both search indices gain an ``outcome`` field: one pending change per index makes the
    drainer write to it, meet the old schema (IndexMissing) and rebuild the index from the
    database, so searching works again without anyone running ``kholieu reindex``."""
    for index, table in (("content", "content_items"), ("questions", "questions")):
        op.execute(
            sa.text(
                'INSERT INTO search_outbox ("index", doc_id, op, attempts, created_at) '
                f"SELECT '{index}', CAST(MIN(id) AS VARCHAR(64)), 'upsert', 0, "
                f"CURRENT_TIMESTAMP FROM {table} HAVING COUNT(*) > 0"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("yccd_codes")
    for table in ("section_links", "textbook_sections", "textbook_pages", "textbooks", "outcomes"):
        op.drop_table(table)
