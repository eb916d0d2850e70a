"""What a student notes on cards while studying or browsing: a coloured flag (Anki's, 1-7),
Anki's mark (the `marked` tag) and the card's own tags.

None of these is a card's state: like Anki, which keeps flags on the card and none in its
review log, they write no log row (replay never meets them), and each action writes an undo
journal entry instead (trainer.store.journal), whose id a study session keeps so that its own
ctrl+z takes back exactly that action.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from trainer.formats.limits import tag_problems
from trainer.rules import FLAG_COLOURS, MARKED_TAG, flag_name, is_marked
from trainer.store import journal
from trainer.store.errors import StoreError
from trainer.store.flags import own_tags, retag, set_flag
from trainer.store.records import Annotated

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


def flag(store: StoreContext, card_ids: Sequence[int], colour: int) -> Annotated:
    """Flag the cards with ``colour`` (1-7, rules.FLAG_COLOURS; 0 takes the flag away), as
    one undoable action."""
    if not 0 <= colour <= len(FLAG_COLOURS):
        raise StoreError(f"a flag is 0 (none) or 1-{len(FLAG_COLOURS)}, not {colour}")
    with store.transaction() as conn:
        before = set_flag(conn, card_ids, colour)
        if not before:
            return Annotated()
        changed = [cid for cid, _ in before]
        words = journal.cards_words(conn, changed)
        label = (f"flagging {words} {flag_name(colour)}" if colour
                 else f"taking the flag off {words}")
        entry = journal.record(store, conn, "flag", label,
                               {"flag": colour, "from": [list(pair) for pair in before]})
        return Annotated(tuple(changed), entry)


def mark(store: StoreContext, card_ids: Sequence[int], marked: bool = True) -> Annotated:
    """Mark the cards (Anki's `marked` tag), or unmark them, as one undoable action."""
    with store.transaction() as conn:
        changes = []
        for cid in card_ids:
            was = own_tags(conn, cid)
            if is_marked(was) == marked:
                continue
            now = ([*was, MARKED_TAG] if marked
                   else [t for t in was if t.lower() != MARKED_TAG])
            changes.append((cid, was, now))
        if not changes:
            return Annotated()
        words = journal.cards_words(conn, [cid for cid, _, _ in changes])
        entry = _retag(store, conn, changes, f"{'marking' if marked else 'unmarking'} {words}")
        return Annotated(tuple(cid for cid, _, _ in changes), entry)


def set_tags(store: StoreContext, card_id: int, tags: Sequence[str]) -> Annotated:
    """The card's own tags become ``tags`` (its deck's stay), as one undoable action; each
    tag is checked as an import checks it."""
    tags = list(dict.fromkeys(tags))
    problems = [f"{t!r}: {p}" for t in tags for p in tag_problems(t)]
    if problems:
        raise StoreError(*problems)
    with store.transaction() as conn:
        was = own_tags(conn, card_id)
        if was == tags:
            return Annotated()
        words = journal.cards_words(conn, [card_id])
        added = [t for t in tags if t not in was]
        gone = [t for t in was if t not in tags]
        if not gone:
            label = f"tagging {words} {' '.join(added)}"
        elif not added:
            label = f"untagging {words} {' '.join(gone)}"
        else:
            label = f"retagging {words}"
        entry = _retag(store, conn, [(card_id, was, tags)], label)
        return Annotated((card_id,), entry)


def _retag(store: StoreContext, conn: Connection,
           changes: list[tuple[int, list[str], list[str]]], label: str) -> int:
    for cid, _, now in changes:
        retag(conn, cid, now)
    return journal.record(store, conn, "retag", label,
                          {"cards": [[cid, was, now] for cid, was, now in changes]})
