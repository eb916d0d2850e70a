"""The undo journal: an action that writes no review-log row (an edit, an added card, the
browser's delete, move and tag, a flag, a mark or a card's tags, a deck's deletion, return or
renaming) writes an entry here, in its own transaction, holding what its undo needs and a
label saying what undo takes back.
With the log's actions the entries are the undo stack (trainer.store.undo); their inverses
are trainer.store.take_back.

A grade writes nothing here: the log already is the stack of grades, suspensions, buryings,
resets and reschedules, and the grading path stays one log row and one state update.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from trainer.store import convert
from trainer.store.schema import card_t, journal_t, review_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

KEEP = 200  # the newest entries kept; an older action is past undoing
LABEL_CHARS = 40  # a card's words in a label: its prompt, cut to this


def record(store: StoreContext, conn: Connection, kind: str, label: str,
           data: dict[str, Any]) -> int:
    """Journal an action, inside its own transaction (``conn``); the entry's id."""
    newest = conn.execute(select(func.max(review_t.c.id))).scalar() or 0
    found = conn.execute(insert(journal_t).values(
        done_at=convert.utc(store.now()), after_review=newest, kind=kind, label=label,
        data=json.dumps(data, separators=(",", ":")))).inserted_primary_key
    assert found is not None
    conn.execute(delete(journal_t).where(journal_t.c.id <= int(found[0]) - KEEP))
    return int(found[0])


def log_rows_gone(conn: Connection) -> None:
    """After an undo deleted the log's newest rows: no entry may claim to come after rows
    that are gone. SQLite gives a deleted newest row's id to the next row, which would
    otherwise be taken for one written before the entry."""
    newest = conn.execute(select(func.max(review_t.c.id))).scalar() or 0
    conn.execute(update(journal_t).where(journal_t.c.after_review > newest).values(
        after_review=newest))


def quoted(text: str) -> str:
    """User text in a label: on one line, cut short, in quotes."""
    words = " ".join(text.split())
    if len(words) > LABEL_CHARS:
        words = words[:LABEL_CHARS - 1] + "…"
    return f"'{words}'"


def cards_words(conn: Connection, card_ids: Sequence[int]) -> str:
    """A card by its prompt (its key when it has none), or how many: "'q3'", "3 cards"."""
    if len(card_ids) != 1:
        return f"{len(card_ids)} cards"
    row = conn.execute(select(card_t.c.prompt, card_t.c.key).where(
        card_t.c.id == card_ids[0])).first()
    return "a card" if row is None else quoted(row[0] or row[1])


def entry_words(prompts: Sequence[str], entry: str) -> str:
    """An entry by its card's prompt when it has one card, else by its id."""
    return quoted(prompts[0]) if len(prompts) == 1 and prompts[0] else quoted(entry)
