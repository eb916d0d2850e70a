"""Anki cards know their note: entry = the note's guid (the key up to its last ':')

Revision ID: 0007
Revises: 0006
"""

import hashlib
import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# An Anki package's card was stored with entry = key = "<note guid>:<template ord>".
ANKI_KEY = re.compile(r"^(.+):(\d+)$", re.DOTALL)

card = sa.table(
    "card",
    sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("entry", sa.String),
    sa.column("kind", sa.String), sa.column("prompt", sa.String), sa.column("answer", sa.String),
    sa.column("accept", sa.String), sa.column("distractors", sa.String),
    sa.column("cloze_text", sa.String), sa.column("cloze_number", sa.Integer),
    sa.column("explanation", sa.String), sa.column("source_quote", sa.String),
    sa.column("source_para", sa.Integer), sa.column("tags", sa.String),
    sa.column("content_hash", sa.String),
)


def content_hash(row, entry: str) -> str:
    # trainer.store.imports.content_hash as it was at this revision, over the stored columns,
    # so that re-importing the same package finds its cards unchanged
    text = "\x1f".join((
        entry, row.kind, row.prompt, row.answer, "\x1e".join(json.loads(row.accept or "[]")),
        "\x1e".join(json.loads(row.distractors or "[]")), row.cloze_text, str(row.cloze_number),
        row.explanation, row.source_quote, str(row.source_para), "\x1e".join(row.tags.split()),
    ))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(card).where(card.c.entry == card.c.key,
                                              card.c.key.like("%:%"))).all()
    changes = []
    for row in rows:
        match = ANKI_KEY.match(row.key)
        if match:
            entry = match.group(1)
            changes.append({"b_id": row.id, "b_entry": entry,
                            "b_hash": content_hash(row, entry)})
    if changes:
        conn.execute(
            card.update().where(card.c.id == sa.bindparam("b_id")).values(
                entry=sa.bindparam("b_entry"), content_hash=sa.bindparam("b_hash")),
            changes,
        )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(card.update().where(card.c.key.like("%:%"), card.c.entry != card.c.key)
                 .values(entry=card.c.key))
