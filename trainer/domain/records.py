"""The plain records the day's rules work on: a card's schedule and flags, and a place in a
session's queue. The store builds them from its rows and re-exports them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING

from trainer.rules import Bucket
from trainer.scheduler import sm2


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's schedule and flags."""

    card_id: int
    repetitions: int
    easiness_x100: int
    interval: int
    due: date | None
    reviews: int
    lapses: int
    suspended: bool = False
    buried_until: date | None = None
    last_reviewed: datetime | None = None
    stability: float | None = None  # FSRS memory (None before any FSRS review or switch)
    difficulty: float | None = None

    @property
    def sm2(self) -> sm2.SM2State:
        return sm2.SM2State.from_x100(self.repetitions, self.easiness_x100, self.interval)


class QueueItem(tuple[int, Bucket]):
    """One card in today's queue: (card_id, bucket), bucket being "review", "repeat" or "new".

    A bare tuple subclass, built from (card_id, bucket) pairs without any Python-level
    constructor: today's queue at 100,000 cards is 40,000 of them."""

    __slots__ = ()
    if TYPE_CHECKING:  # the fields' types; at run time C-level getters, no Python call
        @property
        def card_id(self) -> int: ...
        @property
        def bucket(self) -> Bucket: ...
    else:
        card_id = property(itemgetter(0))
        bucket = property(itemgetter(1))

    @classmethod
    def of(cls, card_id: int, bucket: Bucket) -> QueueItem:
        return cls((card_id, bucket))

    def __repr__(self) -> str:
        return f"QueueItem(card_id={self[0]!r}, bucket={self[1]!r})"


