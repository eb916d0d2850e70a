from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.scheduler.sm2 import MAX_INTERVAL, SM2State, preview, review


def run(grades, state=None, **kw):
    state = state or SM2State()
    out = []
    for q in grades:
        state = review(state, q, **kw)
        out.append(state)
    return out


def test_golden_sequence_of_eight_fives():
    states = run([5] * 8)
    assert [s.interval for s in states] == [1, 6, 17, 50, 150, 465, 1488, 4911]
    assert [s.easiness for s in states] == [2.6, 2.7, 2.8, 2.9, 3.0, 3.1, 3.2, 3.3]
    assert [s.repetitions for s in states] == list(range(1, 9))


def test_interval_uses_updated_easiness_and_rounds_up():
    # n=2, I=6, EF 2.5 graded 4: EF stays 2.5, I = ceil(15.0) = 15
    assert review(SM2State(2, 2.5, 6), 4) == SM2State(3, 2.5, 15)
    # graded 5: EF 2.6 -> 6 * 2.6 = 15.6 -> 16 (old EF would give 15)
    assert review(SM2State(2, 2.5, 6), 5) == SM2State(3, 2.6, 16)
    # graded 3: EF 2.36 -> 6 * 2.36 = 14.16 -> 15
    assert review(SM2State(2, 2.5, 6), 3) == SM2State(3, 2.36, 15)


@pytest.mark.parametrize(
    ("q", "ef"), [(5, 2.6), (4, 2.5), (3, 2.36)]
)
def test_first_two_intervals_are_one_and_six(q, ef):
    first = review(SM2State(), q)
    assert (first.repetitions, first.interval, first.easiness) == (1, 1, ef)
    assert review(first, 4).interval == 6


@pytest.mark.parametrize("q", [0, 1, 2])
def test_failure_restarts_without_changing_easiness(q):
    before = SM2State(5, 2.18, 40)
    assert review(before, q) == SM2State(0, 2.18, 1)


@pytest.mark.parametrize(("q", "ef"), [(0, 1.38), (1, 1.64), (2, 1.86)])
def test_failure_can_update_easiness_when_configured(q, ef):
    assert review(SM2State(5, 2.18, 40), q, lapse_updates_easiness=True) == SM2State(0, ef, 1)


def test_easiness_never_drops_below_1_3():
    assert review(SM2State(3, 1.35, 10), 3).easiness == 1.3
    assert review(SM2State(3, 1.3, 10), 0, lapse_updates_easiness=True).easiness == 1.3


def test_interval_is_capped_and_the_cap_feeds_the_next_step():
    capped = review(SM2State(9, 2.5, 20000), 4)
    assert capped.interval == MAX_INTERVAL
    assert review(capped, 4).interval == MAX_INTERVAL
    assert review(SM2State(9, 1.3, MAX_INTERVAL), 3).interval == MAX_INTERVAL


@pytest.mark.parametrize("q", [-1, 6, 3.0, "4", None, True])
def test_bad_quality_is_rejected(q):
    with pytest.raises(ValueError, match="quality"):
        review(SM2State(), q)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"easiness": 1.29},
        {"easiness": 2.555},
        {"interval": -1},
        {"interval": MAX_INTERVAL + 1},
        {"repetitions": 1, "interval": 0},
        {"repetitions": -1},
        {"repetitions": 1.0, "interval": 1},
        {"easiness": "2.5"},
    ],
)
def test_bad_states_are_rejected(kwargs):
    with pytest.raises(ValueError):
        SM2State(**kwargs)


def test_state_is_frozen():
    with pytest.raises(AttributeError):
        SM2State().interval = 3  # type: ignore[misc]


def test_preview_gives_every_grade():
    state = SM2State(2, 2.5, 6)
    p = preview(state)
    assert sorted(p) == [0, 1, 2, 3, 4, 5]
    assert [p[q].interval for q in range(6)] == [1, 1, 1, 15, 15, 16]
    assert p[4] == review(state, 4)


# An independent oracle with exact rationals.
def oracle(grades, lapse_updates=False):
    n, ef, interval = 0, Fraction(5, 2), 0
    out = []
    for q in grades:
        new_ef = max(Fraction(13, 10), ef + Fraction(1, 10) - (5 - q) * (
            Fraction(8, 100) + (5 - q) * Fraction(2, 100)))
        if q < 3:
            n, interval = 0, 1
            if lapse_updates:
                ef = new_ef
        else:
            ef = new_ef
            n += 1
            interval = 1 if n == 1 else 6 if n == 2 else math.ceil(interval * ef)
            interval = min(interval, MAX_INTERVAL)
        out.append((n, ef, interval))
    return out


grades_st = st.lists(st.integers(0, 5), min_size=1, max_size=60)


@given(grades_st, st.booleans())
def test_properties_over_grade_sequences(grades, lapse_updates):
    state = SM2State()
    for q in grades:
        before = state
        state = review(state, q, lapse_updates_easiness=lapse_updates)
        assert state.easiness >= 1.3
        if q < 3:
            assert (state.repetitions, state.interval) == (0, 1)
        elif before.repetitions >= 2:
            assert state.interval >= before.interval


@settings(max_examples=50)
@given(grades_st, st.booleans())
def test_matches_fraction_oracle(grades, lapse_updates):
    got = run(grades, lapse_updates_easiness=lapse_updates)
    want = oracle(grades, lapse_updates)
    assert [(s.repetitions, Fraction(s.easiness_x100, 100), s.interval) for s in got] == want


def test_exact_agreement_after_ten_thousand_random_grades():
    rng = random.Random(1990)
    # Mostly passing grades so that intervals grow long and hit the cap.
    grades = [rng.choice([0, 1, 2, 3, 4, 4, 5, 5, 5, 5]) for _ in range(10_000)]
    for lapse_updates in (False, True):
        got = run(grades, lapse_updates_easiness=lapse_updates)
        want = oracle(grades, lapse_updates)
        assert [
            (s.repetitions, Fraction(s.easiness_x100, 100), s.interval) for s in got
        ] == want
    assert any(s.interval == MAX_INTERVAL for s in got)
