"""Changing content in the app: edit an entry (a note: a cloze's gaps are its cards), add one,
and rename, delete or bring back a deck.

An edit keeps every surviving card's id, so its progress and history; it leaves the card's
``import_hash`` alone, so that re-importing an unchanged file keeps the edit (store.imports).
A gap an edit removes is retired; a gap it adds is a new card. Nothing is hard-deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from trainer.formats.limits import card_problems, summarised
from trainer.formats.model import StudyCard
from trainer.rules import LEECH_TAG
from trainer.store import convert, driver, journal, take_back
from trainer.store.card_rows import CARD_COLUMNS, card_row, content_hash, keep_progress_across_kinds
from trainer.store.decks import deck_key_checked, deck_name_checked
from trainer.store.errors import NotFound, StoreError
from trainer.store.flags import set_retired
from trainer.store.records import SEP, Card, Deck
from trainer.store.schema import alias_t, card_t, deck_t, state_t, tag_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


@dataclass(frozen=True, slots=True)
class EditCounts:
    updated: int = 0
    added: int = 0
    retired: int = 0
    unchanged: int = 0


def entry_cards(store: StoreContext, deck_id: int, entry: str) -> list[Card]:
    """The cards of one entry (note), in deck order, retired ones left out."""
    query = (select(card_t).join(state_t, state_t.c.card_id == card_t.c.id)
             .where(card_t.c.deck_id == deck_id, card_t.c.entry == entry,
                    state_t.c.retired.is_(False))
             .order_by(card_t.c.position, card_t.c.id))
    with store.reading() as conn:
        return [convert.card(r) for r in conn.execute(query).mappings()]


def edit_entry(store: StoreContext, deck_id: int, entry: str, cards: list[StudyCard]) -> EditCounts:
    """Replace an entry's cards with ``cards`` (all of that entry), keeping progress."""
    if not cards or any(c.entry != entry for c in cards):
        raise StoreError(f"an edit of {entry!r} must keep its id")
    _check(cards)
    with store.transaction() as conn:
        image = take_back.entry_image(conn, deck_id, entry)
        keep_progress_across_kinds(conn, deck_id, {c.key for c in cards})
        rows = {key: (cid, chash, retired) for cid, key, chash, retired in conn.execute(
            select(card_t.c.id, card_t.c.key, card_t.c.content_hash, state_t.c.retired)
            .join(state_t, state_t.c.card_id == card_t.c.id)
            .where(card_t.c.deck_id == deck_id, card_t.c.entry == entry))}
        if not rows:
            raise StoreError(f"no entry {entry!r} in this deck")
        position = conn.execute(select(func.max(card_t.c.position)).where(
            card_t.c.deck_id == deck_id, card_t.c.entry == entry)).scalar() or 0
        updated = unchanged = 0
        to_insert: list[StudyCard] = []
        for card in cards:
            chash = content_hash(card)
            found = rows.get(card.key)
            if found is None:
                to_insert.append(card)
                continue
            cid, current, retired = found
            if retired:
                conn.execute(update(state_t).where(state_t.c.card_id == cid).values(
                    retired=False))
            if current == chash:
                unchanged += not retired
                updated += retired
                continue
            conn.execute(update(card_t).where(card_t.c.id == cid).values(
                _content(card, deck_id, position, chash)))
            updated += 1
        new_ids = _insert(store, conn, deck_id, to_insert, position, from_file=False)
        keys = {c.key for c in cards}
        # a gap the edit removed is retired; a note's other cards (an Anki reversed card)
        # are not part of this edit
        gone = [cid for key, (cid, _, retired) in rows.items()
                if key not in keys and not retired and key.startswith(f"{entry}#c")]
        if gone:
            conn.execute(update(state_t).where(state_t.c.card_id.in_(gone)).values(retired=True))
        _retag(conn, deck_id, [c for c in cards])
        if updated or new_ids or gone:
            take_back.journal_edit(store, conn, image, new_ids)
    return EditCounts(updated, len(new_ids), len(gone), unchanged)


def add_entry(store: StoreContext, deck_id: int, cards: list[StudyCard]) -> int:
    """A new entry's cards at the end of the deck; how many."""
    if not cards:
        raise StoreError("nothing to add")
    _check(cards)
    with store.transaction() as conn:
        taken = set(conn.execute(select(card_t.c.entry).where(
            card_t.c.deck_id == deck_id, card_t.c.entry == cards[0].entry)).scalars())
        if taken:
            raise StoreError(f"this deck already has an entry {cards[0].entry!r} (perhaps "
                             "retired: `trainer cards is:retired` lists them); choose another id")
        end = conn.execute(select(func.max(card_t.c.position)).where(
            card_t.c.deck_id == deck_id)).scalar()
        ids = _insert(store, conn, deck_id, cards, (end or 0) + 1, from_file=False)
        _retag(conn, deck_id, cards)
        what = journal.entry_words([c.prompt for c in cards], cards[0].entry)
        journal.record(store, conn, "add", f"adding {what}" + (
            f" ({len(ids)} cards)" if len(ids) > 1 else ""), {"ids": ids})
    return len(ids)


def _check(cards: list[StudyCard]) -> None:
    """The import's limits, whatever path the cards came by (trainer.editing checks them
    first, naming each field; this is the guarantee)."""
    lines = summarised(card_problems(cards))
    if lines:
        raise StoreError(*lines)


def _content(card: StudyCard, deck_id: int, position: int, chash: int) -> dict[str, Any]:
    """The columns an edit rewrites: everything but the card's place, origin and birth."""
    row = dict(zip(CARD_COLUMNS, card_row(card, deck_id, position, chash, None), strict=True))
    for kept in ("deck_id", "position", "import_hash", "created_at", "shuffle_seed"):
        del row[kept]
    return row


def _insert(store: StoreContext, conn: Connection, deck_id: int, cards: list[StudyCard],
            position: int, *, from_file: bool) -> list[int]:
    """The cards as new ones (a new card's state each); their ids."""
    ids: list[int] = []
    created = convert.utc(store.now())
    for offset, card in enumerate(cards):
        row = dict(zip(CARD_COLUMNS, card_row(card, deck_id, position + offset,
                                               content_hash(card), created), strict=True))
        if not from_file:
            row["import_hash"] = None
        cid = conn.execute(insert(card_t).values(row)).inserted_primary_key
        assert cid is not None
        conn.execute(insert(state_t).values(card_id=int(cid[0])))
        ids.append(int(cid[0]))
    return ids


def _retag(conn: Connection, deck_id: int, cards: list[StudyCard]) -> None:
    """Effective tags (the deck's and the card's) of the edited cards, the leech tag kept."""
    deck_tags = conn.execute(select(deck_t.c.tags).where(deck_t.c.id == deck_id)).scalar_one()
    ids = {key: cid for key, cid in conn.execute(select(card_t.c.key, card_t.c.id).where(
        card_t.c.deck_id == deck_id, card_t.c.key.in_([c.key for c in cards])))}
    conn.execute(delete(tag_t).where(tag_t.c.card_id.in_(list(ids.values())),
                                     tag_t.c.tag != LEECH_TAG))
    rows = []
    for card in cards:
        for tag in dict.fromkeys([*deck_tags.split(), *card.tags]):
            if tag != LEECH_TAG:
                rows.append((ids[card.key], tag))
    driver.bulk_insert(conn, tag_t, ("card_id", "tag"), rows)


# -- decks ----------------------------------------------------------------------------------

def rename_deck(store: StoreContext, deck_id: int, *, key: str | None = None,
                name: str | None = None) -> Deck:
    """A new key and/or name; a former key stays an alias, so a re-import of the deck's file
    (or the bundled decks' refresh) finds this deck instead of making a second one. A new
    name renames the decks under it too ("Spanish::Verbs" follows "Spanish"), in the same
    action."""
    with store.transaction() as conn:
        current = conn.execute(select(deck_t).where(deck_t.c.id == deck_id)).mappings().one()
        values: dict[str, Any] = {}
        dropped = None  # a former key of this deck's taken back as its key
        under: list[list[Any]] = []
        if name is not None:
            deck_name_checked(name)
            values["name"] = name
            if name != current["name"]:
                under = _rename_under(store, conn, current["name"], name, {deck_id})
        if key is not None and key != current["key"]:
            deck_key_checked(key)
            owner = conn.execute(select(deck_t.c.id).where(deck_t.c.key == key)).scalar()
            alias_of = conn.execute(select(alias_t.c.deck_id).where(alias_t.c.key == key)
                                    ).scalar()
            if owner is not None or (alias_of is not None and alias_of != deck_id):
                raise StoreError(f"the key {key!r} is taken by another deck")
            dropped = key if alias_of is not None else None
            conn.execute(delete(alias_t).where(alias_t.c.key == key))
            conn.execute(insert(alias_t).values(key=current["key"], deck_id=deck_id))
            values["key"] = key
        if values:
            values["updated_at"] = convert.utc(store.now())
            conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(values))
        row = conn.execute(select(deck_t).where(deck_t.c.id == deck_id)).mappings().one()
        if (row["key"], row["name"]) != (current["key"], current["name"]):
            subdecks = f" and {len(under)} decks under it" if under else ""
            journal.record(
                store, conn, "rename_deck",
                f"renaming deck {journal.quoted(current['name'])} [{current['key']}] to "
                f"{journal.quoted(row['name'])} [{row['key']}]{subdecks}",
                {"deck": deck_id, "key": current["key"], "name": current["name"],
                 "updated_at": convert.utc(current["updated_at"]).isoformat(),
                 "new_key": row["key"], "new_name": row["name"], "alias_added":
                 current["key"] if "key" in values else None, "alias_dropped": dropped,
                 "under": under})
    return convert.deck(row)


def rename_parent(store: StoreContext, name: str, new_name: str) -> int:
    """Rename a parent that is only a name: every deck under it takes the new name in
    place of the old ("Spanish::Verbs" becomes "Castellano::Verbs"), keys unchanged, in one
    action; how many decks."""
    deck_name_checked(new_name)
    with store.transaction() as conn:
        if conn.execute(select(deck_t.c.id).where(deck_t.c.name == name,
                                                  deck_t.c.retired.is_(False))).first():
            raise StoreError(f"{name!r} is a deck: rename the deck")
        under = _rename_under(store, conn, name, new_name, set())
        if not under:
            raise NotFound(f"no deck is under {name!r}")
        journal.record(store, conn, "rename_parent",
                       f"renaming {journal.quoted(name)} to {journal.quoted(new_name)} "
                       f"({len(under)} decks)", {"under": under})
    return len(under)


def _rename_under(store: StoreContext, conn: Connection, name: str, new_name: str,
                  renamed: set[int]) -> list[list[Any]]:
    """The decks under ``name`` renamed under ``new_name``: [id, old name, new name, old
    updated_at] each, for undo. Refused when a new name is another deck's."""
    rows = conn.execute(select(deck_t.c.id, deck_t.c.name, deck_t.c.updated_at).where(
        deck_t.c.name.startswith(name + SEP, autoescape=True),
        deck_t.c.retired.is_(False)).order_by(deck_t.c.id)).all()
    rows = [r for r in rows if r[1].startswith(name + SEP)]  # SQLite's LIKE ignores case
    moving = {deck_id for deck_id, _, _ in rows} | renamed
    new_names = {deck_id: new_name + old[len(name):] for deck_id, old, _ in rows}
    others = dict(conn.execute(select(deck_t.c.name, deck_t.c.id).where(
        deck_t.c.name.in_([*new_names.values(), new_name]), deck_t.c.retired.is_(False)
    )).all())
    for wanted in (*new_names.values(), *([new_name] if renamed else [])):
        if others.get(wanted) not in (None, *moving):
            raise StoreError(f"a deck named {wanted!r} is already there")
    now = convert.utc(store.now())
    out = []
    for deck_id, old, updated in rows:
        deck_name_checked(new_names[deck_id])
        conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(
            name=new_names[deck_id], updated_at=now))
        out.append([deck_id, old, new_names[deck_id], convert.utc(updated).isoformat()])
    return out


def delete_deck(store: StoreContext, deck_id: int) -> list[int]:
    """Hide a deck and retire its cards (their history still counts); the ids retired, for
    ``undelete_deck``."""
    with store.transaction() as conn:
        ids = list(conn.execute(select(card_t.c.id).join(
            state_t, state_t.c.card_id == card_t.c.id).where(
            card_t.c.deck_id == deck_id, state_t.c.retired.is_(False))).scalars())
        set_retired(conn, ids)
        conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(retired=True))
        name = conn.execute(select(deck_t.c.name).where(deck_t.c.id == deck_id)).scalar_one()
        journal.record(store, conn, "delete_deck",
                       f"the deletion of deck {journal.quoted(name)} ({len(ids)} cards)",
                       {"deck": deck_id, "ids": ids})
    return ids


def delete_decks(store: StoreContext, deck_ids: list[int], name: str) -> list[int]:
    """Hide decks (a parent and every deck under it, ``name`` the parent's) and retire
    their cards, in one action that undo takes back whole; the ids retired."""
    with store.transaction() as conn:
        ids = [cid for chunk in driver.chunks(deck_ids) for cid in conn.execute(
            select(card_t.c.id).join(state_t, state_t.c.card_id == card_t.c.id).where(
                card_t.c.deck_id.in_(chunk), state_t.c.retired.is_(False))).scalars()]
        set_retired(conn, ids)
        hidden = list(conn.execute(select(deck_t.c.id).where(
            deck_t.c.id.in_(deck_ids), deck_t.c.retired.is_(False))).scalars())
        if hidden:
            conn.execute(update(deck_t).where(deck_t.c.id.in_(hidden)).values(retired=True))
        journal.record(store, conn, "delete_decks",
                       f"the deletion of {journal.quoted(name)} ({len(hidden)} decks, "
                       f"{len(ids)} cards)", {"decks": hidden, "ids": ids})
    return ids


def undelete_deck(store: StoreContext, deck_id: int, card_ids: list[int] | None = None) -> int:
    """Bring a deleted deck back, with the cards its deletion retired (all of them when
    ``card_ids`` is None); how many cards."""
    with store.transaction() as conn:
        ids = list(conn.execute(select(card_t.c.id).where(card_t.c.deck_id == deck_id))
                   .scalars())
        if card_ids is not None:
            wanted = set(card_ids)
            ids = [cid for cid in ids if cid in wanted]
        back = set_retired(conn, ids, retired=False)
        name, was_retired = conn.execute(select(deck_t.c.name, deck_t.c.retired).where(
            deck_t.c.id == deck_id)).one()
        conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(retired=False))
        if was_retired or back:
            journal.record(store, conn, "undelete_deck",
                           f"bringing back deck {journal.quoted(name)} ({len(back)} cards)",
                           {"deck": deck_id, "ids": back, "was_retired": bool(was_retired)})
    return len(back)
