"""The study rules every layer shares: card kinds, review kinds, maturity, the pass marks.

One copy of each rule, so that the store, the sessions, the statistics and the screens can
never disagree about what "mature" or "passed" means.
"""

from __future__ import annotations

from datetime import date

CARD_KINDS = ("basic", "typed", "cloze", "choice")
REVIEW_KINDS = ("scheduled", "repeat", "quiz", "import", "reset")
ANSWER_KINDS = ("scheduled", "repeat", "quiz")  # the review kinds that are answers (rolled up)
STATE_KINDS = ("import", "reset")  # review kinds that set a state outside SM-2
MATURITIES = ("new", "learning", "young", "mature")

MATURE_DAYS = 21  # a card whose interval reaches three weeks is mature (as in Anki)
PASS = 3  # a grade of 3 or more is a correct answer (SM-2)
REPEAT_UNTIL = 4  # SM-2's same-day rule: repeat a card today until it is graded 4 or 5
LEECH_LAPSES = 8  # a card with this many lapses is a leech


def maturity(repetitions: int, interval: int, reviews: int, due: date | None) -> str:
    """A card's maturity before a review: new, learning, young or mature."""
    if due is None and reviews == 0:
        return "new"
    if repetitions < 2:
        return "learning"
    return "young" if interval < MATURE_DAYS else "mature"
