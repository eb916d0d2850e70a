"""The answer figures' rows grouped in one pass from the rollup-shaped cells (the daily rollup's,
or a deck's or tag's own scope): one read of the cells serves every figure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Literal, TypeVar

from trainer.rules import PASS, AnswerKind, Maturity, ReviewKind, retention_group
from trainer.store.stats_rows import (
    AnswerRows,
    DayReviews,
    GradeCell,
    HistoryCell,
    HourCell,
    RetentionCell,
    RetentionGroup,
    TodayCell,
)

# a day as the rollup-shaped cells give it: a date, or (SQLite's rollup) its ISO text
D = TypeVar("D", date, str)
Cell = tuple[D, int, Maturity, ReviewKind, int, int, int | None]


def grouped(cells: Iterable[Cell[D]], lo: D | None, now: D,
            as_date: Callable[[D], date]) -> AnswerRows:
    """Every answer figure's rows from the rollup-shaped cells, in one pass, with plain int
    sums in flat dicts (no list or tuple made for a cell that already has one); the days,
    compared as the cells give them, become dates once each at the end."""
    today_n: dict[tuple[int, Maturity, AnswerKind], int] = {}
    today_ms: dict[tuple[int, Maturity, AnswerKind], int] = {}
    history_n: dict[tuple[D, Maturity | Literal["repeat"]], int] = {}
    history_ms: dict[tuple[D, Maturity | Literal["repeat"]], int] = {}
    per_day: dict[D, int] = {}
    retention: dict[tuple[D, RetentionGroup, int], int] = {}
    by_maturity: dict[tuple[Maturity, int], int] = {}
    hour_n: dict[int, int] = {}
    hour_passed: dict[int, int] = {}
    for day, hour, maturity, kind, quality, count, ms in cells:
        if kind != "scheduled" and kind != "repeat":
            continue  # a quiz's answers are not reviews: counted under quizzes alone
        per_day[day] = per_day.get(day, 0) + count
        key: tuple[D, Maturity | Literal["repeat"]]
        if kind == "scheduled":
            group = retention_group(maturity)
            if group is not None:
                kept = (day, group, quality)
                retention[kept] = retention.get(kept, 0) + count
            if lo is not None and day < lo:
                continue
            graded = (maturity, quality)
            by_maturity[graded] = by_maturity.get(graded, 0) + count
            key = (day, maturity)
        else:
            if lo is not None and day < lo:
                continue
            key = (day, "repeat")
        ms = ms or 0
        history_n[key] = history_n.get(key, 0) + count
        history_ms[key] = history_ms.get(key, 0) + ms
        hour_n[hour] = hour_n.get(hour, 0) + count
        if quality >= PASS:
            hour_passed[hour] = hour_passed.get(hour, 0) + count
        if day == now:
            answered = (quality, maturity, kind)
            today_n[answered] = today_n.get(answered, 0) + count
            today_ms[answered] = today_ms.get(answered, 0) + ms
    dates = {day: as_date(day) for day in per_day}  # every day a figure below names
    return AnswerRows(
        today=[TodayCell(*k, c, today_ms[k]) for k, c in today_n.items()],
        history=[HistoryCell(dates[d], cat, c, history_ms[d, cat])
                 for (d, cat), c in history_n.items()],
        per_day=[DayReviews(dates[d], c) for d, c in per_day.items()],
        retention=[RetentionCell(dates[d], g, q, c) for (d, g, q), c in retention.items()],
        by_maturity=[GradeCell(m, q, c) for (m, q), c in by_maturity.items()],
        hourly=[HourCell(h, c, hour_passed.get(h, 0)) for h, c in hour_n.items()],
    )

