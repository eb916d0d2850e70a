"""FSRS-6 in whole study days: golden intervals from the `fsrs` package (6.3), the grade
mapping, and the parameters a deck can set."""

from __future__ import annotations

import pytest

from trainer.scheduler.fsrs import (
    FSRSParams,
    FSRSState,
    Rating,
    preview,
    rating,
    retrievability,
    review,
)

# (stability, difficulty, next interval) after each grade, each review on the day it was due
GOLDEN = {
    (4, 4, 4, 4, 4, 4): [(2.3065, 2.1181, 2), (10.9643, 2.1112, 11), (46.2802, 2.1043, 46),
                         (162.8622, 2.0975, 163), (497.4472, 2.0906, 497),
                         (1345.5288, 2.0837, 1346)],
    (5, 5, 5, 5): [(8.2956, 1.0, 8), (65.6242, 1.0, 66), (396.775, 1.0, 397),
                   (1874.917, 1.0, 1875)],
    (3, 3, 3, 3): [(1.2931, 5.1122, 1), (3.2494, 6.7405, 3), (6.7283, 7.8214, 7),
                   (11.9164, 8.539, 12)],
    (4, 4, 4, 1, 4, 4): [(2.3065, 2.1181, 2), (10.9643, 2.1112, 11), (46.2802, 2.1043, 46),
                         (2.9326, 7.39, 3), (7.7782, 7.3778, 8), (18.7816, 7.3657, 19)],
    (0, 4, 4, 5): [(0.212, 6.4133, 1), (1.8868, 6.4021, 2), (6.2692, 6.3909, 6),
                   (27.0771, 5.1702, 27)],
}


@pytest.mark.parametrize("grades", list(GOLDEN))
def test_golden_intervals(grades):
    state, elapsed, seen = FSRSState(), 0, []
    for q in grades:
        state, interval = review(state, q, elapsed)
        assert state.stability is not None and state.difficulty is not None
        seen.append((round(state.stability, 4), round(state.difficulty, 4), interval))
        elapsed = interval
    assert seen == GOLDEN[grades]


def test_grades_map_to_the_four_buttons():
    assert [rating(q) for q in range(6)] == [Rating.AGAIN, Rating.AGAIN, Rating.AGAIN,
                                             Rating.HARD, Rating.GOOD, Rating.EASY]
    for bad in (-1, 6, True, 2.0):
        with pytest.raises(ValueError):
            rating(bad)


def test_every_fail_is_the_same_again_and_the_keys_preview_each_grade():
    after = preview(FSRSState(10.0, 5.0), 10)
    assert after[0] == after[1] == after[2]  # 0, 1 and 2 are all Again
    intervals = [after[q][1] for q in (2, 3, 4, 5)]
    assert intervals == sorted(intervals) and len(set(intervals)) == 4


def test_a_lower_retention_schedules_further_and_the_maximum_caps_it():
    state = FSRSState(30.0, 5.0)
    at_90 = review(state, 4, 30)[1]
    at_80 = review(state, 4, 30, FSRSParams(desired_retention=0.80))[1]
    assert at_80 > at_90
    assert review(state, 5, 30, FSRSParams(maximum_interval=20))[1] == 20


def test_recall_fades_with_time_and_a_new_card_has_nothing_to_forget():
    state = FSRSState(10.0, 5.0)
    assert retrievability(state, 10) == pytest.approx(0.9, abs=1e-6)  # stability's meaning
    assert retrievability(state, 0) > retrievability(state, 10) > retrievability(state, 30)
    assert retrievability(FSRSState(), 100) == 1.0


@pytest.mark.parametrize("bad", [{"desired_retention": 0.5}, {"desired_retention": 1.0},
                                 {"maximum_interval": 0}, {"weights": (1.0, 2.0)}])
def test_parameters_out_of_range_are_refused(bad):
    with pytest.raises(ValueError):
        FSRSParams(**bad)


def test_a_review_never_waits(monkeypatch):
    """The package sleeps 1 ms for each card made without an id: at four previews and a
    grade a card, that was 5 ms in every study cycle (and two minutes of a simulation)."""
    import time

    def refuse(_: float) -> None:
        raise AssertionError("slept")

    from trainer.scheduler import fsrs

    monkeypatch.setattr(time, "sleep", refuse)
    state, _ = fsrs.review(fsrs.FSRSState(), 4, 0)
    fsrs.preview(state, 3)
    fsrs.retrievability(state, 3)
