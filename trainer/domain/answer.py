"""What a grade decides, as data: the card's next state under its deck's scheduler, the
siblings it buries, and whether it makes the card a leech. The store applies the outcome
(trainer.store.reviews); replay, the switch between schedulers and the grade keys' previews
call the same functions, so that they can never disagree.

Under either scheduler a card's repetitions count its passes in a row (0 after a lapse), its
lapses and reviews count as they always do, and its interval and due date are the deciding
scheduler's. FSRS keeps SM-2's easiness as it was; SM-2 keeps FSRS's stability and
difficulty as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from trainer.domain.plan import Burying
from trainer.domain.records import CardState
from trainer.rules import PASS, lapse
from trainer.rules import buried as buried_on
from trainer.scheduler import fsrs, sm2
from trainer.settings import Settings
from trainer.studyday import study_day


def last_review_day(state: CardState, settings: Settings) -> date | None:
    """The study day of the card's last scheduled review: its own, or for a state that came
    without one (an import), the day its interval started."""
    last = state.last_reviewed
    if last is not None:  # a stored time without a zone is UTC
        return study_day(last if last.tzinfo else last.replace(tzinfo=UTC), settings)
    if state.due is not None and state.interval > 0:
        return state.due - timedelta(days=state.interval)
    return None


def elapsed_days(state: CardState, day: date, settings: Settings) -> int:
    last = last_review_day(state, settings)
    return 0 if last is None else max(0, (day - last).days)


def memory(state: CardState, params: fsrs.FSRSParams) -> fsrs.FSRSState:
    """The card's FSRS memory: its own, or for a card reviewed only under SM-2 (or imported
    with an SM-2 state), the memory its easiness and interval imply."""
    if state.stability is not None and state.difficulty is not None:
        return fsrs.FSRSState(state.stability, state.difficulty)
    if state.interval == 0:  # new, or reset
        return fsrs.FSRSState()
    return fsrs.from_sm2(max(1.3, state.easiness_x100 / 100), max(1, state.interval), params)


def decide(state: CardState, quality: int, day: date, at: datetime | None,
           params: fsrs.FSRSParams | None, *, lapse_updates_easiness: bool,
           settings: Settings) -> CardState:
    """The state after a scheduled grade on ``day``: SM-2's when ``params`` is None, else
    FSRS's with those parameters. ``at`` is kept as the card's last review."""
    before = state
    state = replace(state, reviews=state.reviews + 1,
                    lapses=state.lapses + lapse(quality, state.repetitions), last_reviewed=at)
    if params is None:
        new = sm2.review(state.sm2, quality, lapse_updates_easiness=lapse_updates_easiness)
        return replace(state, repetitions=new.repetitions, easiness_x100=new.easiness_x100,
                       interval=new.interval, due=day + timedelta(days=new.interval))
    after, interval = fsrs.review(memory(before, params), quality,
                                  elapsed_days(before, day, settings), params)
    return replace(state, repetitions=before.repetitions + 1 if quality >= PASS else 0,
                   interval=interval, due=day + timedelta(days=interval),
                   stability=after.stability, difficulty=after.difficulty)


def fsrs_intervals(state: CardState, day: date, params: fsrs.FSRSParams,
                   settings: Settings) -> dict[int, int]:
    """Each grade's next interval under FSRS, for the grade keys."""
    outcomes = fsrs.preview(memory(state, params), elapsed_days(state, day, settings), params)
    return {q: interval for q, (_, interval) in outcomes.items()}


def is_new(state: CardState) -> bool:
    """Never studied (or reset): no due date and no reviews."""
    return state.due is None and state.reviews == 0


def is_buried(state: CardState, day: date) -> bool:
    """Buried on ``day`` (rules.buried): out of the day's plan until its ``buried_until``."""
    return buried_on(state.buried_until, day)


def what_changed(shown: CardState, now: CardState, day: date) -> str | None:
    """What another window or command did to a card since it was shown (None: nothing that
    stops its answer): the word a student reads in "changed elsewhere (...)"."""
    if now.suspended and not shown.suspended:
        return "suspended"
    if is_buried(now, day) and not is_buried(shown, day):
        return "buried"
    if now.reviews > shown.reviews:
        return "graded"
    if now.reviews < shown.reviews or (now.due is None and shown.due is not None):
        return "reset"
    if (now.repetitions, now.easiness_x100, now.interval, now.due, now.lapses) != (
            shown.repetitions, shown.easiness_x100, shown.interval, shown.due, shown.lapses):
        return "rescheduled"
    return None


def to_bury(siblings: Iterable[CardState], day: date, burying: Burying,
            *, answered_new: bool = False) -> list[CardState]:
    """The siblings an answer buries until tomorrow: its note's new cards (when the deck buries
    new siblings) and reviews due today (when it buries review siblings), except that a new
    card's answer never buries a due review: the review was in the day's plan first (a deck
    that buries no new siblings shows both). A suspended or already buried sibling is left as
    it is."""
    out = []
    for s in siblings:
        if s.suspended or is_buried(s, day):
            continue
        if (is_new(s) and burying.new) or (
                not answered_new and s.due is not None and s.due <= day and burying.reviews):
            out.append(s)
    return out


def buried(state: CardState, day: date) -> CardState:
    """``state`` buried until the day after ``day``."""
    return replace(state, buried_until=day + timedelta(days=1))


def leech_strikes(lapses: int, threshold: int) -> bool:
    """Whether the lapse that brought a card to ``lapses`` triggers the leech action: at the
    threshold, and every half of the threshold after (as Anki's leech rule). The card is a
    leech from the first strike on (rules.leech)."""
    threshold = max(1, threshold)
    return lapses >= threshold and (lapses - threshold) % max(1, threshold // 2) == 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a scheduled grade decides: the card's next state, the siblings it buries (each
    as it was and as it will be), and whether the leech action fires (and suspends the
    card)."""

    after: CardState
    buried: tuple[tuple[CardState, CardState], ...] = ()
    leech: bool = False
    suspend: bool = False


def grade(before: CardState, quality: int, day: date, at: datetime | None,
          params: fsrs.FSRSParams | None, *, siblings: Iterable[CardState],
          burying: Burying, leech_lapses: int, leech_suspends: bool,
          lapse_updates_easiness: bool, settings: Settings) -> Outcome:
    """Every consequence of one scheduled grade of ``before`` on ``day``."""
    after = decide(before, quality, day, at, params,
                   lapse_updates_easiness=lapse_updates_easiness, settings=settings)
    bury = tuple((s, buried(s, day))
                 for s in to_bury(siblings, day, burying, answered_new=is_new(before)))
    strikes = after.lapses > before.lapses and leech_strikes(after.lapses, leech_lapses)
    return Outcome(after, bury, strikes, strikes and leech_suspends)
