"""Writing parsed decks: atomic, set-based, and keyed so that progress survives a re-import.

Re-import rules: same key and content -> unchanged; changed content -> updated with its review
state kept; cards missing from the file are reported, and removed only with ``prune``.

A family of decks refreshed together (the bundled decks) may also ``retire`` what its files no
longer hold, and a card whose key moves from one deck of the family to another moves with its
state and history instead of starting again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    Connection,
    Index,
    RowMapping,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from trainer.formats.model import ParsedDeck, StudyCard
from trainer.rules import LEECH_TAG, STUDENT_TAGS
from trainer.scheduler.sm2 import SM2State
from trainer.store import convert, driver
from trainer.store.card_rows import (
    CARD_COLUMNS,
    card_row,
    content_hash,
    keep_progress_across_kinds,
    keep_uncarried,
)
from trainer.store.columns import epoch_ms
from trainer.store.flags import set_retired
from trainer.store.records import CardState, ImportCounts
from trainer.store.reviews import set_states
from trainer.store.schema import alias_t, card_t, deck_t, state_t, tag_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

CHUNK = 5_000
# The indexes a new deck's rows land in at random places (a card's key and note are hashes,
# a tag's cards spread over every tag). An import that at least doubles a SQLite card table
# builds them after its rows, sorted, instead of one row at a time: a million-row TSV took
# 36 s, 27 s so (100,000 rows: 2.77 -> 2.70 s; below a few thousand rows nothing to gain).
# Not on PostgreSQL, where dropping an index locks its table against every reader until the
# import commits.
DEFERRED = ("uq_card_deck_key", "ix_card_note", "ix_card_tag_tag")
DEFER_AT_LEAST = 10_000  # new cards
Progress = Callable[[int, int], None]
IMPORT_LOCK = 0x7472_6169  # "trai": the advisory lock imports take on PostgreSQL


class _DryRun(Exception):
    pass


class _Stored(NamedTuple):
    """A card of the deck as stored before the import."""

    id: int
    content_hash: int
    position: int
    import_hash: int | None  # None: added in the app

    def changed(self, chash: int) -> bool:
        """Whether the file's card, of content hash ``chash``, differs from both what is
        stored and what was last imported."""
        return chash != self.content_hash and chash != self.import_hash


def write_decks(
    store: StoreContext, decks: list[ParsedDeck], *, prune: bool = False, dry_run: bool = False,
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
    store: StoreContext, conn: Connection, deck: ParsedDeck, prune: bool,
    progress: Callable[[int], None] | None = None, retire: bool = False,
) -> ImportCounts:
    """Write one parsed deck in the caller's transaction: the deck's row, its cards, what
    its file no longer holds, its tags and its new cards' states."""
    now = convert.utc(store.now())
    counts, meta_changed, revived = _write_deck_row(conn, deck, now)
    retire = retire or revived  # importing a deleted deck's file brings it back
    deck_id = counts.deck_id
    keep_progress_across_kinds(conn, deck_id, {c.key for c in deck.cards})
    existing = {key: _Stored(cid, chash, pos, imported)
                for cid, key, chash, pos, imported in driver.fetch_rows(
                    conn, select(card_t.c.id, card_t.c.key, card_t.c.content_hash,
                                 card_t.c.position, card_t.c.import_hash)
                    .where(card_t.c.deck_id == deck_id))}
    _skip_unplayable(deck, existing)
    deferred = _drop_for_import(store, conn, deck.cards, existing)
    cards = _CardWriter(conn, deck_id, counts, epoch_ms(now), progress)
    cards.write(deck, existing)
    keys_in_file = {c.key for c in deck.cards}
    _missing(conn, existing, keys_in_file, counts, prune=prune and not retire)
    ids_by_key = dict(driver.fetch_rows(
        conn, select(card_t.c.key, card_t.c.id).where(card_t.c.deck_id == deck_id)))
    if retire:
        counts.retired = _retire(conn, ids_by_key, keys_in_file)
        counts.missing = []
    # a family's tags are rewritten every time: a card that moved in keeps its old deck's
    if counts.added or counts.updated or counts.pruned or meta_changed or retire:
        _write_tags(conn, deck_id, deck, ids_by_key, counts.new_deck)
    for index in deferred:  # a duplicate key fails here, and the import with it
        index.create(conn)
    _write_states(store, conn, deck_id, cards.with_state, ids_by_key, counts.added)
    return counts


def _write_deck_row(conn: Connection, deck: ParsedDeck,
                    now: datetime) -> tuple[ImportCounts, bool, bool]:
    """The deck's own row, inserted or brought up to date: the import's counts begun, whether
    the deck's name, description, source, tags or limits changed, and whether it was a
    deleted deck (its file brings it back)."""
    meta = {"name": deck.name, "description": deck.description, "source": deck.source,
            "tags": " ".join(deck.tags), "new_per_day": deck.new_per_day,
            "reviews_per_day": deck.reviews_per_day}
    found, renamed = _find_deck_row(conn, deck.key)
    if found is None:
        inserted = conn.execute(
            insert(deck_t).values(key=deck.key, created_at=now, updated_at=now, **meta)
        ).inserted_primary_key
        assert inserted is not None
        return ImportCounts(int(inserted[0]), new_deck=True), True, False
    if renamed:
        meta["name"] = found["name"]  # the student's name for it stays
    deck_id = found["id"]
    if found["retired"]:
        conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(retired=False))
    meta_changed = any(found[k] != v for k, v in meta.items())
    if meta_changed:
        conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(updated_at=now,
                                                                          **meta))
    return ImportCounts(deck_id), meta_changed, bool(found["retired"])


def _find_deck_row(conn: Connection, key: str) -> tuple[RowMapping | None, bool]:
    """The deck row of ``key``, or of a deck renamed in the app from it (then True)."""
    found = conn.execute(select(deck_t).where(deck_t.c.key == key)).mappings().first()
    if found is not None:
        return found, False
    found = conn.execute(select(deck_t).join(alias_t, alias_t.c.deck_id == deck_t.c.id)
                         .where(alias_t.c.key == key)).mappings().first()
    return found, found is not None


def _skip_unplayable(deck: ParsedDeck, existing: Mapping[str, _Stored]) -> None:
    """A CSV row names a choice card it cannot hold: a new one is skipped (a stored one
    keeps its own options)."""
    unplayable = [c for c in deck.cards
                  if c.kind == "choice" and not c.distractors and c.key not in existing]
    if unplayable:
        deck.cards = [c for c in deck.cards if c not in unplayable]
        deck.notes += [f"{c.key}: skipped: a new multiple-choice card needs its distractors, "
                       "which this file cannot hold" for c in unplayable]


class _CardWriter:
    """A deck's cards, written in file order: each one new (inserted a chunk at a time as it
    is met, so that a 100,000-row import never holds every row tuple besides every parsed
    card), changed in its file (updated), or unchanged (moved, if its place changed)."""

    def __init__(self, conn: Connection, deck_id: int, counts: ImportCounts, created: int,
                 progress: Callable[[int], None] | None) -> None:
        self.conn, self.deck_id, self.counts = conn, deck_id, counts
        self.created = created  # the driver takes the value as the column keeps it
        self.progress = progress
        self.to_add: list[tuple[Any, ...]] = []
        self.to_update: list[dict[str, Any]] = []
        self.to_move: list[dict[str, Any]] = []
        self.with_state: list[StudyCard] = []  # new cards with a state or flags of their own

    def write(self, deck: ParsedDeck, existing: Mapping[str, _Stored]) -> None:
        for position, card in enumerate(deck.cards):
            chash = content_hash(card)
            found = existing.get(card.key)
            if found is None:
                self._add(card, position, chash)
                continue
            if found.changed(chash) and deck.carries is not None:
                card = keep_uncarried(self.conn, found.id, card, deck.carries)
                chash = content_hash(card)
            if found.changed(chash):
                self._update(card, position, chash, found)
            else:
                self._keep(position, chash, found)
        self._flush()
        self._apply()

    def _add(self, card: StudyCard, position: int, chash: int) -> None:
        self.to_add.append(card_row(card, self.deck_id, position, chash, self.created))
        if len(self.to_add) >= CHUNK:
            self._flush()
        if card.state or card.suspended or card.buried:
            self.with_state.append(card)

    def _flush(self) -> None:
        if self.to_add:
            driver.bulk_insert(self.conn, card_t, CARD_COLUMNS, self.to_add)
            self.counts.added += len(self.to_add)
            self.to_add.clear()
            if self.progress:
                self.progress(self.counts.added)

    def _update(self, card: StudyCard, position: int, chash: int, found: _Stored) -> None:
        """The file changed since it was last imported: the file wins, over an in-app edit
        too (reported)."""
        was, tags = self.conn.execute(select(card_t.c.kind, card_t.c.tags).where(
            card_t.c.id == found.id)).one()
        if was != card.kind:
            self.counts.kinds_changed.append(f"{card.key} ({was} → {card.kind})")
        # the student's own marks (leech, marked) are no content of the file's: kept, and not
        # in the hash, so that the unchanged file finds the card unchanged next time
        has = {t.lower() for t in card.tags}
        kept = [t for t in tags.split() if t.lower() in STUDENT_TAGS and t.lower() not in has]
        if kept:
            card = replace(card, tags=[*card.tags, *kept])
        row = dict(zip(CARD_COLUMNS, card_row(card, self.deck_id, position, chash, None),
                       strict=True))
        del row["created_at"]  # an updated card keeps its creation time
        self.to_update.append(row | {"b_id": found.id})
        if found.import_hash is not None and found.content_hash != found.import_hash:
            self.counts.replaced.append(card.key)

    def _keep(self, position: int, chash: int, found: _Stored) -> None:
        """Unchanged in the file since its last import (an in-app edit stays), or already
        what the file says: only its place in the deck may have moved."""
        self.counts.unchanged += 1
        if found.position != position or found.import_hash != chash:
            self.to_move.append({
                "b_id": found.id, "position": position,
                "import_hash": chash if found.content_hash == chash else found.import_hash})

    def _apply(self) -> None:
        """The updates and moves, each one statement for all of its cards."""
        by_id = card_t.c.id == bindparam("b_id")
        if self.to_update:
            fields: dict[str, Any] = {k: bindparam(k) for k in self.to_update[0]
                                      if k not in ("b_id", "deck_id")}
            self.conn.execute(update(card_t).where(by_id).values(fields), self.to_update)
        if self.to_move:
            self.conn.execute(update(card_t).where(by_id).values(
                position=bindparam("position"), import_hash=bindparam("import_hash")),
                self.to_move)
        self.counts.updated = len(self.to_update)


def _missing(conn: Connection, existing: Mapping[str, _Stored], keys_in_file: set[str],
             counts: ImportCounts, *, prune: bool) -> None:
    """The cards the file no longer holds, reported missing (those already retired are
    not); with ``prune`` retired instead, as the browser's delete retires: their reviews stay
    in the statistics, and with the file as the truth, a card it holds again comes back."""
    gone = {key: found.id for key, found in existing.items() if key not in keys_in_file}
    retired_ids = {cid for chunk in driver.chunks(list(gone.values()))
                   for cid in conn.execute(select(state_t.c.card_id).where(
                       state_t.c.card_id.in_(chunk), state_t.c.retired.is_(True))).scalars()}
    counts.missing = [key for key, cid in gone.items() if cid not in retired_ids]
    if prune:
        counts.pruned = len(set_retired(conn, [gone[key] for key in counts.missing]))
        set_retired(conn, [found.id for key, found in existing.items() if key in keys_in_file],
                    False)
        counts.missing = []


def _write_states(store: StoreContext, conn: Connection, deck_id: int, with_state: list[StudyCard],
                  ids_by_key: Mapping[str, int], added: int) -> None:
    """The new cards' states: those their file gave (an Anki package's schedule, a
    suspension, a burying) logged as import rows, every other new card's a new card's."""
    tomorrow = store.today() + timedelta(days=1)
    new = SM2State()
    set_states(store, conn, [
        CardState(ids_by_key[card.key], s.repetitions, s.easiness_x100, s.interval, s.due,
                  s.reviews, s.lapses, card.suspended, tomorrow if card.buried else None)
        if s else CardState(ids_by_key[card.key], 0, new.easiness_x100, 0, None, 0, 0,
                            card.suspended, tomorrow if card.buried else None)
        for card in with_state for s in (card.state,)], kind="import", fresh=True)
    if added:
        # in id order: read through the (deck, entry) index they came in entry order, and a
        # million states inserted at random places took 9 s instead of 0.8
        conn.execute(insert(state_t).from_select(
            ["card_id"],
            select(card_t.c.id).where(card_t.c.deck_id == deck_id,
                                      ~card_t.c.id.in_(select(state_t.c.card_id)))
            .order_by(card_t.c.id),
        ))


def _drop_for_import(store: StoreContext, conn: Connection, cards: list[StudyCard],
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
    (the two statements took 2.5 s at a million cards), and their own tags are the file's;
    a deck imported before keeps the tags its cards hold now: the file's where it changed
    them, the student's own (a tag, a mark) where it did not."""
    leeches: set[int] = set()
    own: list[tuple[int, str]]
    if new_deck:
        own = [(ids_by_key[card.key], " ".join(card.tags)) for card in deck.cards]
    else:
        in_deck = select(card_t.c.id).where(card_t.c.deck_id == deck_id)
        leeches = set(conn.execute(select(tag_t.c.card_id).where(
            tag_t.c.tag == LEECH_TAG, tag_t.c.card_id.in_(in_deck))).scalars())
        conn.execute(delete(tag_t).where(tag_t.c.card_id.in_(in_deck),
                                         tag_t.c.tag != LEECH_TAG))
        own = [(int(cid), tags) for cid, tags in driver.fetch_rows(
            conn, select(card_t.c.id, card_t.c.tags).where(card_t.c.deck_id == deck_id))]
    rows = []
    for cid, tags in own:
        rows += [(cid, tag) for tag in dict.fromkeys([*deck.tags, *tags.split()])
                 if tag != LEECH_TAG or cid not in leeches]
    driver.bulk_insert(conn, tag_t, ("card_id", "tag"), rows)
