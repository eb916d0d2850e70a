"""FSRS-6, for the decks that opt in, in whole study days: the `fsrs` package's scheduler with
no learning steps and no fuzz, so that one grade sequence always gives the same intervals.

trainer's 0-5 grades map to FSRS's four buttons: 0-2 Again, 3 Hard, 4 Good, 5 Easy. A card's
FSRS memory is its stability (days until recall falls to 90 %) and difficulty (1-10); a new
card has neither. Same-day repeats are SM-2's rule 7, the session's business: they never
reach :func:`review`, as they never reach ``sm2.review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from functools import lru_cache

import fsrs
import fsrs_rs_python

from trainer.scheduler.sm2 import MAX_INTERVAL

DEFAULT_WEIGHTS: tuple[float, ...] = tuple(fsrs.Scheduler().parameters)
DEFAULT_RETENTION = 0.90
# every review happens at midnight of its study day, UTC: only the days between them count
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class Rating(IntEnum):
    """FSRS's four buttons, as the package numbers them."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def rating(quality: int) -> Rating:
    """A 0-5 grade as an FSRS button: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an int from 0 to 5, not {quality!r}")
    return Rating.AGAIN if quality < 3 else Rating(quality - 1)


@dataclass(frozen=True, slots=True)
class FSRSParams:
    """What a deck's FSRS schedules with: the model's weights (the defaults, or fitted to the
    student), the recall probability to schedule for, and the longest interval."""

    weights: tuple[float, ...] = DEFAULT_WEIGHTS
    desired_retention: float = DEFAULT_RETENTION
    maximum_interval: int = MAX_INTERVAL

    def __post_init__(self) -> None:
        if not 0.7 <= self.desired_retention <= 0.99:
            raise ValueError("desired retention must be from 0.70 to 0.99, not "
                             f"{self.desired_retention}")
        if not 1 <= self.maximum_interval <= MAX_INTERVAL:
            raise ValueError(f"the maximum interval must be 1 to {MAX_INTERVAL} days")
        if len(self.weights) != len(DEFAULT_WEIGHTS):
            raise ValueError(f"FSRS-6 has {len(DEFAULT_WEIGHTS)} weights, not "
                             f"{len(self.weights)}")


@dataclass(frozen=True, slots=True)
class FSRSState:
    """A card's FSRS memory; both None before its first FSRS review."""

    stability: float | None = None
    difficulty: float | None = None

    @property
    def is_new(self) -> bool:
        return self.stability is None


@lru_cache(maxsize=64)
def _scheduler(params: FSRSParams) -> fsrs.Scheduler:
    return fsrs.Scheduler(parameters=params.weights,
                          desired_retention=params.desired_retention,
                          learning_steps=(), relearning_steps=(),
                          maximum_interval=params.maximum_interval, enable_fuzzing=False)


def _card(state: FSRSState, elapsed_days: int) -> tuple[fsrs.Card, datetime]:
    """The package's card for ``state``, last reviewed ``elapsed_days`` before now."""
    now = _EPOCH + timedelta(days=max(0, elapsed_days))
    # card_id given: without one the package stamps the time and sleeps 1 ms per card
    if state.is_new:
        return fsrs.Card(card_id=0), now
    return fsrs.Card(card_id=0, state=fsrs.State.Review, stability=state.stability,
                     difficulty=state.difficulty, due=now, last_review=_EPOCH), now


def review(state: FSRSState, quality: int, elapsed_days: int,
           params: FSRSParams = FSRSParams()) -> tuple[FSRSState, int]:
    """The state after grading ``quality`` ``elapsed_days`` after the previous review (0 for
    a new card), and the next interval in whole days (at least 1)."""
    card, now = _card(state, elapsed_days)
    after, _ = _scheduler(params).review_card(card, fsrs.Rating(rating(quality)),
                                             review_datetime=now)
    interval = max(1, min(params.maximum_interval, (after.due - now).days))
    return FSRSState(after.stability, after.difficulty), interval


def preview(state: FSRSState, elapsed_days: int,
            params: FSRSParams = FSRSParams()) -> dict[int, tuple[FSRSState, int]]:
    """Every grade's outcome up front, for the grade keys (grades 0-2 are one button)."""
    again = review(state, 0, elapsed_days, params)
    return {0: again, 1: again, 2: again,
            **{q: review(state, q, elapsed_days, params) for q in (3, 4, 5)}}


def retrievability(state: FSRSState, elapsed_days: int,
                   params: FSRSParams = FSRSParams()) -> float:
    """The probability of recall ``elapsed_days`` after the last review (1.0 for a new card:
    nothing is forgotten that was never learned)."""
    if state.is_new:
        return 1.0
    card, now = _card(state, elapsed_days)
    return float(_scheduler(params).get_card_retrievability(card, now))


def from_sm2(easiness: float, interval: int, params: FSRSParams = FSRSParams()) -> FSRSState:
    """The FSRS memory that SM-2's easiness and interval imply (a card that came with an SM-2
    state and no FSRS history: an Anki package, a switch with an imported state), as
    fsrs-rs estimates it, taking SM-2's intervals to aim at 90 % recall."""
    if interval < 1:
        return FSRSState()
    memory = _rs(params.weights).memory_state_from_sm2(easiness, interval, 0.9)
    return FSRSState(float(memory.stability), float(memory.difficulty))


@lru_cache(maxsize=16)
def _rs(weights: tuple[float, ...]) -> fsrs_rs_python.FSRS:
    return fsrs_rs_python.FSRS(list(weights))
