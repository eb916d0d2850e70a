"""Today's plan: what each deck has to study today, within its own limits, as one queue.

The deck list's counts and every study session come from ``plan``: each deck's due reviews
(most overdue first) up to its review limit, its new cards (in deck order) up to its new limit,
and its pending same-day repeats; then the overall ``max_per_day``, if set. A session orders
them: repeats first, new cards spread evenly through the reviews, never two cards of one note
side by side. On the launch path and hot (36,000 due cards at 100,000), so Core, with the rows
read by the driver's cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import repeat
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, and_, func, literal, or_, select

from trainer import heap
from trainer.rules import REPEAT_UNTIL
from trainer.store import convert, driver, options
from trainer.store.driver import AnySelect
from trainer.store.records import Deck, DeckSummary, Limits, Overview, QueueItem
from trainer.store.schema import card_t, deck_t, review_t, state_t

if TYPE_CHECKING:
    from trainer.store import Store


@dataclass(slots=True)
class DeckPlan:
    """One deck's part of today's plan: card ids, in the order they should come."""

    deck_id: int
    reviews: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)


def in_play() -> ColumnElement[bool]:
    """Neither suspended nor retired: the cards a queue may show and a count counts."""
    return and_(state_t.c.suspended.is_(False), state_t.c.retired.is_(False))


def _not_buried(day: date) -> ColumnElement[bool]:
    return or_(state_t.c.buried_until.is_(None), state_t.c.buried_until <= day)


def _studied_today(conn: Connection, day: date) -> dict[int, tuple[int, int]]:
    """(new cards introduced, reviews done) by scheduled answers on ``day``, per deck."""
    is_new = review_t.c.maturity == "new"
    return {deck_id: (int(new or 0), int(reviews or 0)) for deck_id, new, reviews in
            conn.execute(select(card_t.c.deck_id, func.count().filter(is_new),
                                func.count().filter(~is_new))
                         .join(card_t, card_t.c.id == review_t.c.card_id)
                         .where(review_t.c.study_day == day, review_t.c.kind == "scheduled")
                         .group_by(card_t.c.deck_id))}


def pending_repeats(conn: Connection, deck_id: int | None, day: date) -> list[tuple[int, int]]:
    """(card, deck) of cards whose latest answer today was below 4: SM-2 repeats them."""
    latest = (
        select(func.max(review_t.c.id).label("rid"))
        .where(review_t.c.study_day == day, review_t.c.kind.in_(("scheduled", "repeat")))
        .group_by(review_t.c.card_id)
        .subquery()
    )
    query = (
        select(review_t.c.card_id, card_t.c.deck_id)
        .join(latest, latest.c.rid == review_t.c.id)
        .join(state_t, state_t.c.card_id == review_t.c.card_id)
        .join(card_t, card_t.c.id == review_t.c.card_id)
        .where(review_t.c.quality < REPEAT_UNTIL, in_play(),
               _not_buried(day))
        .order_by(review_t.c.id)
    )
    if deck_id is not None:
        query = query.where(card_t.c.deck_id == deck_id)
    return [(cid, did) for cid, did in conn.execute(query)]


def due_statement(day: date) -> AnySelect:
    """Due reviews with their decks, most overdue first, then hardest (lowest easiness): the
    queue index gives the order."""
    return (
        select(state_t.c.card_id, card_t.c.deck_id)
        .join(card_t, card_t.c.id == state_t.c.card_id)
        .where(in_play(), state_t.c.due <= day)
        .order_by(state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id)
    )


def plan(store: Store, deck: Deck | None, day: date | None = None,
         limits: Limits | None = None, deck_id: int | None = None) -> list[DeckPlan]:
    """Every deck's part of today's plan (one deck's, given a deck or its id); ``limits``
    overrides every deck's own (the benchmark lifts them)."""
    day = day or store.today()
    with store.reading() as conn:
        plans, left = _plan(store, conn, deck.id if deck else deck_id, day, limits)
    return _capped(plans, left)


def _plan(store: Store, conn: Connection, deck_id: int | None, day: date,
          limits: Limits | None) -> tuple[list[DeckPlan], int | None]:
    """Each deck's plan within its own limits, and what the overall limit leaves (None when
    there is none)."""
    per_deck = options.all_options(store, conn)
    if deck_id is not None:
        per_deck = {deck_id: per_deck[deck_id]}
    extra = options.extra_today(conn, day)
    done = _studied_today(conn, day)
    room: dict[int, list[int]] = {}
    for did, found in per_deck.items():
        new_done, reviews_done = done.get(did, (0, 0))
        more_new, more_reviews = extra.get(did, (0, 0))
        new = limits.new_per_day if limits else found.new_per_day + more_new
        reviews = limits.reviews_per_day if limits else found.reviews_per_day + more_reviews
        room[did] = [max(0, new - new_done), max(0, reviews - reviews_done)]
    plans = {did: DeckPlan(did) for did in per_deck}
    # Buried cards are few: leaving them out here lets the queue index answer the due query.
    buried = set(conn.execute(
        select(state_t.c.card_id).where(state_t.c.buried_until > day)).scalars())
    due = due_statement(day)
    if deck_id is not None:
        # one deck: its cards drive (the note index), then their states by key; filtering
        # the whole collection's due cards by deck took 35 ms for a 40-card deck at 100,000
        due = (select(state_t.c.card_id, literal(deck_id))
               .where(in_play(), state_t.c.due <= day,
                      state_t.c.card_id.in_(select(card_t.c.id).where(
                          card_t.c.deck_id == deck_id)))
               .order_by(state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id))
    if len(room) == 1 and deck_id is None and any(r[1] for r in room.values()):
        # One deck in all: its due cards need no deck, so the queue index alone answers
        # (the join to card cost 20 of 70 ms for 36,000 due cards at 100,000 here)
        (only,) = room
        ids = driver.fetch_column(conn, select(state_t.c.card_id).where(
            in_play(), state_t.c.due <= day).order_by(
            state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id))
        plans[only].reviews = [c for c in ids if c not in buried][:room[only][1]]
    elif any(r[1] for r in room.values()):
        for cid, did in driver.fetch_rows(conn, due):
            if cid in buried or did not in room or not room[did][1]:
                continue
            plans[did].reviews.append(cid)
            room[did][1] -= 1
    queued = {cid for p in plans.values() for cid in p.reviews}
    for cid, did in pending_repeats(conn, deck_id, day):
        if did in plans and cid not in queued:
            plans[did].repeats.append(cid)
    for did, (new_room, _) in room.items():
        if new_room:
            plans[did].new = list(conn.execute(
                select(state_t.c.card_id).join(card_t, card_t.c.id == state_t.c.card_id)
                .where(card_t.c.deck_id == did, in_play(),
                       state_t.c.due.is_(None), _not_buried(day))
                .order_by(card_t.c.position, card_t.c.id).limit(new_room)).scalars())
    cap = store.settings.max_per_day
    left = None if cap is None or limits else max(0, cap - sum(sum(d) for d in done.values()))
    return list(plans.values()), left


def _capped(plans: list[DeckPlan], left: int | None) -> list[DeckPlan]:
    """The overall limit, last: reviews before new cards, deck by deck."""
    if left is None:
        return plans
    out = [DeckPlan(p.deck_id, list(p.reviews), list(p.new), list(p.repeats)) for p in plans]
    for part in ("reviews", "new"):
        for p in out:
            ids: list[int] = getattr(p, part)
            del ids[left:]
            left -= len(ids)
    return out


def siblings(store: Store, card_ids: set[int]) -> dict[int, tuple[int, str]]:
    """The note of every card in ``card_ids`` that has siblings, from the note index."""
    if len(card_ids) <= FEW:  # a handful: each one's note looked up
        other = card_t.alias("other")
        query = select(card_t.c.id, card_t.c.deck_id, card_t.c.entry).where(
            card_t.c.id.in_(sorted(card_ids)), select(other.c.id).where(
                other.c.deck_id == card_t.c.deck_id, other.c.entry == card_t.c.entry,
                other.c.id != card_t.c.id).exists())
        with store.reading() as conn:
            return {cid: (did, entry) for cid, did, entry in conn.execute(query)}
    notes = select(card_t.c.deck_id, card_t.c.entry).group_by(
        card_t.c.deck_id, card_t.c.entry).having(func.count() > 1).subquery()
    query = select(card_t.c.id, card_t.c.deck_id, card_t.c.entry).join(
        notes, and_(notes.c.deck_id == card_t.c.deck_id, notes.c.entry == card_t.c.entry))
    with store.reading() as conn:
        return {cid: (did, entry) for cid, did, entry in driver.fetch_rows(conn, query)
                if cid in card_ids}


FEW = 500  # cards whose notes are looked up one by one rather than with every note at once


def order(plans: list[DeckPlan], notes: dict[int, tuple[int, str]]) -> list[QueueItem]:
    """One session's queue: repeats, then the reviews with the new cards spread evenly
    among them; a card is never next to a card of its own note when another can go there."""
    items = _items([c for p in plans for c in p.repeats], "repeat")
    reviews = _items([c for p in plans for c in p.reviews], "review")
    new = [c for p in plans for c in p.new]
    # the i-th new card at the middle of its share of the session: 40,000 reviews are built
    # by map without a per-item constructor, and only the few new cards are placed one by one
    total = len(reviews) + len(new)
    for i, cid in enumerate(new):
        reviews.insert(int((i + 0.5) * total / len(new)), QueueItem.of(cid, "new"))
    return apart(items + reviews, notes)


def _items(ids: list[int], bucket: str) -> list[QueueItem]:
    return list(map(QueueItem, zip(ids, repeat(bucket))))


def apart(items: list[QueueItem], notes: dict[int, tuple[int, str]]) -> list[QueueItem]:
    """Move a card that follows a card of its own note to the next place where it does not."""
    if not notes:
        return items
    out: list[QueueItem] = []
    waiting: list[QueueItem] = []
    for item in items:
        waiting.append(item)
        progress = True
        while waiting and progress:
            progress = False
            for i, candidate in enumerate(waiting):
                if not out or not _same_note(out[-1], candidate, notes):
                    out.append(waiting.pop(i))
                    progress = True
                    break
    return out + waiting


def _same_note(a: QueueItem, b: QueueItem, notes: dict[int, tuple[int, str]]) -> bool:
    note = notes.get(a.card_id)
    return note is not None and note == notes.get(b.card_id)


def due_queue(store: Store, deck: Deck | None, day: date | None = None,
              limits: Limits | None = None) -> list[QueueItem]:
    """Today's queue for one deck or all, as a session shows it."""
    # Its rows and items are tuples of ints and names, which hold no cycles: without the
    # collector walking them again and again as they pile up, a 364,000-card queue at a
    # million cards takes 0.37 s instead of 0.61 (36,000 cards: the same)
    with heap.paused():
        plans = plan(store, deck, day, limits)
        ids = {c for p in plans for c in (*p.reviews, *p.new, *p.repeats)}
        return order(plans, siblings(store, ids) if ids else {})


def deck_summaries(store: Store, day: date | None = None) -> Overview:
    """Every deck, sorted by key, with its cards and what is left of today's plan when it is
    studied alone; and all decks together, as "study all" studies them."""
    day = day or store.today()
    with store.reading() as conn, heap.paused():  # as due_queue
        decks = [convert.deck(r) for r in conn.execute(
            select(deck_t).where(deck_t.c.retired.is_(False)).order_by(deck_t.c.key)).mappings()]
        every, left = _plan(store, conn, None, day, None)
        live = state_t.c.retired.is_(False)
        plans = {p.deck_id: _capped([p], left)[0] for p in every}
        per_deck = {
            row[0]: row[1:]
            for row in conn.execute(
                select(card_t.c.deck_id, func.count().filter(live),
                       func.count().filter(and_(live, state_t.c.suspended.is_(True))),
                       func.max(state_t.c.last_reviewed))
                .join(state_t, state_t.c.card_id == card_t.c.id)
                .group_by(card_t.c.deck_id))
        }
    out = []
    for deck in decks:
        cards, suspended, last = per_deck.get(deck.id, (0, 0, None))
        p = plans.get(deck.id, DeckPlan(deck.id))
        out.append(DeckSummary(
            id=deck.id, key=deck.key, name=deck.name, cards=cards, new=len(p.new),
            due=len(p.reviews), repeat=len(p.repeats), suspended=suspended,
            last_studied=convert.aware(last)))
    together = _capped(every, left)
    return Overview(out, sum(len(p.new) for p in together),
                    sum(len(p.reviews) for p in together),
                    sum(len(p.repeats) for p in together))


def card_ids(store: Store, deck_id: int | None) -> list[int]:
    """Every card in play, of one deck or all, in deck order: a quiz's pool."""
    query = (
        select(card_t.c.id)
        .join(state_t, state_t.c.card_id == card_t.c.id)
        .where(in_play())
        .order_by(card_t.c.deck_id, card_t.c.position, card_t.c.id)
    )
    if deck_id is not None:
        query = query.where(card_t.c.deck_id == deck_id)
    with store.reading() as conn:
        return list(conn.execute(query).scalars())


def next_due(store: Store, deck: Deck | None, day: date | None = None) -> tuple[date | None, int]:
    """The first study day after ``day`` with reviews due, and how many are due tomorrow."""
    day = day or store.today()
    query = select(func.min(state_t.c.due), func.count().filter(
        state_t.c.due == day + timedelta(days=1)))
    query = query.where(in_play(), state_t.c.due > day)
    if deck is not None:
        query = query.join(card_t, card_t.c.id == state_t.c.card_id).where(
            card_t.c.deck_id == deck.id)
    with store.reading() as conn:
        first, tomorrow = conn.execute(query).one()
    return first, int(tomorrow or 0)


