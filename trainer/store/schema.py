"""The database tables, as SQLModel table models, and nothing else.

Deck files are validated by separate pydantic models (trainer.formats); what leaves the store is
a record (trainer.store.records), never one of these. Every figure the statistics aggregate is
a real column. Dates called ``due``, ``study_day`` and ``buried_until`` are study days (see
trainer.studyday); times are aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, text
from sqlmodel import AutoString, Field, SQLModel

from trainer.rules import CardKind, LeechAction, Maturity, ReviewKind, Scheduler
from trainer.scheduler.sm2 import INITIAL_EASINESS_X100
from trainer.store.columns import (
    KIND_CODES,
    DayNumber,
    EpochMillis,
    KindCode,
    MaturityCode,
)

QUIZ = KIND_CODES["quiz"]


class Deck(SQLModel, table=True):
    __tablename__ = "deck"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    name: str
    description: str = ""
    source: str = ""
    tags: str = ""  # the deck's own tags, space-separated (cards carry them in card_tag too)
    created_at: datetime
    updated_at: datetime
    new_per_day: int | None = None
    reviews_per_day: int | None = None
    retired: bool = False  # deleted: hidden, its cards retired, its history kept


class DeckAlias(SQLModel, table=True):
    """A renamed deck's former keys: a re-import of its file finds it by them."""

    __tablename__ = "deck_alias"

    key: str = Field(primary_key=True)
    deck_id: int = Field(foreign_key="deck.id", ondelete="CASCADE")


class Card(SQLModel, table=True):
    __tablename__ = "card"
    __table_args__ = (
        # an index, not a constraint: a big import drops it and builds it after its rows
        # (store.imports.deferred_indexes; migration 0018)
        Index("uq_card_deck_key", "deck_id", "key", unique=True),
        Index("ix_card_deck_position", "deck_id", "position"),
        Index("ix_card_note", "deck_id", "entry"),  # siblings: the cards of one note
    )

    id: int | None = Field(default=None, primary_key=True)
    deck_id: int = Field(foreign_key="deck.id", ondelete="CASCADE")
    key: str
    # the note: the deck-file entry this card came from (a cloze entry yields several cards),
    # or the Anki note's guid (a note yields a card per template)
    entry: str
    kind: CardKind = Field(sa_type=AutoString)
    prompt: str = ""
    answer: str = ""
    accept: str = "[]"  # JSON list of other accepted answers; shown, never aggregated
    distractors: str = "[]"  # JSON list
    cloze_text: str = ""
    cloze_number: int | None = None
    explanation: str = ""
    source_quote: str = ""
    source_para: int | None = None
    tags: str = ""  # the card's own tags, space-separated
    # a fingerprint of the card's content (store.card_rows.content_hash), 64 bits
    content_hash: int = Field(default=0, sa_type=BigInteger)
    # the content_hash last imported from a file (None: added in the app); differing from
    # content_hash means an in-app edit since
    import_hash: int | None = Field(default=None, sa_type=BigInteger)
    position: int = 0
    shuffle_seed: int = 0
    # when it was first imported or added (search: added:)
    created_at: datetime | None = Field(default=None, sa_type=EpochMillis)
    search_text: str = ""  # every field in lower case, for free-text search (convert.searchable)
    # the student's flag, as Anki's (rules.FLAG_COLOURS): 0 none, 1-7 a colour. A note on the
    # card like its tags, not a state: no log row, an undo journal entry (store.marks)
    flag: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class CardTag(SQLModel, table=True):
    """Effective tags (the card's and its deck's), one row each, for per-tag statistics."""

    __tablename__ = "card_tag"
    # on SQLite the table is its primary key's index alone (migration 0015)
    __table_args__ = {"sqlite_with_rowid": False}

    card_id: int = Field(foreign_key="card.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class CardState(SQLModel, table=True):
    __tablename__ = "card_state"
    __table_args__ = (
        Index("ix_card_state_queue", "suspended", "retired", "due", "easiness_x100"),
        Index("ix_card_state_buried", "buried_until"),
    )

    card_id: int = Field(foreign_key="card.id", primary_key=True, ondelete="CASCADE")
    repetitions: int = 0
    easiness_x100: int = INITIAL_EASINESS_X100
    interval: int = 0
    due: date | None = None  # None: a new card
    lapses: int = 0
    reviews: int = 0
    suspended: bool = False
    buried_until: date | None = None
    last_reviewed: datetime | None = None
    # No longer part of its deck (gone from the deck's file, or deleted): out of every queue
    # and count, its reviews still in the statistics. Not a scheduling flag: replay and
    # unsuspend leave it alone.
    retired: bool = False
    # FSRS memory (trainer.scheduler.fsrs): None until its first FSRS review or a switch to
    # FSRS; under SM-2 it is left as it was
    stability: float | None = None
    difficulty: float | None = None


class StudySession(SQLModel, table=True):
    """The names log rows are grouped by (a study window's or quiz's own, "browse-…",
    "cli-suspend"): a row keeps the number, not the 32-character name, in every answer."""

    __tablename__ = "study_session"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class Review(SQLModel, table=True):
    """The review log. Replaying it (trainer.store.replay) gives every card state.

    A row keeps the card's state after it; the state before it is the after-state of the
    card's previous row that changed state (not a repeat or quiz answer), or a new card's
    (trainer.store.history.before_states). Days, times, kinds and maturities are small
    integers (trainer.store.columns): this table grows with every answer."""

    __tablename__ = "review"
    __table_args__ = (
        # a card's rows in order: SQLite keeps the rowid in the index entry
        Index("ix_review_card", "card_id"),
        # covering: retention per deck and tag is read from the index alone
        Index("ix_review_day", "study_day", "kind", "maturity", "quality", "card_id"),
        # quiz answers alone (the quiz statistics' index): one over every answer cost 26 MB
        # at a million reviews and a page in every grade's commit
        Index("ix_review_quiz", "session_id", sqlite_where=text(f"kind = {QUIZ}"),
              postgresql_where=text(f"kind = {QUIZ}")),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", ondelete="CASCADE")
    session_id: int  # study_session.id (no foreign key: sessions are never deleted)
    reviewed_at: datetime = Field(sa_type=EpochMillis)
    study_day: date = Field(sa_type=DayNumber)
    hour: int  # local hour in the configured zone, for the hourly breakdown
    quality: int
    kind: ReviewKind = Field(sa_type=KindCode)
    # the card's maturity before it (rules.maturity): the statistics' young and mature
    maturity: Maturity = Field(sa_type=MaturityCode)
    answer_ms: int = 0
    lapse_updates_easiness: bool = False
    after_repetitions: int
    after_easiness_x100: int
    after_interval: int
    after_due: date | None = Field(default=None, sa_type=DayNumber)
    after_reviews: int = 0
    after_lapses: int = 0
    # the flags, so that replaying the log gives them too
    after_suspended: bool = False
    after_buried_until: date | None = Field(default=None, sa_type=DayNumber)
    # One key press can write several rows (a grade, the siblings it buries, the leech
    # action it triggers): they carry the first row's id here, and undo takes them together.
    # For a "leech" row, quality 1 means it added the card's leech tag.
    action_id: int | None = None
    after_stability: float | None = None
    after_difficulty: float | None = None
    # The FSRS parameter set that scheduled a "scheduled" row or that a "switch" row switched
    # to; None: SM-2. Replay reads it to rebuild each state with the scheduler that decided it.
    # (No foreign key: parameter sets are never deleted, and SQLite cannot drop a column that
    # has one, which a downgrade needs.)
    params_id: int | None = None


class FSRSParamSet(SQLModel, table=True):
    """What FSRS scheduled with: weights, desired retention, maximum interval. Rows are never
    changed (the log refers to them); a fitted set says when and from how many reviews."""

    __tablename__ = "fsrs_params"

    id: int | None = Field(default=None, primary_key=True)
    weights: str  # JSON list of FSRS-6's 21 weights
    desired_retention: float
    maximum_interval: int
    fitted_at: datetime | None = None  # None: FSRS's default weights
    reviews: int = 0  # the scheduled reviews the weights were fitted to
    deck_id: int | None = None  # the deck it was fitted for


class DeckOption(SQLModel, table=True):
    """A deck's options as set in the app or by `trainer deck options`; NULL means unset, so
    config.toml's [decks.KEY], then the deck file, then the default decide."""

    __tablename__ = "deck_option"

    deck_id: int = Field(foreign_key="deck.id", primary_key=True, ondelete="CASCADE")
    new_per_day: int | None = None
    reviews_per_day: int | None = None
    bury_new_siblings: bool | None = None
    bury_review_siblings: bool | None = None
    leech_lapses: int | None = None
    leech_action: LeechAction | None = Field(default=None, sa_type=AutoString)
    scheduler: Scheduler | None = Field(default=None, sa_type=AutoString)
    desired_retention: float | None = None
    maximum_interval: int | None = None
    fitted_params_id: int | None = None  # trainer optimize's set (fsrs_params.id)


class StudyMore(SQLModel, table=True):
    """"Study more today": extra new cards and reviews for one deck on one study day."""

    __tablename__ = "study_more"

    deck_id: int = Field(foreign_key="deck.id", primary_key=True, ondelete="CASCADE")
    study_day: date = Field(primary_key=True)
    new: int = 0
    reviews: int = 0


class DailyRollup(SQLModel, table=True):
    """Counts per study day x local hour x maturity x kind x quality, kept with the log."""

    __tablename__ = "daily_rollup"

    study_day: date = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    maturity: Maturity = Field(primary_key=True, sa_type=AutoString)
    kind: ReviewKind = Field(primary_key=True, sa_type=AutoString)
    quality: int = Field(primary_key=True)
    count: int = 0
    total_ms: int = 0


class AppMeta(SQLModel, table=True):
    """Small facts about the database itself, such as which bundled decks it has loaded."""

    __tablename__ = "app_meta"

    key: str = Field(primary_key=True)
    value: str = ""


class UndoEntry(SQLModel, table=True):
    """An action that writes no review-log row (an edit, an added card, the browser's delete,
    move and tag, a flag, a mark or a card's tags, a deck's deletion, return or renaming),
    with what its undo needs, written in
    the action's own transaction. These and the log's actions are the undo stack
    (trainer.store.undo); only the newest entries are kept (trainer.store.journal.KEEP)."""

    __tablename__ = "undo_journal"

    id: int | None = Field(default=None, primary_key=True)
    done_at: datetime = Field(sa_type=EpochMillis)
    # the newest review-log row when it was done: the log's actions up to it came before it,
    # later ones after it (undo lowers it when the log's newest rows go, so that on SQLite,
    # which gives their ids out again, a later row is never taken for an earlier one)
    after_review: int
    kind: str  # what was done: "edit", "add", "retire", "move", "tag", "delete_deck", …
    label: str  # what undo takes back, in words: "the edit of 'q3'"
    data: str  # JSON: what its undo needs (the state before, the ids it touched)


# The tables as SQLAlchemy Core sees them, for the statements of the hot paths.
deck_t = SQLModel.metadata.tables["deck"]
card_t = SQLModel.metadata.tables["card"]
tag_t = SQLModel.metadata.tables["card_tag"]
state_t = SQLModel.metadata.tables["card_state"]
review_t = SQLModel.metadata.tables["review"]
session_t = SQLModel.metadata.tables["study_session"]
rollup_t = SQLModel.metadata.tables["daily_rollup"]
meta_t = SQLModel.metadata.tables["app_meta"]
option_t = SQLModel.metadata.tables["deck_option"]
more_t = SQLModel.metadata.tables["study_more"]
alias_t = SQLModel.metadata.tables["deck_alias"]
params_t = SQLModel.metadata.tables["fsrs_params"]
journal_t = SQLModel.metadata.tables["undo_journal"]
