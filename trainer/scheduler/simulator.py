"""What each scheduler would ask of one simulated student over the next days: reviews and
minutes a day, and how many cards they would remember.

The student's memory is FSRS's model (with the weights given: the defaults, or fitted to the
real student): each review, they recall a card with the probability the forgetting curve
gives, drawn from a seeded generator, so one seed always gives the same days. The same
student is scheduled by SM-2 (from each card's SM-2 state) and by FSRS at a desired
retention (from its memory); a recalled card is graded 3, 4 or 5 (15/70/15 %), a forgotten one
1, and a grade below 4 is repeated the same day (SM-2's rule 7, which trainer applies under
both schedulers) and counts as a second review. New cards come in at ``new_per_day``.

FSRS-6's formulas are written out here rather than called through the `fsrs` package: the
simulator takes millions of steps, and the package's card objects cost 30 µs each. A test
holds them equal to the package's.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from trainer.scheduler import sm2
from trainer.scheduler.fsrs import DEFAULT_RETENTION, DEFAULT_WEIGHTS, rating

STABILITY_MIN = 0.001
RECALLED_GRADES = ((3, 0.15), (4, 0.70), (5, 0.15))
FIRST_GRADES = ((1, 0.2), (3, 0.1), (4, 0.6), (5, 0.1))  # a new card's first answer


class Model:
    """FSRS-6's memory model and intervals for one set of weights."""

    def __init__(self, weights: tuple[float, ...] = DEFAULT_WEIGHTS) -> None:
        self.w = weights
        self.decay = -weights[20]
        self.factor = 0.9 ** (1 / self.decay) - 1

    def recall(self, stability: float, elapsed: float) -> float:
        return float((1 + self.factor * elapsed / stability) ** self.decay)

    def interval(self, stability: float, retention: float, longest: int) -> int:
        days = round(stability / self.factor * (retention ** (1 / self.decay) - 1))
        return int(min(max(days, 1), longest))

    def _difficulty0(self, button: int) -> float:
        return self.w[4] - math.exp(self.w[5] * (button - 1)) + 1

    def first(self, quality: int) -> tuple[float, float]:
        button = rating(quality)
        return (max(self.w[button - 1], STABILITY_MIN),
                min(max(self._difficulty0(button), 1.0), 10.0))

    def review(self, stability: float, difficulty: float, elapsed: int,
               quality: int) -> tuple[float, float]:
        """The memory after a review ``elapsed`` (>= 1) days after the last."""
        w, button = self.w, rating(quality)
        r = self.recall(stability, elapsed)
        if button == 1:
            s = min(w[11] * difficulty ** -w[12] * ((stability + 1) ** w[13] - 1)
                    * math.exp((1 - r) * w[14]), stability / math.exp(w[17] * w[18]))
        else:
            bonus = w[15] if button == 2 else w[16] if button == 4 else 1
            s = stability * (1 + math.exp(w[8]) * (11 - difficulty) * stability ** -w[9]
                             * (math.exp((1 - r) * w[10]) - 1) * bonus)
        d = difficulty + (10.0 - difficulty) * -(w[6] * (button - 3)) / 9.0
        d = w[7] * self._difficulty0(4) + (1 - w[7]) * d
        return max(s, STABILITY_MIN), min(max(d, 1.0), 10.0)


@dataclass(frozen=True, slots=True)
class StartCard:
    """A card as it stands today. ``last`` is the days since its last review (None: new);
    ``sm2_due``/``fsrs_due`` are days from today until due under each scheduler."""

    sm2: sm2.SM2State
    stability: float | None
    difficulty: float | None
    last: int | None
    sm2_due: int
    fsrs_due: int


@dataclass(frozen=True, slots=True)
class Day:
    reviews: int  # answers, same-day repeats included
    new: int
    minutes: float
    remembered: float  # the expected number of introduced cards the student would recall


Scheduler = Literal["sm2", "fsrs"]


def _pick(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    x, total = rng.random(), 0.0
    for value, chance in table:
        total += chance
        if x < total:
            return value
    return table[-1][0]


def simulate(cards: list[StartCard], scheduler: Scheduler, days: int, *,
             model: Model | None = None, retention: float = DEFAULT_RETENTION,
             longest: int = sm2.MAX_INTERVAL, new_per_day: int = 20,
             seconds_per_answer: float = 10.0, seed: int = 0) -> list[Day]:
    """Day by day from today (day 0), the student's work and memory under ``scheduler``."""
    model = model or Model()
    rng = random.Random(seed)
    n = len(cards)
    stability = [c.stability for c in cards]
    difficulty = [c.difficulty for c in cards]
    state = [c.sm2 for c in cards]
    last = [None if c.last is None else -c.last for c in cards]  # the day of the last review
    due: dict[int, list[int]] = {}
    waiting = []  # new cards, in order
    for i, c in enumerate(cards):
        if c.last is None:
            waiting.append(i)
        else:
            if stability[i] is None:  # studied, no FSRS memory: as SM-2's state implies
                stability[i], difficulty[i] = float(max(1, c.sm2.interval)), 5.0
            due.setdefault(max(0, c.sm2_due if scheduler == "sm2" else c.fsrs_due),
                           []).append(i)
    waiting.reverse()
    out = []
    for day in range(days):
        answers = introduced = 0
        for i in due.pop(day, []):
            s, d, seen = stability[i], difficulty[i], last[i]
            assert s is not None and d is not None and seen is not None
            elapsed = max(1, day - seen)
            recalled = rng.random() < model.recall(s, elapsed)
            quality = _pick(rng, RECALLED_GRADES) if recalled else 1
            stability[i], difficulty[i] = model.review(s, d, elapsed, quality)
            answers += 2 if quality < 4 else 1
            state[i] = sm2.review(state[i], quality)
            last[i] = day
            due.setdefault(day + _next(scheduler, state[i], stability[i], model, retention,
                                       longest), []).append(i)
        while waiting and introduced < new_per_day:
            i = waiting.pop()
            quality = _pick(rng, FIRST_GRADES)
            stability[i], difficulty[i] = model.first(quality)
            state[i] = sm2.review(sm2.SM2State(), quality)
            last[i] = day
            answers += 2 if quality < 4 else 1
            introduced += 1
            due.setdefault(day + _next(scheduler, state[i], stability[i], model, retention,
                                       longest), []).append(i)
        remembered = sum(model.recall(s, max(0, day - seen)) if seen != day else 1.0
                         for s, seen in zip(stability, last, strict=True)
                         if s is not None and seen is not None and seen <= day)
        out.append(Day(answers, introduced, answers * seconds_per_answer / 60, remembered))
    assert n == len(cards)
    return out


def _next(scheduler: Scheduler, state: sm2.SM2State, stability: float | None, model: Model,
          retention: float, longest: int) -> int:
    if scheduler == "sm2":
        return state.interval
    assert stability is not None
    return model.interval(stability, retention, longest)


def workload_per_remembered(days: list[Day]) -> float:
    """Answers over the period for each card remembered at its end."""
    return sum(d.reviews for d in days) / max(days[-1].remembered, 1e-9) if days else 0.0


CANDIDATES = tuple(r / 100 for r in range(70, 98, 3))  # 0.70, 0.73 ... 0.97


def optimal_retention(cards: list[StartCard], days: int, *, model: Model | None = None,
                      new_per_day: int = 20, seed: int = 0,
                      candidates: tuple[float, ...] = CANDIDATES,
                      each: Callable[[], None] | None = None) -> float:
    """The desired retention at which FSRS asks the fewest answers per card remembered;
    ``each`` is called after each candidate's run (a progress line)."""
    def workload(retention: float) -> float:
        found = workload_per_remembered(simulate(
            cards, "fsrs", days, model=model, retention=retention, new_per_day=new_per_day,
            seed=seed))
        if each is not None:
            each()
        return found

    return min(candidates, key=workload)
