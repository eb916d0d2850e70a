"""Writing parsed decks: atomic, set-based, and keyed so that progress survives a re-import.

Re-import rules: same key and content -> unchanged; changed content -> updated with its review
state kept; cards missing from the file are reported, and removed only with ``prune``.

A family of decks refreshed together (the bundled decks) may also ``retire`` what its files no
longer hold, and a card whose key moves from one deck of the family to another moves with its
state and history instead of starting again.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Index, bindparam, delete, func, insert, select, update

from trainer.formats.model import ParsedDeck, StudyCard
from trainer.rules import LEECH_TAG
from trainer.scheduler.sm2 import SM2State
from trainer.store import convert, driver
from trainer.store.columns import epoch_ms
from trainer.store.flags import set_retired
from trainer.store.records import CardState, ImportCounts
from trainer.store.reviews import set_states
from trainer.store.schema import alias_t, card_t, deck_t, state_t, tag_t

if TYPE_CHECKING:
    from trainer.store import Store

CHUNK = 5_000
# The indexes a new deck's rows land in at random places (a card's key and note are hashes,
# a tag's cards spread over every tag). An import that at least doubles a SQLite card table
# builds them after its rows, sorted, instead of one row at a time: a million-row TSV took
# 36 s, 27 s so (100,000 rows: 2.77 -> 2.70 s; below a few thousand rows nothing to gain).
# Not on PostgreSQL, where dropping an index locks its table against every reader until the
# import commits.
DEFERRED = ("uq_card_deck_key", "ix_card_note", "ix_card_tag_tag")
DEFER_AT_LEAST = 10_000  # new cards
CARD_COLUMNS = (
    "deck_id", "key", "entry", "kind", "prompt", "answer", "accept", "distractors", "cloze_text",
    "cloze_number", "explanation", "source_quote", "source_para", "tags", "content_hash",
    "position", "shuffle_seed", "search_text", "import_hash", "created_at",
)
Progress = Callable[[int, int], None]
IMPORT_LOCK = 0x7472_6169  # "trai": the advisory lock imports take on PostgreSQL


class _DryRun(Exception):
    pass


def content_hash(card: StudyCard) -> int:
    """A fingerprint of everything a re-import may change; unit separators keep fields apart.
    64 bits, signed as both databases keep integers: it tells one card's versions apart."""
    c = card
    text = "\x1f".join((
        c.entry, c.kind, c.prompt, c.answer, "\x1e".join(c.accept), "\x1e".join(c.distractors),
        c.cloze_text, str(c.cloze_number), c.explanation, c.source_quote, str(c.source_para),
        "\x1e".join(c.tags),
    ))
    # the first 8 bytes of a 16-byte digest: the hexadecimal digest stores kept before
    # migration 0019, whose first 16 characters it took
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _card_row(card: StudyCard, deck_id: int, position: int, chash: int,
              created: object) -> tuple[Any, ...]:
    return (
        deck_id, card.key, card.entry, card.kind, card.prompt, card.answer,
        convert.to_json_list(card.accept), convert.to_json_list(card.distractors),
        card.cloze_text, card.cloze_number, card.explanation, card.source_quote,
        card.source_para, " ".join(card.tags), chash, position,
        zlib.crc32(card.key.encode()) & 0x7FFFFFFF,
        convert.searchable(card.key, card.prompt, card.answer, card.accept, card.distractors,
                           card.cloze_text, card.explanation, card.source_quote,
                           " ".join(card.tags)),
        chash, created,
    )


def write_decks(
    store: Store, decks: list[ParsedDeck], *, prune: bool = False, dry_run: bool = False,
    progress: Progress | None = None, family: bool = False,
) -> list[ImportCounts]:
    """Apply parsed decks in one transaction; with ``dry_run`` nothing is kept. With ``family``
    the decks are one family: cards missing from their files are retired (and brought back
    when they return), and cards move between them by key."""
    counts: list[ImportCounts] = []
    total = sum(len(d.cards) for d in decks)
    done = 0
    if not dry_run:
        # an import writes thousands of rows into pages it never read: never into a damaged
        # file (a quick check: 0.2 s for 100,000 cards, against the 4 s of their import)
        store.check_sound()
    try:
        with store.transaction() as conn:
            if store.dialect == "postgresql":
                # one import at a time, as SQLite's write lock makes them: two at once into
                # one deck would both insert its new cards
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})")
            if family:
                _move_within(conn, decks)
            for deck in decks:
                step = None
                if progress:
                    def step(n: int, base: int = done) -> None:
                        progress(base + n, total)
                counts.append(_write_one(store, conn, deck, prune, step, retire=family))
                done += len(deck.cards)
                if progress:
                    progress(done, total)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


def _move_within(conn: Connection, decks: list[ParsedDeck]) -> None:
    """Cards whose key is now in another deck of the family move there, keeping their id (so
    their state and history), before each deck is written."""
    home = {card.key: deck.key for deck in decks for card in deck.cards}
    ids = {key: did for key, did in conn.execute(select(deck_t.c.key, deck_t.c.id).where(
        deck_t.c.key.in_([d.key for d in decks])))}
    rows = conn.execute(select(card_t.c.id, card_t.c.key, deck_t.c.key).join(
        deck_t, deck_t.c.id == card_t.c.deck_id).where(deck_t.c.key.in_(list(ids))))
    moves = [{"b_id": cid, "b_deck": ids[home[key]]} for cid, key, deck_key in rows
             if home.get(key, deck_key) != deck_key and home[key] in ids]
    if moves:
        conn.execute(update(card_t).where(card_t.c.id == bindparam("b_id")).values(
            deck_id=bindparam("b_deck")), moves)


def _write_one(
    store: Store, conn: Connection, deck: ParsedDeck, prune: bool,
    progress: Callable[[int], None] | None = None, retire: bool = False,
) -> ImportCounts:
    now = convert.utc(store.now())
    created = epoch_ms(now)  # the driver takes the value as the column keeps it
    meta = {"name": deck.name, "description": deck.description, "source": deck.source,
            "tags": " ".join(deck.tags), "new_per_day": deck.new_per_day,
            "reviews_per_day": deck.reviews_per_day}
    existing_deck = conn.execute(select(deck_t).where(deck_t.c.key == deck.key)).mappings().first()
    renamed = False
    if existing_deck is None:  # a deck renamed in the app is found by its former key
        existing_deck = conn.execute(select(deck_t).join(
            alias_t, alias_t.c.deck_id == deck_t.c.id).where(alias_t.c.key == deck.key)
        ).mappings().first()
        renamed = existing_deck is not None
    if renamed:
        assert existing_deck is not None
        meta["name"] = existing_deck["name"]  # the student's name for it stays
    if existing_deck is None:
        inserted = conn.execute(
            insert(deck_t).values(key=deck.key, created_at=now, updated_at=now, **meta)
        ).inserted_primary_key
        assert inserted is not None
        deck_id = int(inserted[0])
        counts = ImportCounts(deck_id, new_deck=True)
        meta_changed = True
    else:
        deck_id = existing_deck["id"]
        counts = ImportCounts(deck_id)
        if existing_deck["retired"]:  # importing a deleted deck's file brings it back
            conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(retired=False))
            retire = True
        meta_changed = any(existing_deck[k] != v for k, v in meta.items())
        if meta_changed:
            conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(updated_at=now,
                                                                              **meta))
    _keep_progress_across_kinds(conn, deck_id, {c.key for c in deck.cards})
    existing = {
        key: (cid, chash, pos, imported)
        for cid, key, chash, pos, imported in driver.fetch_rows(
            conn,
            select(card_t.c.id, card_t.c.key, card_t.c.content_hash, card_t.c.position,
                   card_t.c.import_hash)
            .where(card_t.c.deck_id == deck_id),
        )
    }
    # New cards go to the database a chunk at a time as they are met, so that a 100,000-row
    # import never holds every row tuple besides every parsed card.
    to_add: list[tuple[Any, ...]] = []
    to_update: list[dict[str, Any]] = []
    to_move: list[dict[str, Any]] = []
    with_state: list[StudyCard] = []

    def flush() -> None:
        if to_add:
            driver.bulk_insert(conn, card_t, CARD_COLUMNS, to_add)
            counts.added += len(to_add)
            to_add.clear()
            if progress:
                progress(counts.added)

    unplayable = [c for c in deck.cards
                  if c.kind == "choice" and not c.distractors and c.key not in existing]
    if unplayable:  # a CSV row names a choice card it cannot hold: a stored one keeps its own
        deck.cards = [c for c in deck.cards if c not in unplayable]
        deck.notes += [f"{c.key}: skipped: a new multiple-choice card needs its distractors, "
                       "which this file cannot hold" for c in unplayable]
    deferred = _drop_for_import(store, conn, deck.cards, existing)
    for position, card in enumerate(deck.cards):
        chash = content_hash(card)
        found = existing.get(card.key)
        if found is not None and deck.carries is not None and chash not in (found[1], found[3]):
            card = _keep_uncarried(conn, found[0], card, deck.carries)
            chash = content_hash(card)
        if found is not None and chash not in (found[1], found[3]):
            was = conn.execute(select(card_t.c.kind).where(card_t.c.id == found[0])).scalar()
            if was != card.kind:
                counts.kinds_changed.append(f"{card.key} ({was} → {card.kind})")
        if found is None:
            to_add.append(_card_row(card, deck_id, position, chash, created))
            if len(to_add) >= CHUNK:
                flush()
            if card.state or card.suspended or card.buried:
                with_state.append(card)
        elif chash not in (found[1], found[3]):
            # the file changed since it was last imported: the file wins, over an in-app
            # edit too (reported)
            row = dict(zip(CARD_COLUMNS, _card_row(card, deck_id, position, chash, None),
                           strict=True))
            del row["created_at"]  # an updated card keeps its creation time
            to_update.append(row | {"b_id": found[0]})
            if found[3] is not None and found[1] != found[3]:
                counts.replaced.append(card.key)
        else:
            # unchanged in the file since its last import (an in-app edit stays), or
            # already what the file says
            counts.unchanged += 1
            if found[2] != position or found[3] != chash:
                to_move.append({"b_id": found[0], "position": position,
                                "import_hash": chash if found[1] == chash else found[3]})
    flush()
    if to_update:
        fields: dict[str, Any] = {k: bindparam(k) for k in to_update[0]
                                  if k not in ("b_id", "deck_id")}
        conn.execute(update(card_t).where(card_t.c.id == bindparam("b_id")).values(fields),
                     to_update)
    if to_move:
        conn.execute(update(card_t).where(card_t.c.id == bindparam("b_id")).values(
            position=bindparam("position"), import_hash=bindparam("import_hash")), to_move)
    counts.updated = len(to_update)
    keys_in_file = {c.key for c in deck.cards}
    gone = {key: found[0] for key, found in existing.items() if key not in keys_in_file}
    retired_ids = {cid for chunk in driver.chunks(list(gone.values()))
                   for cid in conn.execute(select(state_t.c.card_id).where(
                       state_t.c.card_id.in_(chunk), state_t.c.retired.is_(True))).scalars()}
    counts.missing = [key for key, cid in gone.items() if cid not in retired_ids]
    if prune and not retire:
        # retired, as the browser's delete retires: their reviews stay in the statistics,
        # and with the file as the truth, a card it holds again comes back
        counts.pruned = len(set_retired(conn, [gone[key] for key in counts.missing]))
        set_retired(conn, [found[0] for key, found in existing.items() if key in keys_in_file],
                    False)
        counts.missing = []
    ids_by_key = dict(driver.fetch_rows(
        conn, select(card_t.c.key, card_t.c.id).where(card_t.c.deck_id == deck_id)))
    if retire:
        counts.retired = _retire(conn, ids_by_key, keys_in_file)
        counts.missing = []
    # a family's tags are rewritten every time: a card that moved in keeps its old deck's
    if counts.added or to_update or counts.pruned or meta_changed or retire:
        _write_tags(conn, deck_id, deck, ids_by_key, counts.new_deck)
    for index in deferred:  # a duplicate key fails here, and the import with it
        index.create(conn)
    tomorrow = store.today() + timedelta(days=1)
    new = SM2State()
    set_states(store, conn, [
        CardState(ids_by_key[card.key], s.repetitions, s.easiness_x100, s.interval, s.due,
                  s.reviews, s.lapses, card.suspended, tomorrow if card.buried else None)
        if s else CardState(ids_by_key[card.key], 0, new.easiness_x100, 0, None, 0, 0,
                            card.suspended, tomorrow if card.buried else None)
        for card in with_state for s in (card.state,)], kind="import", fresh=True)
    if counts.added:  # the other new cards' states: a new card's
        # in id order: read through the (deck, entry) index they came in entry order, and a
        # million states inserted at random places took 9 s instead of 0.8
        conn.execute(insert(state_t).from_select(
            ["card_id"],
            select(card_t.c.id).where(card_t.c.deck_id == deck_id,
                                      ~card_t.c.id.in_(select(state_t.c.card_id)))
            .order_by(card_t.c.id),
        ))
    return counts


def _drop_for_import(store: Store, conn: Connection, cards: list[StudyCard],
                     existing: Mapping[str, object]) -> list[Index]:
    """The DEFERRED indexes, dropped inside the import's transaction when it adds enough
    cards: a rollback brings them back, and the caller builds them again after its rows."""
    if store.dialect != "sqlite" or len(cards) < DEFER_AT_LEAST:
        return []
    new_cards = sum(c.key not in existing for c in cards)
    if new_cards < max(DEFER_AT_LEAST,
                       conn.execute(select(func.count()).select_from(card_t)).scalar_one()):
        return []
    indexes = [i for t in (card_t, tag_t) for i in t.indexes if i.name in DEFERRED]
    for index in indexes:
        index.drop(conn)
    return indexes


def _keep_progress_across_kinds(conn: Connection, deck_id: int, keys: set[str]) -> None:
    """An entry that became a cloze keeps its progress in its first gap, and a cloze that
    became a single card keeps its first gap's: the card's key follows the entry."""
    have = set(conn.execute(select(card_t.c.key).where(card_t.c.deck_id == deck_id)).scalars())
    renames = []
    for key in keys - have:
        entry, cloze, gap = key.partition("#c")
        old = entry if cloze else f"{key}#c1"
        if (gap == "1" or not cloze) and old in have and old not in keys:
            renames.append({"b_old": old, "b_new": key})
    if renames:
        conn.execute(update(card_t).where(card_t.c.deck_id == deck_id,
                                          card_t.c.key == bindparam("b_old")).values(
            key=bindparam("b_new")), renames)


UNCARRIED = ("accept", "distractors", "explanation", "source_quote", "source_para", "entry")


def _keep_uncarried(conn: Connection, card_id: int, card: StudyCard,
                    carries: frozenset[str]) -> StudyCard:
    """The file's card with what its format cannot hold taken from the stored card: a CSV
    round trip keeps accepted answers, distractors, explanations and sources."""
    from dataclasses import replace

    stored = convert.card(conn.execute(select(card_t).where(card_t.c.id == card_id))
                          .mappings().one())
    held = carries | ({"explanation"} if card.kind == "cloze" else set())
    kept: dict[str, Any] = {
        f: list(getattr(stored, f)) if f in ("accept", "distractors") else getattr(stored, f)
        for f in UNCARRIED if f not in held}
    if card.kind != stored.kind and stored.kind == "choice" and "distractors" not in held:
        kept["kind"] = "choice"  # a row cannot hold a choice card: it stays one
    return replace(card, **kept)


def _retire(conn: Connection, ids_by_key: dict[str, int], keys_in_file: set[str]) -> int:
    """Retire the deck's cards its file no longer holds, and bring back those it holds again;
    how many are retired now."""
    gone = [cid for key, cid in ids_by_key.items() if key not in keys_in_file]
    set_retired(conn, gone)
    set_retired(conn, [cid for key, cid in ids_by_key.items() if key in keys_in_file], False)
    return len(gone)


def _write_tags(
    conn: Connection, deck_id: int, deck: ParsedDeck, ids_by_key: dict[str, int],
    new_deck: bool = False,
) -> None:
    """Effective tags (the deck's and the card's) for every card of the deck, rewritten; the
    leech tag trainer gave a card stays. A new deck's cards have none to read or delete
    (the two statements took 2.5 s at a million cards)."""
    leeches: set[int] = set()
    if not new_deck:
        in_deck = select(card_t.c.id).where(card_t.c.deck_id == deck_id)
        leeches = set(conn.execute(select(tag_t.c.card_id).where(
            tag_t.c.tag == LEECH_TAG, tag_t.c.card_id.in_(in_deck))).scalars())
        conn.execute(delete(tag_t).where(tag_t.c.card_id.in_(in_deck),
                                         tag_t.c.tag != LEECH_TAG))
    rows = []
    for card in deck.cards:
        cid = ids_by_key[card.key]
        rows += [(cid, tag) for tag in dict.fromkeys([*deck.tags, *card.tags])
                 if tag != LEECH_TAG or cid not in leeches]
    driver.bulk_insert(conn, tag_t, ("card_id", "tag"), rows)
