"""The statistics figures' shapes, one TypedDict a figure, as docs/stats-json.md documents them."""

from __future__ import annotations

from typing import TypedDict

from trainer.rules import Maturity

Grades = dict[str, int]  # "0"…"5" -> answers


class Today(TypedDict):
    answers: int
    time_ms: int
    grades: Grades
    accuracy: float | None
    new_learned: int


class Counts(TypedDict):
    total: int
    suspended: int
    new: int
    learning: int
    young: int
    mature: int
    buried: int


class ForecastDay(TypedDict):
    day: str
    due: int


class HistoryDay(TypedDict):
    day: str
    new: int
    learning: int
    young: int
    mature: int
    repeat: int
    time_ms: int


class HeatmapDay(TypedDict):
    day: str
    reviews: int


class Streak(TypedDict):
    current: int
    longest: int


class Rate(TypedDict):
    passed: int
    total: int
    rate: float | None


class Retention(TypedDict):
    young: Rate
    mature: Rate
    all: Rate


class IntervalBucket(TypedDict):
    bucket: str
    min: int
    max: int
    cards: int


class EasinessBucket(TypedDict):
    easiness: float
    cards: int


class Hour(TypedDict):
    hour: int
    reviews: int
    passed: int
    rate: float | None


class HardCard(TypedDict):
    deck: str
    key: str
    prompt: str
    lapses: int
    easiness: float
    reviews: int
    leech: bool


class DeckFigures(TypedDict):
    key: str
    name: str
    cards: int
    mature: int
    mature_share: float | None
    retention_30d: float | None


class TagFigures(TypedDict):
    tag: str
    cards: int
    mature: int
    mature_share: float | None
    retention_30d: float | None


class QuizFigures(TypedDict):
    day: str
    answered: int
    right: int
    score: float | None


class Quizzes(TypedDict):
    count: int
    sessions: list[QuizFigures]


# "from" is a keyword: the functional form
ScopeFigures = TypedDict("ScopeFigures", {"deck": str | None, "tag": str | None,
                                          "period": str, "from": str | None, "to": str})


class Figures(TypedDict):
    schema: int
    study_day: str
    scope: ScopeFigures
    today: Today
    counts: Counts
    leeches: int
    forecast: list[ForecastDay]
    history: list[HistoryDay]
    heatmap: list[HeatmapDay]
    streak: Streak
    retention: dict[str, Retention]  # by period: today, 7d, 30d, 1y, all
    intervals: list[IntervalBucket]
    easiness: list[EasinessBucket]
    grades_by_maturity: dict[Maturity, Grades]
    hourly: list[Hour]
    hardest: list[HardCard]
    decks: list[DeckFigures]
    tags: list[TagFigures]
    quizzes: Quizzes
