"""Today's plan, read: what each deck could study today, handed to the day's rules
(trainer.domain.plan) to gather, and the result for the deck list and the sessions.

The deck list's counts and every study session come from ``plan``: each deck's pending
same-day repeats, its due reviews (most overdue first) up to its review limit and its new
cards (in deck order) up to its new limit, a card whose note is already in the plan left out
as its deck's sibling rules say; then the overall ``max_per_day``, if set. On the launch path
and hot (36,000 due cards at 100,000), so Core, with the rows read by the driver's cursor.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, func, select

from trainer import heap
from trainer.domain.order import order
from trainer.domain.plan import Burying, Candidates, DeckPlan, Room, capped, counts, gather
from trainer.rules import REPEAT_UNTIL
from trainer.store import convert, driver, options, predicates
from trainer.store.driver import AnySelect
from trainer.store.predicates import in_play, not_buried
from trainer.store.records import Deck, DeckSummary, Limits, Overview, QueueItem
from trainer.store.schema import card_t, deck_t, review_t, state_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


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
               not_buried(day))
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


def plan(store: StoreContext, deck: Deck | None, day: date | None = None,
         limits: Limits | None = None, deck_id: int | None = None,
         deck_ids: Collection[int] | None = None) -> list[DeckPlan]:
    """Every deck's part of today's plan; one deck's, given a deck or its id; or some decks'
    together (a parent and its subdecks), the overall limit shared between them. ``limits``
    overrides every deck's own (the benchmark lifts them)."""
    day = day or store.today()
    if deck is not None or deck_id is not None:
        deck_ids = [deck.id if deck is not None else deck_id]  # type: ignore[list-item]
    return planned(store, deck_ids, day, limits)[0]


Notes = dict[int, tuple[int, str]]  # a card with siblings -> its note (deck, entry)


def planned(store: StoreContext, deck_ids: Collection[int] | None, day: date | None = None,
            limits: Limits | None = None) -> tuple[list[DeckPlan], Notes]:
    """``plan``'s plans, with the note of every card in them that has siblings (a session
    keeps a note's cards apart): looked up once, by the gathering."""
    day = day or store.today()
    with store.reading() as conn:
        plans, left, notes = _plan(store, conn, deck_ids, day, limits)
    return capped(plans, left), notes


def _plan(store: StoreContext, conn: Connection, deck_ids: Collection[int] | None, day: date,
          limits: Limits | None) -> tuple[list[DeckPlan], int | None, Notes]:
    """Each deck's plan within its own limits (trainer.domain.plan.gather), and what the
    overall limit leaves (None when there is none)."""
    per_deck = options.all_options(store, conn)
    if deck_ids is not None:
        per_deck = {d: per_deck[d] for d in deck_ids if d in per_deck}
    extra = options.extra_today(conn, day)
    done = _studied_today(conn, day)
    rooms: dict[int, Room] = {}
    for did, chosen in per_deck.items():
        new_done, reviews_done = done.get(did, (0, 0))
        more_new, more_reviews = extra.get(did, (0, 0))
        if limits:
            rooms[did] = Room.left(limits.new_per_day, limits.reviews_per_day,
                                   new_done, reviews_done)
        else:
            rooms[did] = Room.left(chosen.new_per_day + more_new,
                                   chosen.reviews_per_day + more_reviews, new_done,
                                   reviews_done)
    burying = {did: Burying(o.bury_new_siblings, o.bury_review_siblings)
               for did, o in per_deck.items()}
    one = next(iter(rooms)) if deck_ids is not None and len(rooms) == 1 else None
    due = _due(conn, rooms, day, one)
    repeats = [(c, d) for c, d in pending_repeats(conn, one, day) if d in rooms]
    # New cards are read a few more than the room, for siblings left out; a deck whose list
    # runs out before its room does is read again with more
    wanted = {did: r.new * 2 + 8 for did, r in rooms.items() if r.new}
    new = {did: _new_cards(conn, did, day, n) for did, n in wanted.items()}
    notes: Notes = {}
    checked: set[int] = set()
    while True:
        found = Candidates(repeats, due, new,
                           {did for did, n in wanted.items() if len(new[did]) == n})
        gathered = gather(rooms, burying, found, notes)
        unchecked = gathered.card_ids() - checked
        if not unchecked and not gathered.short_of_new:
            break
        # Only the cards gathered are looked up: within a deck's limits, a few hundred
        siblings_found = _notes(conn, unchecked)
        checked |= unchecked
        if not siblings_found and not gathered.short_of_new:
            break  # none of them has a sibling: gathering again would change nothing
        notes.update(siblings_found)
        for did in gathered.short_of_new:
            wanted[did] *= 4
            new[did] = _new_cards(conn, did, day, wanted[did])
    cap = store.settings.max_per_day
    left = None if cap is None or limits else max(0, cap - sum(sum(d) for d in done.values()))
    return gathered.plans, left, notes


def _due(conn: Connection, rooms: dict[int, Room], day: date,
         one: int | None) -> list[tuple[int, int]]:
    """The due reviews of the decks with review room, (card, deck), most overdue first."""
    if not any(r.reviews for r in rooms.values()):
        return []
    # Buried cards are few: leaving them out here lets the queue index answer the due query.
    buried_now = set(conn.execute(predicates.buried_ids(day)).scalars())
    if one is not None:
        # one deck: its cards drive (the note index), then their states by key; filtering
        # the whole collection's due cards by deck took 35 ms for a 40-card deck at 100,000
        mine = conn.execute(
            select(state_t.c.card_id)
            .where(in_play(), state_t.c.due <= day,
                   state_t.c.card_id.in_(select(card_t.c.id).where(card_t.c.deck_id == one)))
            .order_by(state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id)).scalars()
        return [(c, one) for c in mine if c not in buried_now]
    if len(rooms) == 1:
        # One deck in all: its due cards need no deck, so the queue index alone answers
        # (the join to card cost 20 of 70 ms for 36,000 due cards at 100,000 here)
        (only,) = rooms
        ids = driver.fetch_column(conn, select(state_t.c.card_id).where(
            in_play(), state_t.c.due <= day).order_by(
            state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id))
        return [(c, only) for c in ids if c not in buried_now]
    return [(cid, did) for cid, did in driver.fetch_rows(conn, due_statement(day))
            if cid not in buried_now and did in rooms]


def _new_cards(conn: Connection, deck_id: int, day: date, limit: int) -> list[int]:
    """Up to ``limit`` of the deck's new cards in play, in deck order."""
    return list(conn.execute(
        select(state_t.c.card_id).join(card_t, card_t.c.id == state_t.c.card_id)
        .where(card_t.c.deck_id == deck_id, in_play(), state_t.c.due.is_(None),
               not_buried(day))
        .order_by(card_t.c.position, card_t.c.id).limit(limit)).scalars())


def siblings(store: StoreContext, card_ids: set[int]) -> dict[int, tuple[int, str]]:
    """The note of every card in ``card_ids`` that has siblings, from the note index."""
    with store.reading() as conn:
        return _notes(conn, card_ids)


def _notes(conn: Connection, card_ids: set[int]) -> dict[int, tuple[int, str]]:
    if not card_ids:
        return {}
    if len(card_ids) <= FEW:  # a handful: each one's note looked up
        other = card_t.alias("other")
        query = select(card_t.c.id, card_t.c.deck_id, card_t.c.entry).where(
            card_t.c.id.in_(sorted(card_ids)), select(other.c.id).where(
                other.c.deck_id == card_t.c.deck_id, other.c.entry == card_t.c.entry,
                other.c.id != card_t.c.id).exists())
        return {cid: (did, entry) for cid, did, entry in conn.execute(query)}
    notes = select(card_t.c.deck_id, card_t.c.entry).group_by(
        card_t.c.deck_id, card_t.c.entry).having(func.count() > 1).subquery()
    query = select(card_t.c.id, card_t.c.deck_id, card_t.c.entry).join(
        notes, and_(notes.c.deck_id == card_t.c.deck_id, notes.c.entry == card_t.c.entry))
    return {cid: (did, entry) for cid, did, entry in driver.fetch_rows(conn, query)
            if cid in card_ids}


FEW = 500  # cards whose notes are looked up one by one rather than with every note at once


def due_queue(store: StoreContext, deck: Deck | None, day: date | None = None,
              limits: Limits | None = None) -> list[QueueItem]:
    """Today's queue for one deck or all, as a session shows it."""
    # Its rows and items are tuples of ints and names, which hold no cycles: without the
    # collector walking them again and again as they pile up, a 364,000-card queue at a
    # million cards takes 0.37 s instead of 0.61 (36,000 cards: the same)
    with heap.paused():
        plans, notes = planned(store, [deck.id] if deck else None, day, limits)
        return order(plans, notes)


def deck_summaries(store: StoreContext, day: date | None = None) -> Overview:
    """Every deck, sorted by key, with its cards and what is left of today's plan when it is
    studied alone; and all decks together, as "study all" studies them."""
    day = day or store.today()
    with store.reading() as conn, heap.paused():  # as due_queue
        decks = [convert.deck(r) for r in conn.execute(
            select(deck_t).where(deck_t.c.retired.is_(False)).order_by(deck_t.c.key)).mappings()]
        every, left, _ = _plan(store, conn, None, day, None)
        live = state_t.c.retired.is_(False)
        plans = {p.deck_id: capped([p], left)[0] for p in every}
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
    return Overview(out, *counts(capped(every, left)))


def card_ids(store: StoreContext, deck_ids: int | Collection[int] | None) -> list[int]:
    """Every card in play, of one deck (an id), some decks (a deck and its subdecks) or all,
    in deck order: a quiz's pool."""
    query = (
        select(card_t.c.id)
        .join(state_t, state_t.c.card_id == card_t.c.id)
        .where(in_play())
        .order_by(card_t.c.deck_id, card_t.c.position, card_t.c.id)
    )
    if isinstance(deck_ids, int):
        query = query.where(card_t.c.deck_id == deck_ids)
    elif deck_ids is not None:
        query = query.where(card_t.c.deck_id.in_(list(deck_ids)))
    with store.reading() as conn:
        return list(conn.execute(query).scalars())


def next_due(store: StoreContext, deck: Deck | None, day: date | None = None,
             deck_ids: Collection[int] | None = None) -> tuple[date | None, int]:
    """The first study day after ``day`` with reviews due, and how many are due tomorrow, in
    one deck, some decks (a parent and its subdecks) or all."""
    day = day or store.today()
    query = select(func.min(state_t.c.due), func.count().filter(
        state_t.c.due == day + timedelta(days=1)))
    query = query.where(in_play(), state_t.c.due > day)
    if deck is not None:
        deck_ids = [deck.id]
    if deck_ids is not None:
        query = query.join(card_t, card_t.c.id == state_t.c.card_id).where(
            card_t.c.deck_id.in_(sorted(deck_ids)))
    with store.reading() as conn:
        first, tomorrow = conn.execute(query).one()
    return first, int(tomorrow or 0)


