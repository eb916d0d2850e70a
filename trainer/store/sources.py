"""What the source map reads: a deck's cards that cite paragraphs, with their states and
their last 30 days of answers, in one query (a deck holds hundreds of cards, not thousands of
paragraphs, so Core and one pass suffice)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from trainer.rules import PASS, RETAINED
from trainer.store.records import CitedCard
from trainer.store.schema import card_t, review_t, state_t

if TYPE_CHECKING:
    from collections.abc import Collection

    from trainer.store.context import StoreContext

RECENT_DAYS = 30


def cited_cards(store: StoreContext, deck_ids: Collection[int],
                day: date | None = None) -> list[CitedCard]:
    """The cards in play of the decks that cite a paragraph, by paragraph, then deck
    order."""
    day = day or store.today()
    in_deck = select(card_t.c.id).where(card_t.c.deck_id.in_(list(deck_ids)))
    recent = (
        select(review_t.c.card_id, func.count().label("total"),
               func.count().filter(review_t.c.quality >= PASS).label("passed"))
        .where(review_t.c.card_id.in_(in_deck), review_t.c.kind == "scheduled",
               review_t.c.maturity.in_(RETAINED),
               review_t.c.study_day > day - timedelta(days=RECENT_DAYS),
               review_t.c.study_day <= day)
        .group_by(review_t.c.card_id)
        .subquery()
    )
    query = (
        select(card_t.c.source_para, card_t.c.entry, card_t.c.source_quote,
               state_t.c.repetitions, state_t.c.interval, state_t.c.reviews, state_t.c.due,
               func.coalesce(recent.c.total, 0), func.coalesce(recent.c.passed, 0))
        .join(state_t, state_t.c.card_id == card_t.c.id)
        .outerjoin(recent, recent.c.card_id == card_t.c.id)
        .where(card_t.c.deck_id.in_(list(deck_ids)), card_t.c.source_para.is_not(None),
               state_t.c.retired.is_(False), state_t.c.suspended.is_(False))
        .order_by(card_t.c.source_para, card_t.c.position, card_t.c.id)
    )
    with store.reading() as conn:
        return [CitedCard(int(para), entry, quote or "", reps, interval, reviews,
                          due, int(total), int(passed))
                for para, entry, quote, reps, interval, reviews, due, total, passed
                in conn.execute(query)]
