"""The shared study rules (trainer.rules) as tables of states and verdicts: the boundaries the
README states (21 days is mature, the leech threshold is reached at its own count, burying
ends on the day it names), each pinned by a row. Pure: milliseconds, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trainer import rules

TODAY = date(2026, 3, 2)


def day(offset: int | None) -> date | None:
    return None if offset is None else TODAY + timedelta(days=offset)


@pytest.mark.parametrize(("repetitions", "interval", "reviews", "due", "expected"), [
    (0, 0, 0, None, "new"),
    (0, 0, 2, None, "learning"),  # reviewed, then given no due day: not new
    (0, 1, 1, 0, "learning"),  # failed its first answer
    (1, 1, 1, 1, "learning"),  # passed once
    (1, 30, 4, 5, "learning"),  # passed once since a lapse, whatever its interval
    (2, 6, 2, 0, "young"),
    (3, 20, 3, 0, "young"),  # 20 days: young
    (3, 21, 3, 0, "mature"),  # 21 days: mature (as in Anki)
    (9, 400, 9, 0, "mature"),
])
def test_maturity(repetitions, interval, reviews, due, expected):
    assert rules.maturity(repetitions, interval, reviews, day(due)) == expected


@pytest.mark.parametrize(("grown", "group"), [
    ("new", None), ("learning", "young"), ("young", "young"), ("mature", "mature")])
def test_true_retention_counts_every_answer_after_a_cards_first(grown, group):
    assert rules.retention_group(grown) == group
    assert (grown in rules.RETAINED) == (group is not None)


@pytest.mark.parametrize(("buried_until", "buried"), [(None, False), (-1, False), (0, False),
                                                       (1, True), (5, True)])
def test_burying_ends_on_the_day_it_names(buried_until, buried):
    assert rules.buried(day(buried_until), TODAY) is buried


@pytest.mark.parametrize(("due", "suspended", "retired", "buried_until", "expected"), [
    (None, False, False, None, False),  # new
    (-4, False, False, None, True),  # overdue
    (0, False, False, None, True),
    (1, False, False, None, False),
    (0, True, False, None, False),
    (0, False, True, None, False),
    (0, False, False, 1, False),  # buried until tomorrow
    (0, False, False, 0, True),  # its burying ended today
])
def test_due(due, suspended, retired, buried_until, expected):
    assert rules.due(day(due), suspended, retired, day(buried_until), TODAY) is expected


@pytest.mark.parametrize(("lapses", "threshold", "tagged", "expected"), [
    (0, 8, False, False), (7, 8, False, False), (8, 8, False, True), (13, 8, False, True),
    (1, 2, False, False), (2, 2, False, True), (0, 8, True, True)])
def test_leech(lapses, threshold, tagged, expected):
    assert rules.leech(lapses, threshold, tagged) is expected


@pytest.mark.parametrize(("kind", "quality", "grade"), [
    ("scheduled", 0, 0), ("scheduled", 5, 5), ("repeat", 3, 3), ("quiz", 1, 1),
    *[(kind, 0, None) for kind in rules.REVIEW_KINDS if kind not in rules.ANSWER_KINDS],
    ("leech", 1, None),  # a leech row's 1 says it added the tag: no grade
])
def test_only_answers_have_a_grade(kind, quality, grade):
    assert rules.grade(kind, quality) == grade
