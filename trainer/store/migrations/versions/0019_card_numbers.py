"""a card's content hashes and creation time as integers: the hashes were 32 hexadecimal
characters each (two a card), the time 26 characters of text; now 8 bytes each and a
millisecond count. A card row is 66 bytes smaller (100,000 cards with a million reviews: 167
to 160 bytes of database a review). A hash is the first 8 bytes of the same digest, so a file
imported before re-imports unchanged.

Revision ID: 0019
Revises: 0018
"""

import hashlib
import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

HEX = re.compile(r"^[0-9a-f]{16}")


def hash_number(text: str | None) -> int | None:
    """The first 8 bytes of a hexadecimal digest as a signed 64-bit integer (what both
    databases store); a value that is no digest is 0, which no content hashes to."""
    if text is None:
        return None
    return int.from_bytes(bytes.fromhex(text[:16]), "big", signed=True) if HEX.match(text) \
        else 0


def content_hash(row: sa.Row) -> str:
    # trainer.store.imports.content_hash as it was before this revision
    text = "\x1f".join((
        row.entry, row.kind, row.prompt, row.answer, "\x1e".join(json.loads(row.accept or "[]")),
        "\x1e".join(json.loads(row.distractors or "[]")), row.cloze_text, str(row.cloze_number),
        row.explanation, row.source_quote, str(row.source_para), "\x1e".join(row.tags.split()),
    ))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


COLUMNS = """id INTEGER NOT NULL,
    deck_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    entry VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    prompt VARCHAR NOT NULL,
    answer VARCHAR NOT NULL,
    accept VARCHAR NOT NULL,
    distractors VARCHAR NOT NULL,
    cloze_text VARCHAR NOT NULL,
    cloze_number INTEGER,
    explanation VARCHAR NOT NULL,
    source_quote VARCHAR NOT NULL,
    source_para INTEGER,
    tags VARCHAR NOT NULL,
    content_hash {hash} NOT NULL,
    position INTEGER NOT NULL,
    shuffle_seed INTEGER NOT NULL,
    created_at {time},
    search_text VARCHAR DEFAULT '' NOT NULL,
    import_hash {hash},
    PRIMARY KEY (id),
    FOREIGN KEY(deck_id) REFERENCES deck (id) ON DELETE CASCADE"""
KEPT = ("id, deck_id, \"key\", entry, kind, prompt, answer, accept, distractors, cloze_text, "
        "cloze_number, explanation, source_quote, source_para, tags, position, shuffle_seed, "
        "search_text")
MS = ("(CAST(strftime('%s', created_at) AS INTEGER) * 1000"
      " + CAST(substr(strftime('%f', created_at), 4) AS INTEGER))")
TIME = "strftime('%Y-%m-%d %H:%M:%f', created_at / 1000.0, 'unixepoch') || '000'"


def _rebuild_sqlite(hash_type: str, time_type: str, hashes: str, time: str) -> None:
    # trainer runs migrations with SQLite's foreign keys off: dropping the old table takes
    # no state, tag or review with it, and they refer to the new one by name
    op.execute(f"CREATE TABLE card_new ({COLUMNS.format(hash=hash_type, time=time_type)}\n)")
    op.execute(f"INSERT INTO card_new ({KEPT}, content_hash, import_hash, created_at) "
               f"SELECT {KEPT}, {hashes}, {time} FROM card ORDER BY id")
    op.execute("DROP TABLE card")
    op.execute("ALTER TABLE card_new RENAME TO card")
    op.execute('CREATE UNIQUE INDEX uq_card_deck_key ON card (deck_id, "key")')
    op.execute("CREATE INDEX ix_card_deck_position ON card (deck_id, position)")
    op.execute("CREATE INDEX ix_card_note ON card (deck_id, entry)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        driver = bind.connection.driver_connection
        driver.create_function("hash_number", 1, hash_number, deterministic=True)
        _rebuild_sqlite("BIGINT", "BIGINT", "hash_number(content_hash), hash_number(import_hash)",
                        MS)
    else:
        def number(column: str) -> str:
            return (f"CASE WHEN {column} ~ '^[0-9a-f]{{16}}' "
                    f"THEN ('x' || substr({column}, 1, 16))::bit(64)::bigint ELSE 0 END")

        op.execute(f"ALTER TABLE card ALTER COLUMN content_hash TYPE BIGINT USING "
                   f"({number('content_hash')}), ALTER COLUMN import_hash TYPE BIGINT USING "
                   f"({number('import_hash')}), ALTER COLUMN created_at TYPE BIGINT USING "
                   "(floor(extract(epoch FROM created_at) * 1000))::bigint")


def downgrade() -> None:
    """The content hash written again whole from each card's fields; an import hash that
    differed (an edit in the app since the import) stays a different, shorter digest."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite("VARCHAR", "DATETIME", "'', import_hash", TIME)
    else:
        op.execute("ALTER TABLE card ALTER COLUMN content_hash TYPE VARCHAR USING '', "
                   "ALTER COLUMN import_hash TYPE VARCHAR USING import_hash::text, "
                   "ALTER COLUMN created_at TYPE TIMESTAMP WITHOUT TIME ZONE USING "
                   "to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC'")
    rows = bind.execute(sa.text(
        "SELECT id, entry, kind, prompt, answer, accept, distractors, cloze_text, "
        "cloze_number, explanation, source_quote, source_para, tags, import_hash FROM card"))
    updates = []
    for row in rows.all():
        whole = content_hash(row)
        imported = row.import_hash
        if imported is not None:
            imported = whole if int(imported) == hash_number(whole) else \
                format(int(imported) & (2**64 - 1), "016x")
        updates.append({"i": row.id, "h": whole, "m": imported})
    if updates:
        bind.execute(sa.text("UPDATE card SET content_hash = :h, import_hash = :m WHERE id = :i"),
                     updates)
