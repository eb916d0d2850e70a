"""A session's queue, in order: the repeats first, then the reviews with the new cards spread
evenly among them; a card never next to a card of its own note when another can go there."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from itertools import repeat

from trainer.domain.plan import DeckPlan
from trainer.domain.records import QueueItem
from trainer.rules import Bucket


def order(plans: Sequence[DeckPlan], notes: Mapping[int, Hashable]) -> list[QueueItem]:
    """One session's queue from its decks' plans."""
    items = _items([c for p in plans for c in p.repeats], "repeat")
    reviews = _items([c for p in plans for c in p.reviews], "review")
    new = [c for p in plans for c in p.new]
    # the i-th new card at the middle of its share of the session: 40,000 reviews are built
    # by map without a per-item constructor, and only the few new cards are placed one by one
    total = len(reviews) + len(new)
    for i, cid in enumerate(new):
        reviews.insert(int((i + 0.5) * total / len(new)), QueueItem.of(cid, "new"))
    return apart(items + reviews, notes)


def _items(ids: list[int], bucket: Bucket) -> list[QueueItem]:
    return list(map(QueueItem, zip(ids, repeat(bucket))))


def apart(items: list[QueueItem], notes: Mapping[int, Hashable]) -> list[QueueItem]:
    """Move a card that follows a card of its own note to the next place where it does not
    (only a deck that buries no siblings has two of one note in a day)."""
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


def _same_note(a: QueueItem, b: QueueItem, notes: Mapping[int, Hashable]) -> bool:
    note = notes.get(a.card_id)
    return note is not None and note == notes.get(b.card_id)
