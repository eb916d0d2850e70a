"""Actions on many cards at once (the browser, `trainer suspend|unsuspend|reset QUERY`).

A state or flag change writes a log row per card, all in one action (one undo takes them all
back, and replay holds). Retiring, moving and tagging change no schedule and write no log row:
each writes an undo journal entry instead (trainer.store.journal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from trainer.formats.limits import tag_problems
from trainer.scheduler.sm2 import INITIAL_EASINESS_X100
from trainer.store import driver, journal
from trainer.store.errors import StoreError
from trainer.store.flags import set_retired, tag_cards
from trainer.store.log import log_change, read_state
from trainer.store.records import CardState, Change
from trainer.store.schema import card_t, deck_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

def _after(store: StoreContext, before: CardState, change: Change, days: int) -> CardState:
    today = store.today()
    if change == "suspend":
        return replace(before, suspended=True)
    if change == "unsuspend":
        return replace(before, suspended=False)
    if change == "bury":
        return replace(before, buried_until=today + timedelta(days=1))
    if change == "unbury":
        return replace(before, buried_until=None)
    if change == "reset":
        return replace(before, repetitions=0, easiness_x100=INITIAL_EASINESS_X100, interval=0,
                       due=None, reviews=0, lapses=0, stability=None, difficulty=None)
    return replace(before, due=today + timedelta(days=days))


def change_many(store: StoreContext, card_ids: Iterable[int], change: Change, *, days: int = 0,
                session_id: str = "") -> int:
    """Apply ``change`` to every card it changes, as one action; how many it changed.
    ``days``: for "reschedule", due that many days from today (0 is today)."""
    changed = 0
    first: int | None = None
    now = store.now()
    with store.transaction() as conn:
        for cid in card_ids:
            before = read_state(store, conn, cid)
            after = _after(store, before, change, days)
            if after == before:
                continue
            row = log_change(store, conn, before, after, change, now, session_id=session_id,
                             action_id=first)
            first = first if first is not None else row
            changed += 1
    return changed


def retire_many(store: StoreContext, card_ids: list[int], retired: bool = True) -> list[int]:
    """Retire cards (the browser's "delete": nothing is hard-deleted), or bring them back;
    the ids it changed."""
    with store.transaction() as conn:
        changed = set_retired(conn, card_ids, retired)
        if changed:
            words = journal.cards_words(conn, changed)
            journal.record(store, conn, "retire",
                           f"deleting {words}" if retired else f"bringing back {words}",
                           {"ids": changed, "retired": retired})
        return changed


def move_many(store: StoreContext, card_ids: list[int], deck_id: int) -> dict[int, int]:
    """Move cards to another deck, keeping their progress; {card: the deck it left}. Refused
    whole, naming the card, when the deck already holds a card with the same key."""
    with store.transaction() as conn:
        rows = [r for chunk in driver.chunks(card_ids) for r in conn.execute(
            select(card_t.c.id, card_t.c.key, card_t.c.deck_id).where(
                card_t.c.id.in_(chunk), card_t.c.deck_id != deck_id))]
        taken = set(conn.execute(select(card_t.c.key).where(card_t.c.deck_id == deck_id))
                    .scalars())
        name = conn.execute(select(deck_t.c.name).where(deck_t.c.id == deck_id)).scalar()
        clash = next((key for _, key, _ in rows if key in taken), None)
        if clash is not None:
            key = conn.execute(select(deck_t.c.key).where(deck_t.c.id == deck_id)).scalar()
            raise StoreError(f"deck {key} already has a card {clash!r}; nothing was moved")
        for cid, _, _ in rows:
            conn.execute(update(card_t).where(card_t.c.id == cid).values(deck_id=deck_id))
        if rows:
            words = journal.cards_words(conn, [cid for cid, _, _ in rows])
            journal.record(store, conn, "move",
                           f"moving {words} to deck {journal.quoted(name or '')}",
                           {"to": deck_id, "from": [[cid, old] for cid, _, old in rows]})
    return {cid: old for cid, _, old in rows}


def tag_many(store: StoreContext, card_ids: list[int], tag: str, add: bool = True) -> list[int]:
    """Add a tag to cards (or remove it); the ids it changed."""
    if add and (problems := tag_problems(tag)):  # a tag being removed is one already there
        raise StoreError(*problems)
    if not tag or any(ch.isspace() for ch in tag):
        raise StoreError(f"a tag is one word without spaces, not {tag!r}")
    with store.transaction() as conn:
        changed = tag_cards(conn, card_ids, tag, add)
        if changed:
            words = journal.cards_words(conn, changed)
            journal.record(store, conn, "tag",
                           f"{'tagging' if add else 'untagging'} {words} {tag}",
                           {"ids": changed, "tag": tag, "add": add})
    return changed
