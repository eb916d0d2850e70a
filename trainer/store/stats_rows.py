"""The statistics' typed rows: what trainer.store.stats_sql's queries return, the same on every
backend (days are dates and numbers ints, whatever the driver gave), so that trainer.stats
never asks which database it read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from trainer.rules import AnswerKind, Maturity

RetentionGroup = Literal["young", "mature"]


class TodayCell(NamedTuple):
    """Today's answers of one grade, maturity and kind."""

    quality: int
    maturity: Maturity
    kind: AnswerKind
    answers: int
    total_ms: int


class HistoryCell(NamedTuple):
    """A day's scheduled answers of one maturity, or its same-day repeats."""

    day: date
    category: Maturity | Literal["repeat"]
    answers: int
    total_ms: int


class DayReviews(NamedTuple):
    day: date
    reviews: int


class DueDay(NamedTuple):
    """A day of the forecast, and the cards that will show on it."""

    day: date
    due: int


class RetentionCell(NamedTuple):
    """A day's scheduled answers of one grade that true retention counts, young or mature."""

    day: date
    group: RetentionGroup
    quality: int
    answers: int


class GradeCell(NamedTuple):
    """Scheduled answers of one grade to cards of one maturity."""

    maturity: Maturity
    quality: int
    answers: int


class HourCell(NamedTuple):
    """Reviews in one local hour of the day, and how many passed."""

    hour: int
    answers: int
    passed: int


class QuizRow(NamedTuple):
    """One quiz: its session, its first study day, its answers, how many right, its first
    log row (the order of quizzes begun on one day)."""

    session_id: int
    day: date
    answers: int
    right: int
    first_id: int


class CardCounts(NamedTuple):
    """The cards in play by maturity and flag (retired cards are not counted)."""

    total: int
    suspended: int
    new: int
    learning: int
    young: int
    mature: int
    buried: int
    leeches: int


class EasinessCount(NamedTuple):
    easiness_x100: int
    cards: int


class HardCard(NamedTuple):
    deck_key: str
    card_key: str
    prompt: str
    lapses: int
    easiness_x100: int
    reviews: int
    leech: bool


class DeckCount(NamedTuple):
    """A deck's cards in play and its mature ones."""

    deck_id: int
    key: str
    name: str
    cards: int
    mature: int


class TagCount(NamedTuple):
    tag: str
    cards: int


class Tally(NamedTuple):
    """Answers that true retention counts, and how many of them passed."""

    total: int
    passed: int


@dataclass(frozen=True)
class Retention30:
    """The last 30 days' true retention, per deck id and per tag."""

    decks: dict[int, Tally]
    tags: dict[str, Tally]


@dataclass(frozen=True)
class AnswerRows:
    """The answer figures' rows: today's (TodayCell), history (HistoryCell), per_day
    (DayReviews), retention (RetentionCell) of the scheduled answers true retention counts
    (rules.retention_group), by_maturity (GradeCell) of scheduled answers, hourly (HourCell).
    Every figure counts reviews: scheduled answers and same-day repeats, never a quiz's
    answers (Anki counts only real reviews too; a quiz changes no schedule)."""

    today: list[TodayCell]
    history: list[HistoryCell]
    per_day: list[DayReviews]
    retention: list[RetentionCell]
    by_maturity: list[GradeCell]
    hourly: list[HourCell]


def row_day(value: object) -> date:
    """A day as a row gives it: a date, or the ISO text SQLite's driver returns."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
