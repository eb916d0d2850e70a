"""The scheduled reviews of a deck (or every deck) as each card's memory saw them: what
fitting FSRS to the student, evaluating the schedulers and the simulator read."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select

from trainer.store.driver import sqlite_date
from trainer.store.records import MemoryHistory
from trainer.store.schema import card_t, review_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


def memory_histories(store: StoreContext,
                     deck_ids: list[int] | None = None) -> list[MemoryHistory]:
    """Each card's history since its last reset or import (those start it again)."""
    query = select(review_t.c.card_id, review_t.c.kind, review_t.c.study_day,
                   review_t.c.quality, review_t.c.after_interval).where(
        review_t.c.kind.in_(("scheduled", "import", "reset"))).order_by(review_t.c.id)
    if deck_ids is not None:
        query = query.where(review_t.c.card_id.in_(
            select(card_t.c.id).where(card_t.c.deck_id.in_(deck_ids))))
    out: dict[int, MemoryHistory] = defaultdict(lambda: MemoryHistory(0))
    with store.reading() as conn:
        for cid, kind, day, quality, interval in conn.execute(query):
            if kind == "scheduled":
                history = out[cid]
                history.card_id = cid
                history.reviews.append((sqlite_date(day) or day, quality))
            else:
                out[cid] = MemoryHistory(cid, [], from_new=kind == "reset" or not interval)
    return [h for h in out.values() if h.reviews]


def answer_seconds(store: StoreContext, deck_ids: list[int] | None = None) -> float | None:
    """The median time a scheduled answer took, in seconds (None without any)."""
    query = select(review_t.c.answer_ms).where(review_t.c.kind == "scheduled",
                                               review_t.c.answer_ms > 0)
    if deck_ids is not None:
        query = query.where(review_t.c.card_id.in_(
            select(card_t.c.id).where(card_t.c.deck_id.in_(deck_ids))))
    with store.reading() as conn:
        times = sorted(conn.execute(query).scalars())
    return times[len(times) // 2] / 1000 if times else None
