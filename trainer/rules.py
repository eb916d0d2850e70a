"""The study rules every layer shares: card kinds, review kinds, maturity, the pass marks and
the words for the grades.

One copy of each rule, so that the store, the sessions, the statistics and the screens can
never disagree about what "mature", "passed" or a grade of 4 means.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal, get_args

CardKind = Literal["basic", "typed", "cloze", "choice"]
# a review-log row's kind: an answer, a state set outside the scheduler ("switch": a deck
# changed scheduler, and each card's state under the new one, worked out from its history, was
# written), or a change of a card's flags (suspended, buried until) or its leech mark
AnswerKind = Literal["scheduled", "repeat", "quiz"]
StateKind = Literal["import", "reset", "reschedule", "switch"]
FlagKind = Literal["suspend", "unsuspend", "bury", "unbury", "leech"]
ReviewKind = Literal[AnswerKind, StateKind, FlagKind]
Maturity = Literal["new", "learning", "young", "mature"]
Bucket = Literal["review", "repeat", "new"]  # where a card sits in today's queue
Verdict = Literal["right", "close", "wrong"]  # a typed or chosen answer, checked

CARD_KINDS: Final = get_args(CardKind)
REVIEW_KINDS: Final = get_args(ReviewKind)
MATURITIES: Final = get_args(Maturity)
ANSWER_KINDS: Final[tuple[AnswerKind, ...]] = get_args(AnswerKind)  # rolled up
# answers that change no state (a same-day repeat, a quiz)
STATELESS_KINDS: Final[tuple[AnswerKind, ...]] = ("repeat", "quiz")
STATE_KINDS: Final[tuple[StateKind, ...]] = get_args(StateKind)
Scheduler = Literal["sm2", "fsrs"]
SCHEDULERS: Final = get_args(Scheduler)
FLAG_KINDS: Final[tuple[FlagKind, ...]] = get_args(FlagKind)
LeechAction = Literal["suspend", "tag"]
LEECH_TAG: Final = "leech"

MATURE_DAYS: Final = 21  # a card whose interval reaches three weeks is mature (as in Anki)
PASS: Final = 3  # a grade of 3 or more is a correct answer (SM-2); below it, a lapse
REPEAT_UNTIL: Final = 4  # SM-2's same-day rule: repeat a card today until graded 4 or 5
REPEAT_GAP: Final = 10  # a same-day repeat comes back after this many other cards

# SM-2's six grades, in the words every screen and `trainer stats` use.
GRADE_WORDS: Final[dict[int, str]] = {
    0: "blackout",
    1: "wrong, recognised",
    2: "wrong, easy once seen",
    3: "right, with difficulty",
    4: "right, after hesitation",
    5: "perfect",
}
# The grade a checked answer suggests (enter accepts it), and a quiz's record of an answer.
SUGGESTED: Final[dict[Verdict, int]] = {"right": 4, "close": 3, "wrong": 1}
QUIZ_RIGHT: Final = 4
QUIZ_WRONG: Final = 1


def maturity(repetitions: int, interval: int, reviews: int, due: date | None) -> Maturity:
    """A card's maturity before a review: new, learning, young or mature."""
    if due is None and reviews == 0:
        return "new"
    if repetitions < 2:
        return "learning"
    return "young" if interval < MATURE_DAYS else "mature"


def retention_group(grown: Maturity) -> Literal["young", "mature"] | None:
    """Where a scheduled answer counts in true retention, given the card's maturity before
    it. As Anki's "True retention" does, it counts a card's first answer of a day once the
    card has an interval (any scheduled answer but a new card's first; same-day repeats and
    quizzes are other kinds), young or mature by that interval: a learning card's answer is
    young (SM-2 gives it an interval of one day)."""
    if grown == "new":
        return None
    return "mature" if grown == "mature" else "young"


# the maturities whose scheduled answers true retention counts (retention_group), for SQL
RETAINED: Final[tuple[Maturity, ...]] = tuple(m for m in MATURITIES if retention_group(m))


def in_play(suspended: bool, retired: bool) -> bool:
    """Neither suspended nor retired: a card a queue may show and a count counts."""
    return not suspended and not retired


def buried(buried_until: date | None, day: date) -> bool:
    """Buried on ``day``: it comes back on the day its burying ends."""
    return buried_until is not None and buried_until > day


def due(due_day: date | None, suspended: bool, retired: bool, buried_until: date | None,
        day: date) -> bool:
    """Due on ``day``: scheduled for it or earlier, in play and not buried (what the deck
    list's Due counts before its limits, and `is:due` finds)."""
    return (due_day is not None and due_day <= day and in_play(suspended, retired)
            and not buried(buried_until, day))


def leech(lapses: int, leech_lapses: int, tagged: bool) -> bool:
    """A leech: lapsed as often as its deck's leech threshold (grading tags it then), or
    tagged `leech` (by grading, by hand, or in an imported Anki deck)."""
    return tagged or lapses >= leech_lapses


def grade(kind: ReviewKind, quality: int) -> int | None:
    """A log row's grade as shown: an answer's (scheduled, repeat, quiz), or None for a row
    that is not an answer (an import, a suspension, a leech…), whose quality column is no
    grade (0, or for a leech row whether it added the tag)."""
    return quality if kind in ANSWER_KINDS else None


def passed(quality: int) -> bool:
    return quality >= PASS


def lapse(quality: int, repetitions_before: int) -> bool:
    """A failed answer to a card that had been recalled before: a lapse (a first failure of a
    new card is not one)."""
    return quality < PASS and repetitions_before >= 1


# A card's flag, as Anki's: 0 none, 1-7 these colours (ctrl+1…7 while studying or browsing,
# `flag:N` in a search). A note on the card, not a state: it is no part of the review log.
FLAG_COLOURS: Final = ("red", "orange", "green", "blue", "pink", "turquoise", "purple")
MARKED_TAG: Final = "marked"  # Anki's mark (`*`): a tag, so Anki and trainer read it alike
# the student's own tags, not a deck author's: a re-import of a changed card keeps them
STUDENT_TAGS: Final = (LEECH_TAG, MARKED_TAG)


def flag_name(flag: int) -> str:
    """A flag's colour, "no flag" for 0."""
    return FLAG_COLOURS[flag - 1] if 1 <= flag <= len(FLAG_COLOURS) else "no flag"


def is_marked(tags: tuple[str, ...] | list[str]) -> bool:
    """Marked: it carries Anki's `marked` tag (whatever its case, as Anki's tags)."""
    return any(t.lower() == MARKED_TAG for t in tags)
