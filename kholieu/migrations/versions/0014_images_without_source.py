"""images without source: drop the ``<img>`` a pasted outside image left in questions

The sanitiser took an outside image's ``src`` away and kept the tag, which shows nothing and
made the Word export fail on the question. It now drops such a tag on the way in; this removes
the ones already stored, from questions and from the versions attempts and papers keep.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00
"""

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 500
# Written out here rather than imported from the sanitiser, so that this migration keeps doing
# what it did when the code it came with changes. Stored HTML is nh3's: attributes quoted, a
# ``"`` inside a value escaped, so ``src="`` in a tag is the attribute itself.
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_BANK_SRC = re.compile(r'\ssrc="/cau-hoi/anh/[0-9a-f]{64}"')
_RICH = ("stem", "explanation")
_RICH_LISTS = ("options", "statements", "option_feedback")


def _without(html: Any) -> Any:
    if not isinstance(html, str) or "<img" not in html:
        return html
    return _IMG.sub(lambda tag: tag.group(0) if _BANK_SRC.search(tag.group(0)) else "", html)


def cleaned(body: Any) -> Any:
    """The body with every image lacking a bank source removed from its rich-text fields."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    for name in _RICH:
        if name in out:
            out[name] = _without(out[name])
    for name in _RICH_LISTS:
        if isinstance(out.get(name), list):
            out[name] = [_without(value) for value in out[name]]
    if isinstance(out.get("accept"), list):
        out["accept"] = [_accepted(answer) for answer in out["accept"]]
    return out


def _accepted(answer: Any) -> Any:
    if isinstance(answer, dict) and "feedback" in answer:
        return {**answer, "feedback": _without(answer["feedback"])}
    return answer


def _clean_table(name: str) -> None:
    """Rows whose body mentions an image, a batch at a time in id order (keyset, so a large
    bank is never held in memory and no row is read twice)."""
    table = sa.table(name, sa.column("id", sa.Integer), sa.column("body", sa.JSON))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, table.c.body)
            .where(table.c.id > last, sa.cast(table.c.body, sa.Text).like("%<img%"))
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, body in rows:
            fixed = cleaned(body)
            if fixed != body:
                conn.execute(table.update().where(table.c.id == row_id).values(body=fixed))
        last = rows[-1][0]


def upgrade() -> None:
    _clean_table("questions")
    _clean_table("question_versions")


def downgrade() -> None:
    """Nothing to put back: the removed tags had no source and showed nothing."""
