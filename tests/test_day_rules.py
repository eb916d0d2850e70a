"""The day's rules as tables: gathering, sibling burying, the overall limit, the leech rule.
Pure functions of plain records (trainer.domain): each row runs in microseconds."""

from __future__ import annotations

from datetime import date

import pytest

from trainer.domain.answer import Outcome, grade, leech_strikes, to_bury
from trainer.domain.plan import Burying, Candidates, DeckPlan, Room, capped, gather
from trainer.domain.records import CardState
from trainer.settings import Settings

DAY = date(2026, 3, 10)
D = 1  # the deck
BOTH = {D: Burying(new=True, reviews=True)}
NONE = {D: Burying(new=False, reviews=False)}


def plan_of(room: Room, burying: dict[int, Burying], *, due=(), new=(), repeats=(),
            notes=None, more_new=()) -> DeckPlan:
    found = Candidates(repeats=[(c, D) for c in repeats], due=[(c, D) for c in due],
                       new={D: list(new)}, more_new=more_new)
    (plan,) = gather({D: room}, burying, found, notes or {}).plans
    return plan


# -- gathering ------------------------------------------------------------------------------

@pytest.mark.parametrize(("burying", "notes", "due", "new", "room", "reviews", "new_cards"), [
    # a due review and a new card of its note: the review comes, the new card waits, and
    # the next new card takes its place within the limit
    (BOTH, {1: "n", 2: "n"}, [1], [2, 3], Room(2, 5), [1], [3]),
    # two new cards of one note: one a day
    (BOTH, {2: "n", 3: "n"}, [], [2, 3, 4], Room(2, 5), [], [2, 4]),
    # a deck that buries no new siblings takes both
    (NONE, {2: "n", 3: "n"}, [], [2, 3, 4], Room(2, 5), [], [2, 3]),
    # two due reviews of one note: the more overdue first, the other tomorrow
    (BOTH, {1: "n", 2: "n"}, [1, 2, 3], [], Room(0, 5), [1, 3], []),
    (NONE, {1: "n", 2: "n"}, [1, 2, 3], [], Room(0, 5), [1, 2, 3], []),
    # a review left out for its sibling takes no room: the next review comes instead
    (BOTH, {1: "n", 2: "n"}, [1, 2, 3, 4], [], Room(0, 2), [1, 3], []),
    # cards alone in their notes: limits as given, most overdue first, deck order for new
    (BOTH, {}, [5, 6, 7], [8, 9, 10], Room(2, 2), [5, 6], [8, 9]),
    # a deck that buries new siblings but not reviews still leaves the new card out
    ({D: Burying(new=True, reviews=False)}, {1: "n", 2: "n"}, [1], [2, 3], Room(1, 5), [1],
     [3]),
    # one that buries reviews but not new cards takes the new card beside its review
    ({D: Burying(new=False, reviews=True)}, {1: "n", 2: "n"}, [1], [2, 3], Room(1, 5), [1],
     [2]),
])
def test_gathering(burying, notes, due, new, room, reviews, new_cards):
    plan = plan_of(room, burying, due=due, new=new, notes=notes)
    assert (plan.reviews, plan.new) == (reviews, new_cards)


def test_a_same_day_repeat_comes_first_and_leaves_its_siblings_to_its_answer():
    # what the repeat's answer buried is out of the candidates; what it left (a review due
    # today, when it was new) comes today, and the plan stays what it was before the answer
    plan = plan_of(Room(5, 5), BOTH, repeats=[1], due=[2, 3], new=[4, 5],
                   notes={1: "n", 2: "n", 4: "n"})
    assert (plan.repeats, plan.reviews, plan.new) == ([1], [2, 3], [5])


def test_a_repeat_that_is_also_due_is_one_card():
    plan = plan_of(Room(5, 5), BOTH, repeats=[1], due=[1, 2])
    assert (plan.repeats, plan.reviews) == ([1], [2])


def test_a_deck_short_of_new_cards_asks_for_more_only_when_more_may_exist():
    found = Candidates(new={D: [2, 3]}, more_new=[D])
    assert gather({D: Room(2, 0)}, BOTH, found, {2: "n", 3: "n"}).short_of_new == {D}
    found = Candidates(new={D: [2, 3]}, more_new=[])
    assert gather({D: Room(2, 0)}, BOTH, found, {2: "n", 3: "n"}).short_of_new == set()


def test_the_overall_limit_takes_reviews_before_new_cards_deck_by_deck():
    plans = [DeckPlan(1, reviews=[1, 2], new=[3, 4]), DeckPlan(2, reviews=[5], new=[6])]
    out = capped(plans, 4)
    assert [(p.reviews, p.new) for p in out] == [([1, 2], [3]), ([5], [])]
    assert [(p.reviews, p.new) for p in capped(plans, None)] == [([1, 2], [3, 4]),
                                                                 ([5], [6])]
    assert plans[0].new == [3, 4]  # the plans given are left as they were


# -- what an answer buries ------------------------------------------------------------------

def state(cid: int, due: date | None = None, reviews: int = 0, **flags) -> CardState:
    return CardState(cid, 0 if due is None else 2, 250, 0 if due is None else 6, due, reviews,
                     0, **flags)


TOMORROW = date(2026, 3, 11)
YESTERDAY = date(2026, 3, 9)


@pytest.mark.parametrize(("sibling", "burying", "buried"), [
    (state(2), Burying(new=True, reviews=True), True),  # a new sibling
    (state(2), Burying(new=False, reviews=True), False),
    (state(2, DAY, 3), Burying(new=True, reviews=True), True),  # a review due today
    (state(2, YESTERDAY, 3), Burying(new=True, reviews=True), True),  # overdue
    (state(2, DAY, 3), Burying(new=True, reviews=False), False),
    (state(2, TOMORROW, 3), Burying(new=True, reviews=True), False),  # not due today
    (state(2, suspended=True), Burying(), False),
    (state(2, buried_until=TOMORROW), Burying(), False),  # already buried
    (state(2, buried_until=DAY), Burying(), True),  # its burial ended this morning
])
def test_an_answer_buries_new_siblings_and_reviews_due_today(sibling, burying, buried):
    assert bool(to_bury([sibling], DAY, burying)) is buried


def test_a_new_cards_answer_never_buries_a_due_review():
    # a deck that buries review siblings but not new ones has both in its day: the review
    # stays, whichever comes first
    review, new = state(2, DAY, 3), state(3)
    burying = Burying(new=False, reviews=True)
    assert to_bury([review, new], DAY, burying, answered_new=True) == []
    assert to_bury([review, new], DAY, burying) == [review]


# -- the leech rule -------------------------------------------------------------------------

@pytest.mark.parametrize(("threshold", "strikes_at"), [
    (8, [8, 12, 16, 20]),  # at the threshold, then every half of it after
    (2, [2, 3, 4, 5, 6]),
    (5, [5, 7, 9]),
    (1, [1, 2, 3]),
])
def test_the_leech_action_strikes_at_the_threshold_and_every_half_of_it_after(threshold,
                                                                               strikes_at):
    assert [n for n in range(1, 21) if leech_strikes(n, threshold)][:len(strikes_at)] == \
        strikes_at


def test_a_grade_decides_its_burials_and_leech_action_as_data():
    settings = Settings(timezone="UTC")
    lapsing = CardState(1, 3, 250, 20, DAY, 10, 7)  # a lapse brings it to 8
    new_sibling = state(2)
    outcome = grade(lapsing, 1, DAY, None, None, siblings=[new_sibling],
                    burying=Burying(), leech_lapses=8, leech_suspends=True,
                    lapse_updates_easiness=False, settings=settings)
    assert isinstance(outcome, Outcome)
    assert outcome.after.lapses == 8 and outcome.after.due == TOMORROW
    assert outcome.buried == ((new_sibling, state(2, buried_until=TOMORROW)),)
    assert outcome.leech and outcome.suspend
    passing = grade(lapsing, 5, DAY, None, None, siblings=[], burying=Burying(),
                    leech_lapses=8, leech_suspends=True, lapse_updates_easiness=False,
                    settings=settings)
    assert not passing.leech and passing.after.lapses == 7
