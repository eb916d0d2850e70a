"""a card's key is unique by a named index, not a table constraint: an import that adds at
least as many cards as a SQLite database holds drops the card table's random-order indexes
and builds them again after its rows (store.imports), and SQLite can drop an index but not a
constraint (a million-row TSV import: 36 -> 27 s).

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# the card table as migrations 0001-0013 left it, without or with its constraint
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
    content_hash VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    shuffle_seed INTEGER NOT NULL,
    created_at DATETIME,
    search_text VARCHAR DEFAULT '' NOT NULL,
    import_hash VARCHAR,
    PRIMARY KEY (id),"""
CONSTRAINT = """
    CONSTRAINT uq_card_deck_key UNIQUE (deck_id, "key"),"""
REFERENCE = """
    FOREIGN KEY(deck_id) REFERENCES deck (id) ON DELETE CASCADE"""
NAMES = ("id, deck_id, \"key\", entry, kind, prompt, answer, accept, distractors, cloze_text, "
         "cloze_number, explanation, source_quote, source_para, tags, content_hash, position, "
         "shuffle_seed, created_at, search_text, import_hash")


def _rebuild_sqlite(constraint: bool) -> None:
    # trainer runs migrations with SQLite's foreign keys off: dropping the old table takes
    # no state, tag or review with it, and they refer to the new one by name
    op.execute(f"CREATE TABLE card_new ({COLUMNS}{CONSTRAINT if constraint else ''}"
               f"{REFERENCE}\n)")
    op.execute(f"INSERT INTO card_new ({NAMES}) SELECT {NAMES} FROM card ORDER BY id")
    op.execute("DROP TABLE card")
    op.execute("ALTER TABLE card_new RENAME TO card")
    if not constraint:
        op.execute('CREATE UNIQUE INDEX uq_card_deck_key ON card (deck_id, "key")')
    op.execute("CREATE INDEX ix_card_deck_position ON card (deck_id, position)")
    op.execute("CREATE INDEX ix_card_note ON card (deck_id, entry)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(constraint=False)
    else:
        op.execute("ALTER TABLE card DROP CONSTRAINT uq_card_deck_key")
        op.execute('CREATE UNIQUE INDEX uq_card_deck_key ON card (deck_id, "key")')


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(constraint=True)
    else:
        op.execute("DROP INDEX uq_card_deck_key")
        op.execute('ALTER TABLE card ADD CONSTRAINT uq_card_deck_key UNIQUE (deck_id, "key")')
