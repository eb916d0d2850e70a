"""Taking back a journaled action (trainer.store.journal): each kind's inverse, from the
before-image its entry holds, refused with a reason when the cards changed since in a way the
inverse would undo too (a re-import rewrote an edited card, a card added was studied).

Each inverse runs inside the undo's transaction and returns the cards it gave back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from trainer.store import driver
from trainer.store.errors import UndoRefused
from trainer.store.flags import own_tags, retag, set_flag, set_retired, tag_cards
from trainer.store.journal import entry_words, record
from trainer.store.schema import alias_t, card_t, deck_t, review_t, state_t, tag_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

# the columns an edit may change (edits._content, and the key that follows a kind's change)
CONTENT = ("key", "entry", "kind", "prompt", "answer", "accept", "distractors", "cloze_text",
           "cloze_number", "explanation", "source_quote", "source_para", "tags",
           "content_hash", "search_text")
Inverse = Callable[[Connection, dict[str, Any], str], tuple[int, ...]]


def take_back(conn: Connection, kind: str, label: str, data: str) -> tuple[int, ...]:
    """Undo one journaled action; the cards it gave back."""
    inverse = INVERSES.get(kind)
    if inverse is None:  # written by a newer trainer
        raise UndoRefused(f"cannot undo {label}: this version of trainer does not know how")
    return inverse(conn, json.loads(data), label)


# -- an edit and an added entry ----------------------------------------------------------------

def entry_image(conn: Connection, deck_id: int, entry: str) -> list[dict[str, Any]]:
    """An entry's cards as an edit may change them (retired ones too), with their tags."""
    cols = [card_t.c.id, *[card_t.c[c] for c in CONTENT], state_t.c.retired]
    rows = conn.execute(select(*cols).join(state_t, state_t.c.card_id == card_t.c.id).where(
        card_t.c.deck_id == deck_id, card_t.c.entry == entry).order_by(card_t.c.id)).all()
    tags: dict[int, list[str]] = {}
    for cid, tag in conn.execute(select(tag_t.c.card_id, tag_t.c.tag).where(
            tag_t.c.card_id.in_([r[0] for r in rows])).order_by(tag_t.c.tag)):
        tags.setdefault(cid, []).append(tag)
    return [{"id": r[0], "row": dict(zip(CONTENT, r[1:-1], strict=True)),
             "retired": bool(r[-1]), "tags": tags.get(r[0], [])} for r in rows]


def journal_edit(store: StoreContext, conn: Connection, image: list[dict[str, Any]],
                 added: list[int]) -> None:
    """Journal an edit: the entry as it was, what it is now (an undo checks that nothing
    changed it since), and the cards it added."""
    after = dict(_fingerprints(conn, [c["id"] for c in image]))
    for card in image:
        card["after"] = after.get(card["id"])
    shown = [c["row"] for c in image if not c["retired"]] or [c["row"] for c in image]
    what = entry_words([r["prompt"] for r in shown], shown[0]["entry"])
    record(store, conn, "edit", f"the edit of {what}", {"cards": image, "added": added})


def _fingerprints(conn: Connection, ids: list[int]) -> list[tuple[int, list[Any]]]:
    return [(r[0], [r[1], r[2], bool(r[3])]) for chunk in driver.chunks(ids)
            for r in conn.execute(select(card_t.c.id, card_t.c.key, card_t.c.content_hash,
                                         state_t.c.retired)
                                  .join(state_t, state_t.c.card_id == card_t.c.id)
                                  .where(card_t.c.id.in_(chunk)))]


def _remove_unstudied(conn: Connection, ids: list[int], label: str) -> None:
    """Cards an action added, gone again: refused once one has a log row (studied, or
    suspended: a later change that depends on it)."""
    if not ids:
        return
    if conn.execute(select(review_t.c.id).where(review_t.c.card_id.in_(ids)).limit(1)).first():
        raise UndoRefused(f"cannot undo {label}: a card it added has been studied or changed "
                          "since")
    for table, column in ((tag_t, tag_t.c.card_id), (state_t, state_t.c.card_id),
                          (card_t, card_t.c.id)):
        conn.execute(delete(table).where(column.in_(ids)))


def _undo_edit(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    cards = data["cards"]
    now = dict(_fingerprints(conn, [c["id"] for c in cards]))
    if any(now.get(c["id"]) != c["after"] for c in cards):
        raise UndoRefused(f"cannot undo {label}: the card was changed since (by an import or "
                          "another edit), and undoing would lose that change")
    _remove_unstudied(conn, data["added"], label)
    # keys first out of the way: an edit that turned a note's kind may have swapped them
    for card in cards:
        conn.execute(update(card_t).where(card_t.c.id == card["id"]).values(
            key=f"\x1fundo {card['id']}"))  # no deck file's key holds a control character
    for card in cards:
        cid = card["id"]
        conn.execute(update(card_t).where(card_t.c.id == cid).values(card["row"]))
        conn.execute(update(state_t).where(state_t.c.card_id == cid).values(
            retired=card["retired"]))
        conn.execute(delete(tag_t).where(tag_t.c.card_id == cid))
        driver.bulk_insert(conn, tag_t, ("card_id", "tag"), [(cid, t) for t in card["tags"]])
    return tuple(c["id"] for c in cards)


def _undo_add(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    _remove_unstudied(conn, data["ids"], label)
    return ()


# -- the browser's delete, move and tag --------------------------------------------------------

def _undo_retire(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    return tuple(set_retired(conn, data["ids"], not data["retired"]))


def _undo_move(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    moved = {int(cid): old for cid, old in data["from"]}
    rows = [r for chunk in driver.chunks(list(moved)) for r in conn.execute(
        select(card_t.c.id, card_t.c.key, card_t.c.deck_id).where(card_t.c.id.in_(chunk)))]
    if any(deck != data["to"] for _, _, deck in rows):
        raise UndoRefused(f"cannot undo {label}: a card was moved again since")
    for cid, key, _ in rows:
        taken = conn.execute(select(card_t.c.id).where(
            card_t.c.deck_id == moved[cid], card_t.c.key == key)).first()
        if taken is not None:
            raise UndoRefused(f"cannot undo {label}: its former deck has a card {key!r} again")
        conn.execute(update(card_t).where(card_t.c.id == cid).values(deck_id=moved[cid]))
    return tuple(cid for cid, _, _ in rows)


def _undo_tag(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    return tuple(tag_cards(conn, data["ids"], data["tag"], not data["add"]))


# -- flags, marks and tags (trainer.store.marks) ----------------------------------------------

def _undo_flag(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    cards = [(int(cid), int(was)) for cid, was in data["from"]]
    now = {int(cid): int(f) for chunk in driver.chunks([c for c, _ in cards])
           for cid, f in conn.execute(select(card_t.c.id, card_t.c.flag).where(
               card_t.c.id.in_(chunk)))}
    if any(now.get(cid, data["flag"]) != data["flag"] for cid, _ in cards):
        raise UndoRefused(f"cannot undo {label}: a card was flagged again since")
    for cid, was in cards:
        set_flag(conn, [cid], was)
    return tuple(cid for cid, _ in cards)


def _undo_retag(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    there = set(conn.execute(select(card_t.c.id).where(
        card_t.c.id.in_([int(c[0]) for c in data["cards"]]))).scalars())
    cards = [(int(cid), was, after) for cid, was, after in data["cards"] if cid in there]
    if any(own_tags(conn, cid) != after for cid, _, after in cards):
        raise UndoRefused(f"cannot undo {label}: the card's tags were changed since")
    for cid, was, _ in cards:
        retag(conn, cid, was)
    return tuple(cid for cid, _, _ in cards)


# -- decks -------------------------------------------------------------------------------------

def _undo_delete_deck(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    conn.execute(update(deck_t).where(deck_t.c.id == data["deck"]).values(retired=False))
    return tuple(set_retired(conn, data["ids"], retired=False))


def _undo_undelete_deck(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    conn.execute(update(deck_t).where(deck_t.c.id == data["deck"]).values(
        retired=data["was_retired"]))
    return tuple(set_retired(conn, data["ids"], retired=True))


def _undo_rename_deck(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    deck_id = data["deck"]
    now = conn.execute(select(deck_t.c.key, deck_t.c.name).where(deck_t.c.id == deck_id)).first()
    if now is None or tuple(now) != (data["new_key"], data["new_name"]):
        raise UndoRefused(f"cannot undo {label}: the deck was renamed again since")
    _undo_rename_under(conn, data.get("under", []), label)
    if data["alias_added"] is not None:
        conn.execute(delete(alias_t).where(alias_t.c.key == data["alias_added"],
                                           alias_t.c.deck_id == deck_id))
    conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(
        key=data["key"], name=data["name"],
        updated_at=datetime.fromisoformat(data["updated_at"])))
    if data["alias_dropped"] is not None:
        conn.execute(insert(alias_t).values(key=data["alias_dropped"], deck_id=deck_id))
    return ()


def _undo_rename_parent(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    _undo_rename_under(conn, data["under"], label)
    return ()


def _undo_rename_under(conn: Connection, under: list[list[Any]], label: str) -> None:
    """The decks a renaming moved under the new name, back under the old one."""
    for deck_id, old, new, updated in under:
        now = conn.execute(select(deck_t.c.name).where(deck_t.c.id == deck_id)).scalar()
        if now != new:
            raise UndoRefused(f"cannot undo {label}: the deck {new!r} was renamed again since")
        conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(
            name=old, updated_at=datetime.fromisoformat(updated)))


def _undo_delete_decks(conn: Connection, data: dict[str, Any], label: str) -> tuple[int, ...]:
    if data["decks"]:
        conn.execute(update(deck_t).where(deck_t.c.id.in_(data["decks"])).values(
            retired=False))
    return tuple(set_retired(conn, data["ids"], retired=False))


INVERSES: dict[str, Inverse] = {
    "edit": _undo_edit, "add": _undo_add, "retire": _undo_retire, "move": _undo_move,
    "tag": _undo_tag, "delete_deck": _undo_delete_deck, "undelete_deck": _undo_undelete_deck,
    "rename_deck": _undo_rename_deck, "rename_parent": _undo_rename_parent,
    "delete_decks": _undo_delete_decks, "flag": _undo_flag, "retag": _undo_retag,
}
