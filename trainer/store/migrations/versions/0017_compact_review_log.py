"""the review log in half the room: a row keeps the card's state after it (the state before is
the card's previous state-changing row's after-state) and the review's maturity at the time;
days are day numbers, times epoch milliseconds, kinds and maturities small codes, sessions
numbers (their names, up to 32 characters a row, are kept once in study_session). At a million
reviews the log and its indexes took 171 MB; the card index no longer holds the id twice.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# written out, not imported: a migration is frozen the day it is written
KINDS = {"scheduled": 0, "repeat": 1, "quiz": 2, "import": 3, "reset": 4, "reschedule": 5,
         "switch": 6, "suspend": 7, "unsuspend": 8, "bury": 9, "unbury": 10, "leech": 11}
NO_CHANGE = "(1, 2)"  # repeat and quiz answers change no state
LOGGED = ("repetitions", "easiness_x100", "interval", "due", "reviews", "lapses",
          "suspended", "buried_until", "stability", "difficulty")
NEW_CARD = {"repetitions": "0", "easiness_x100": "250", "interval": "0", "reviews": "0",
            "lapses": "0", "suspended": "FALSE"}  # the rest: NULL
MATURITY = ("CASE WHEN before_due IS NULL AND before_reviews = 0 THEN 0 "
            "WHEN before_repetitions < 2 THEN 1 WHEN before_interval < 21 THEN 2 ELSE 3 END")
KIND_CODE = "CASE kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KINDS.items()) + " END"
KIND_NAME = "CASE kind " + " ".join(f"WHEN {v} THEN '{k}'" for k, v in KINDS.items()) + " END"

NEW_TABLE = """CREATE TABLE review_new (
    id INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    reviewed_at BIGINT NOT NULL,
    study_day INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    quality INTEGER NOT NULL,
    kind SMALLINT NOT NULL,
    maturity SMALLINT NOT NULL,
    answer_ms INTEGER NOT NULL,
    lapse_updates_easiness BOOLEAN NOT NULL,
    after_repetitions INTEGER NOT NULL,
    after_easiness_x100 INTEGER NOT NULL,
    after_interval INTEGER NOT NULL,
    after_due INTEGER,
    after_reviews INTEGER NOT NULL,
    after_lapses INTEGER NOT NULL,
    after_suspended BOOLEAN DEFAULT 0 NOT NULL,
    after_buried_until INTEGER,
    action_id INTEGER,
    after_stability FLOAT,
    after_difficulty FLOAT,
    params_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(card_id) REFERENCES card (id) ON DELETE CASCADE
)"""

OLD_TABLE = """CREATE TABLE review_old (
    id INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    session_id VARCHAR NOT NULL,
    reviewed_at DATETIME NOT NULL,
    study_day DATE NOT NULL,
    hour INTEGER NOT NULL,
    quality INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    answer_ms INTEGER NOT NULL,
    lapse_updates_easiness BOOLEAN NOT NULL,
    before_repetitions INTEGER NOT NULL,
    before_easiness_x100 INTEGER NOT NULL,
    before_interval INTEGER NOT NULL,
    before_due DATE,
    before_reviews INTEGER NOT NULL,
    before_lapses INTEGER NOT NULL,
    after_repetitions INTEGER NOT NULL,
    after_easiness_x100 INTEGER NOT NULL,
    after_interval INTEGER NOT NULL,
    after_due DATE,
    after_reviews INTEGER NOT NULL,
    after_lapses INTEGER NOT NULL,
    before_suspended BOOLEAN DEFAULT 0 NOT NULL,
    before_buried_until DATE,
    after_suspended BOOLEAN DEFAULT 0 NOT NULL,
    after_buried_until DATE,
    action_id INTEGER,
    before_stability FLOAT,
    before_difficulty FLOAT,
    after_stability FLOAT,
    after_difficulty FLOAT,
    params_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(card_id) REFERENCES card (id) ON DELETE CASCADE
)"""

SHARED = ("id", "card_id", "hour", "quality", "answer_ms",
          "lapse_updates_easiness", "after_repetitions", "after_easiness_x100",
          "after_interval", "after_reviews", "after_lapses", "after_suspended", "action_id",
          "after_stability", "after_difficulty", "params_id")


def _indexes(maturity: str, quiz: str) -> None:
    op.execute("CREATE INDEX ix_review_card ON review (card_id)")
    op.execute(f"CREATE INDEX ix_review_day ON review "
               f"(study_day, kind, {maturity}, quality, card_id)")
    op.execute(f"CREATE INDEX ix_review_quiz ON review (session_id) WHERE kind = {quiz}")


def _drop_indexes() -> None:
    for name in ("ix_review_card", "ix_review_day", "ix_review_quiz"):
        op.execute(f"DROP INDEX {name}")


def _sessions() -> None:
    op.create_table(
        "study_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
    )
    op.execute("INSERT INTO study_session (name) SELECT DISTINCT session_id FROM review")


SESSION_NUMBER = "(SELECT s.id FROM study_session s WHERE s.name = review.session_id)"
SESSION_NAME = "(SELECT s.name FROM study_session s WHERE s.id = r.session_id)"


def upgrade() -> None:
    _sessions()
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def _upgrade_sqlite() -> None:
    # trainer runs migrations with SQLite's foreign keys off: dropping the old table takes
    # nothing with it
    def day(column: str) -> str:
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"

    ms = ("(CAST(strftime('%s', reviewed_at) AS INTEGER) * 1000"
          " + CAST(substr(strftime('%f', reviewed_at), 4) AS INTEGER))")
    op.execute(NEW_TABLE)
    op.execute(
        f"INSERT INTO review_new ({', '.join(SHARED)}, session_id, reviewed_at, study_day, kind,"
        f" maturity, after_due, after_buried_until) SELECT {', '.join(SHARED)},"
        f" {SESSION_NUMBER}, {ms}, {day('study_day')}, {KIND_CODE}, {MATURITY}, {day('after_due')},"
        f" {day('after_buried_until')} FROM review ORDER BY id")
    op.execute("DROP TABLE review")
    op.execute("ALTER TABLE review_new RENAME TO review")
    _indexes("maturity", str(KINDS["quiz"]))
    # a card's last review time, to the millisecond its log row now keeps, rounded as the
    # row's was (SQLite's own date functions, which read every form the store has written:
    # with and without fractions, with and without "+00:00"), in the form SQLAlchemy writes
    op.execute("UPDATE card_state SET last_reviewed = "
               "strftime('%Y-%m-%d %H:%M:%f', last_reviewed) || '000' "
               "WHERE last_reviewed IS NOT NULL")


def _upgrade_postgresql() -> None:
    # Two passes over the table, not one an ALTER: the maturity and the session number are
    # written by one UPDATE, and one ALTER TABLE changes every type and drops the rest.
    _drop_indexes()
    op.execute("ALTER TABLE review ADD COLUMN maturity SMALLINT, "
               "ADD COLUMN session_number INTEGER")
    op.execute(f"UPDATE review SET maturity = {MATURITY}, session_number = s.id "
               "FROM study_session s WHERE s.name = review.session_id")
    days = [f"ALTER COLUMN {column} TYPE INTEGER USING ({column} - DATE '1970-01-01')"
            for column in ("study_day", "after_due", "after_buried_until")]
    op.execute("ALTER TABLE review "
               f"ALTER COLUMN kind TYPE SMALLINT USING ({KIND_CODE}), {', '.join(days)}, "
               "ALTER COLUMN reviewed_at TYPE BIGINT USING "
               "(floor(extract(epoch FROM reviewed_at) * 1000))::bigint, "
               "ALTER COLUMN maturity SET NOT NULL, ALTER COLUMN session_number SET NOT NULL, "
               f"{', '.join(f'DROP COLUMN before_{f}' for f in LOGGED)}, DROP COLUMN session_id")
    op.execute("ALTER TABLE review RENAME COLUMN session_number TO session_id")
    _indexes("maturity", str(KINDS["quiz"]))
    op.execute("UPDATE card_state SET last_reviewed = date_trunc('milliseconds', last_reviewed)"
               " WHERE last_reviewed IS NOT NULL")


def _befores() -> str:
    """Each row's before-state as columns b_*: its card's previous state-changing row's
    after-state, a new card's for the first; a repeat or quiz row's own."""
    lags = ", ".join(
        f"LAG(after_{f}, 1, {NEW_CARD[f]}) OVER w AS b_{f}" if f in NEW_CARD
        else f"LAG(after_{f}) OVER w AS b_{f}" for f in LOGGED)
    return (f"SELECT id AS b_id, {lags} FROM review WHERE kind NOT IN {NO_CHANGE} "
            f"WINDOW w AS (PARTITION BY card_id ORDER BY id)")


def _before(f: str) -> str:
    return f"CASE WHEN r.kind IN {NO_CHANGE} THEN r.after_{f} ELSE b.b_{f} END"


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _downgrade_sqlite()
    else:
        _downgrade_postgresql()


def _downgrade_sqlite() -> None:
    def day(column: str) -> str:
        return f"date({column} * 86400, 'unixepoch')"

    op.execute(OLD_TABLE)
    shared = ", ".join(f"r.{c}" for c in SHARED)
    befores = ", ".join(f"before_{f}" for f in LOGGED)
    values = ", ".join(
        (f"date({_before(f)} * 86400, 'unixepoch')" if f in ("due", "buried_until")
         else _before(f)) for f in LOGGED)
    op.execute(
        f"INSERT INTO review_old ({', '.join(SHARED)}, session_id, reviewed_at, study_day, kind,"
        f" after_due, after_buried_until, {befores}) SELECT {shared}, {SESSION_NAME},"
        f" strftime('%Y-%m-%d %H:%M:%f', r.reviewed_at / 1000.0, 'unixepoch') || '000',"
        f" {day('r.study_day')}, {KIND_NAME.replace('CASE kind', 'CASE r.kind')},"
        f" {day('r.after_due')}, {day('r.after_buried_until')}, {values}"
        f" FROM review r LEFT JOIN ({_befores()}) b ON b.b_id = r.id ORDER BY r.id")
    op.execute("DROP TABLE review")
    op.execute("ALTER TABLE review_old RENAME TO review")
    _old_indexes()
    op.drop_table("study_session")


def _old_indexes() -> None:
    op.execute("CREATE INDEX ix_review_card ON review (card_id, id)")
    op.execute("CREATE INDEX ix_review_day ON review "
               "(study_day, kind, before_repetitions, quality, card_id)")
    op.execute("CREATE INDEX ix_review_quiz ON review (session_id) WHERE kind = 'quiz'")


def _downgrade_postgresql() -> None:
    _drop_indexes()
    types = {"due": "INTEGER", "buried_until": "INTEGER", "stability": "FLOAT",
             "difficulty": "FLOAT", "suspended": "BOOLEAN"}
    for f in LOGGED:
        op.execute(f"ALTER TABLE review ADD COLUMN before_{f} {types.get(f, 'INTEGER')}")
    sets = ", ".join(f"before_{f} = {_before(f).replace('r.', 'review.')}" for f in LOGGED)
    op.execute(f"UPDATE review SET {sets} FROM ({_befores()}) b WHERE b.b_id = review.id")
    op.execute(f"UPDATE review SET {', '.join(f'before_{f} = after_{f}' for f in LOGGED)} "
               f"WHERE kind IN {NO_CHANGE}")
    for f in LOGGED:
        if f not in ("due", "buried_until", "stability", "difficulty"):
            op.execute(f"ALTER TABLE review ALTER COLUMN before_{f} SET NOT NULL")
    for column in ("study_day", "after_due", "after_buried_until", "before_due",
                   "before_buried_until"):
        op.execute(f"ALTER TABLE review ALTER COLUMN {column} TYPE DATE "
                   f"USING (DATE '1970-01-01' + {column})")
    op.execute("ALTER TABLE review ALTER COLUMN reviewed_at TYPE TIMESTAMP WITHOUT TIME ZONE "
               "USING (to_timestamp(reviewed_at / 1000.0) AT TIME ZONE 'UTC')")
    op.execute(f"ALTER TABLE review ALTER COLUMN kind TYPE VARCHAR USING ({KIND_NAME})")
    op.execute("ALTER TABLE review DROP COLUMN maturity")
    op.execute("ALTER TABLE review ADD COLUMN session_name VARCHAR")
    op.execute("UPDATE review SET session_name = s.name FROM study_session s "
               "WHERE s.id = review.session_id")
    op.execute("ALTER TABLE review DROP COLUMN session_id")
    op.execute("ALTER TABLE review RENAME COLUMN session_name TO session_id")
    op.execute("ALTER TABLE review ALTER COLUMN session_id SET NOT NULL")
    _old_indexes()
    op.drop_table("study_session")
