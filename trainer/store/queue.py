"""Today's queue and the deck list's counts: due reviews, pending same-day repeats, new cards.

On the launch path and hot (40,000 due cards at 100,000), so SQLAlchemy Core, with the due ids
read by the driver's cursor (trainer.store.driver.fetch_column).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import repeat
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from trainer.rules import REPEAT_UNTIL
from trainer.store import convert, driver
from trainer.store.driver import AnySelect
from trainer.store.records import Deck, DeckSummary, Limits, QueueItem
from trainer.store.schema import card_t, deck_t, review_t, state_t

if TYPE_CHECKING:
    from trainer.store import Store


def _items(ids: list[int], bucket: str) -> list[QueueItem]:
    return list(map(QueueItem, zip(ids, repeat(bucket))))


def limits_for(store: Store, deck: Deck | None) -> Limits:
    """A deck's daily limits: its own where set, else the settings'."""
    new = store.settings.new_per_day
    reviews = store.settings.reviews_per_day
    if deck is not None:
        new = deck.new_per_day if deck.new_per_day is not None else new
        reviews = deck.reviews_per_day if deck.reviews_per_day is not None else reviews
    return Limits(new, reviews)


def _not_buried(day: date) -> ColumnElement[bool]:
    return or_(state_t.c.buried_until.is_(None), state_t.c.buried_until <= day)


def studied_today(conn: Connection, deck_id: int | None, day: date) -> tuple[int, int]:
    """(new cards introduced, reviews done) by scheduled answers on ``day``."""
    is_new = and_(review_t.c.before_due.is_(None), review_t.c.before_reviews == 0)
    query = select(
        func.count().filter(is_new), func.count().filter(~is_new)
    ).where(review_t.c.study_day == day, review_t.c.kind == "scheduled")
    if deck_id is not None:
        query = query.join(card_t, card_t.c.id == review_t.c.card_id).where(
            card_t.c.deck_id == deck_id
        )
    new, reviews = conn.execute(query).one()
    return int(new or 0), int(reviews or 0)


def pending_repeats(conn: Connection, deck_id: int | None, day: date) -> list[int]:
    """Cards whose latest answer today was below 4: SM-2 repeats them until 4 or 5."""
    latest = (
        select(func.max(review_t.c.id).label("rid"))
        .where(review_t.c.study_day == day, review_t.c.kind.in_(("scheduled", "repeat")))
        .group_by(review_t.c.card_id)
        .subquery()
    )
    query = (
        select(review_t.c.card_id)
        .join(latest, latest.c.rid == review_t.c.id)
        .join(state_t, state_t.c.card_id == review_t.c.card_id)
        .where(review_t.c.quality < REPEAT_UNTIL, state_t.c.suspended.is_(False),
               _not_buried(day))
        .order_by(review_t.c.id)
    )
    if deck_id is not None:
        query = query.join(card_t, card_t.c.id == review_t.c.card_id).where(
            card_t.c.deck_id == deck_id
        )
    return list(conn.execute(query).scalars())


def due_statement(day: date, limit: int) -> AnySelect:
    """Due reviews, most overdue first, then hardest (lowest easiness)."""
    return (
        select(state_t.c.card_id)
        .where(state_t.c.suspended.is_(False), state_t.c.due <= day)
        .order_by(state_t.c.due, state_t.c.easiness_x100, state_t.c.card_id)
        .limit(limit)
    )


def due_queue(
    store: Store, deck: Deck | None, day: date | None = None, limits: Limits | None = None
) -> list[QueueItem]:
    """Due reviews (most overdue first, then hardest), pending repeats, then new cards."""
    day = day or store.today()
    limits = limits or limits_for(store, deck)
    deck_id = deck.id if deck else None
    with store.reading() as conn:
        new_done, reviews_done = studied_today(conn, deck_id, day)
        review_room = max(0, limits.reviews_per_day - reviews_done)
        new_room = max(0, limits.new_per_day - new_done)
        # Buried cards are few: leaving them out in Python lets the index alone answer the
        # due query (no table lookup for 30,000 rows).
        buried = set(conn.execute(
            select(state_t.c.card_id).where(state_t.c.buried_until > day)).scalars())
        due = due_statement(day, review_room + len(buried))
        new = (
            select(state_t.c.card_id)
            .join(card_t, card_t.c.id == state_t.c.card_id)
            .where(state_t.c.suspended.is_(False), state_t.c.due.is_(None), _not_buried(day))
            .order_by(card_t.c.deck_id, card_t.c.position, card_t.c.id)
            .limit(new_room)
        )
        if deck_id is not None:
            due = due.join(card_t, card_t.c.id == state_t.c.card_id).where(
                card_t.c.deck_id == deck_id
            )
            new = new.where(card_t.c.deck_id == deck_id)
        due_ids = driver.fetch_column(conn, due) if review_room else []
        if buried:
            due_ids = [cid for cid in due_ids if cid not in buried][:review_room]
        repeats = pending_repeats(conn, deck_id, day)
        new_ids = list(conn.execute(new).scalars()) if new_room else []
    queued = set(due_ids)
    items = _items(due_ids, "review")
    items += _items([cid for cid in repeats if cid not in queued], "repeat")
    items += _items(new_ids, "new")
    return items


def deck_summaries(store: Store, day: date | None = None) -> list[DeckSummary]:
    """Every deck, sorted by key, with card counts and today's new / due / repeat counts
    (new and due within the daily limits)."""
    day = day or store.today()
    usable = and_(state_t.c.suspended.is_(False), _not_buried(day))
    with store.reading() as conn:
        decks = [convert.deck(r) for r in conn.execute(
            select(deck_t).order_by(deck_t.c.key)).mappings()]
        per_deck = {
            row[0]: row[1:]
            for row in conn.execute(
                select(
                    card_t.c.deck_id,
                    func.count(),
                    func.count().filter(and_(usable, state_t.c.due.is_(None))),
                    func.count().filter(and_(usable, state_t.c.due <= day)),
                    func.count().filter(state_t.c.suspended.is_(True)),
                    func.max(state_t.c.last_reviewed),
                )
                .join(state_t, state_t.c.card_id == card_t.c.id)
                .group_by(card_t.c.deck_id)
            )
        }
        is_new = and_(review_t.c.before_due.is_(None), review_t.c.before_reviews == 0)
        done = {
            row[0]: row[1:]
            for row in conn.execute(
                select(card_t.c.deck_id, func.count().filter(is_new),
                       func.count().filter(~is_new))
                .join(card_t, card_t.c.id == review_t.c.card_id)
                .where(review_t.c.study_day == day, review_t.c.kind == "scheduled")
                .group_by(card_t.c.deck_id)
            )
        }
        repeat_ids = pending_repeats(conn, None, day)
        repeats: dict[int, int] = {}
        if repeat_ids:
            for deck_id in conn.execute(
                select(card_t.c.deck_id).where(card_t.c.id.in_(repeat_ids))
            ).scalars():
                repeats[deck_id] = repeats.get(deck_id, 0) + 1
    out = []
    for deck in decks:
        cards, new_avail, due_avail, suspended, last = per_deck.get(deck.id, (0, 0, 0, 0, None))
        new_done, reviews_done = done.get(deck.id, (0, 0))
        limits = limits_for(store, deck)
        out.append(DeckSummary(
            id=deck.id, key=deck.key, name=deck.name, cards=cards,
            new=max(0, min(new_avail, limits.new_per_day - new_done)),
            due=max(0, min(due_avail, limits.reviews_per_day - reviews_done)),
            repeat=repeats.get(deck.id, 0), suspended=suspended,
            last_studied=convert.aware(last),
        ))
    return out


def card_ids(store: Store, deck_id: int | None) -> list[int]:
    """Every unsuspended card id, of one deck or all, in deck order: a quiz's pool."""
    query = (
        select(card_t.c.id)
        .join(state_t, state_t.c.card_id == card_t.c.id)
        .where(state_t.c.suspended.is_(False))
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
    query = query.where(state_t.c.suspended.is_(False), state_t.c.due > day)
    if deck is not None:
        query = query.join(card_t, card_t.c.id == state_t.c.card_id).where(
            card_t.c.deck_id == deck.id)
    with store.reading() as conn:
        first, tomorrow = conn.execute(query).one()
    return first, int(tomorrow or 0)
