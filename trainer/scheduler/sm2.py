"""Classic SM-2 (Wozniak, 1990), exactly, as a pure function of a state and a grade.

Quality ``q``: 5 perfect; 4 correct after hesitation; 3 correct with serious difficulty;
2 incorrect, but the answer seemed easy once seen; 1 incorrect, remembered once seen;
0 complete blackout.

* ``q >= 3``: EF' = max(1.3, EF + (0.1 - (5-q)(0.08 + (5-q)0.02))), n' = n + 1, and
  I' = 1 when n' = 1, 6 when n' = 2, else ceil(I * EF') with the *updated* EF.
* ``q < 3``: n' = 0, I' = 1 and EF is kept ("start repetitions from the beginning without
  changing the E-Factor"). ``lapse_updates_easiness=True`` applies the EF formula on a lapse
  too, because published implementations disagree on this point.
* I' is capped at ``MAX_INTERVAL`` and the capped value feeds the next step.

Easiness is held as whole hundredths and every product is integer arithmetic: with floats,
50 x 3.0000000000000004 rounds up to 151 where SM-2 gives 150.

SM-2's same-day rule (an item graded below 4 is repeated in the same session until it scores
4 or more, without changing n, EF or I) is the study session's business, not this module's:
those repeats never reach :func:`review`.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_INTERVAL = 36500
MIN_EASINESS_X100 = 130
INITIAL_EASINESS_X100 = 250
QUALITIES = range(6)


def _to_hundredths(easiness: float) -> int:
    if isinstance(easiness, bool) or not isinstance(easiness, (int, float)):
        raise ValueError(f"easiness must be a number, not {easiness!r}")
    hundredths = round(easiness * 100)
    if abs(easiness * 100 - hundredths) > 1e-6:
        raise ValueError(f"easiness must be a whole number of hundredths, not {easiness!r}")
    return hundredths


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class SM2State:
    """A card's SM-2 memory: repetitions n, easiness EF and interval I (days)."""

    repetitions: int = 0
    easiness: float = 2.5
    interval: int = 0

    def __post_init__(self) -> None:
        repetitions = _check_int("repetitions", self.repetitions)
        interval = _check_int("interval", self.interval)
        hundredths = _to_hundredths(self.easiness)
        if repetitions < 0:
            raise ValueError(f"repetitions must be >= 0, not {repetitions}")
        if hundredths < MIN_EASINESS_X100:
            raise ValueError(f"easiness must be >= 1.3, not {self.easiness}")
        if not 0 <= interval <= MAX_INTERVAL:
            raise ValueError(f"interval must be in 0..{MAX_INTERVAL}, not {interval}")
        if repetitions >= 1 and interval < 1:
            raise ValueError("interval must be >= 1 once a card has repetitions")
        # Normalise 2.5000000001-style inputs to the exact float of their hundredths.
        object.__setattr__(self, "easiness", hundredths / 100)

    @property
    def easiness_x100(self) -> int:
        return round(self.easiness * 100)

    @classmethod
    def from_x100(cls, repetitions: int, easiness_x100: int, interval: int) -> SM2State:
        return cls(repetitions, easiness_x100 / 100, interval)


def _check_quality(quality: object) -> int:
    if isinstance(quality, bool) or not isinstance(quality, int) or quality not in QUALITIES:
        raise ValueError(f"quality must be an int from 0 to 5, not {quality!r}")
    return quality


def _updated_easiness_x100(easiness_x100: int, quality: int) -> int:
    d = 5 - quality
    # 0.1 - d(0.08 + 0.02d), in hundredths: 10 - d(8 + 2d), always a whole number.
    return max(MIN_EASINESS_X100, easiness_x100 + 10 - d * (8 + 2 * d))


def review(state: SM2State, quality: int, *, lapse_updates_easiness: bool = False) -> SM2State:
    """Return the state after grading ``state`` with ``quality`` (0-5)."""
    quality = _check_quality(quality)
    ef = state.easiness_x100
    if quality < 3:
        if lapse_updates_easiness:
            ef = _updated_easiness_x100(ef, quality)
        return SM2State.from_x100(0, ef, 1)
    ef = _updated_easiness_x100(ef, quality)
    n = state.repetitions + 1
    if n == 1:
        interval = 1
    elif n == 2:
        interval = 6
    else:
        interval = -(-state.interval * ef // 100)  # ceil without floats
    return SM2State.from_x100(n, ef, min(interval, MAX_INTERVAL))


def preview(state: SM2State, *, lapse_updates_easiness: bool = False) -> dict[int, SM2State]:
    """Every grade's outcome up front, so the grade keys can show the next interval."""
    return {
        q: review(state, q, lapse_updates_easiness=lapse_updates_easiness) for q in QUALITIES
    }
