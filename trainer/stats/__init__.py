"""Progress statistics: every figure of the statistics screen, as plain data.

The queries are the store's (``store.stats.queries``: the rollup for all decks, the log for a
deck or a tag); this module shapes their rows into the figures. The result is JSON-ready; its
shape is documented in docs/stats-json.md.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import cast

from trainer.rules import MATURITIES, PASS, Maturity
from trainer.scheduler.sm2 import MAX_INTERVAL
from trainer.stats.figures import (
    Counts,
    DeckFigures,
    EasinessBucket,
    Figures,
    ForecastDay,
    Grades,
    HardCard,
    HeatmapDay,
    HistoryDay,
    Hour,
    IntervalBucket,
    QuizFigures,
    Quizzes,
    Rate,
    Retention,
    Streak,
    TagFigures,
    Today,
)
from trainer.store import (
    CardCounts,
    DayReviews,
    Deck,
    DeckTree,
    DueDay,
    EasinessCount,
    GradeCell,
    HistoryCell,
    HourCell,
    QuizRow,
    RetentionCell,
    StatsQueries,
    Store,
    TodayCell,
)
from trainer.store import HardCard as HardRow

SCHEMA = 2  # docs/stats-json.md says what each schema changed
PERIODS = {"today": 1, "7d": 7, "30d": 30, "1y": 365, "all": None}
FORECAST_DAYS = 30
HEATMAP_DAYS = 365
HARDEST = 10
TAG_LIMIT = 50
INTERVAL_BUCKETS = [
    ("1d", 1, 1), ("2d", 2, 2), ("3-6d", 3, 6), ("1-2w", 7, 13), ("2-3w", 14, 20),
    ("3-4w", 21, 29), ("1-2mo", 30, 59), ("2-3mo", 60, 89), ("3-6mo", 90, 179),
    ("6-12mo", 180, 364), ("1-2y", 365, 729), ("2y+", 730, 10**9),
]


def studied(day: HistoryDay) -> int:
    """A history day's study answers: scheduled ones of every maturity, and repeats."""
    return day["new"] + day["learning"] + day["young"] + day["mature"] + day["repeat"]


# -- computing them -----------------------------------------------------------------------------

def period_start(period: str, today: date) -> date | None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    days = PERIODS[period]
    return None if days is None else today - timedelta(days=days - 1)


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


def compute(
    store: Store,
    deck: Deck | DeckTree | None = None,
    tag: str | None = None,
    period: str = "1y",
    today: date | None = None,
) -> Figures:
    """Every statistics figure for all decks, one deck, a deck or parent with the decks under
    it, or one tag, over ``period``. The scope's ``deck`` is the deck's key, or a parent's
    name when the parent is only a name."""
    today = today or store.today()
    start = period_start(period, today)
    scope: list[int] | None = None
    named: str | None = None
    if isinstance(deck, DeckTree):
        scope, named = deck.ids, deck.deck.key if deck.deck is not None else deck.name
    elif deck is not None:
        scope, named = [deck.id], deck.key
    with store.stats.queries(scope, tag) as q:
        counts, leeches = _counts(q.counts(today))
        answers = q.answers(start, today)
        heatmap, streak = _heatmap_and_streak(answers.per_day, today)
        intervals, easiness = _distributions(
            q.interval_counts([(low, high) for _, low, high in INTERVAL_BUCKETS]), q.easiness())
        decks, tags = _per_deck_and_tag(q, today)
        figures: Figures = {
            "schema": SCHEMA,
            "study_day": today.isoformat(),
            "scope": {
                "deck": named,
                "tag": tag,
                "period": period,
                "from": start.isoformat() if start else None,
                "to": today.isoformat(),
            },
            "today": _today(answers.today),
            "counts": counts,
            "leeches": leeches,
            "forecast": _forecast(q.forecast(today, FORECAST_DAYS), today),
            "history": _history(answers.history),
            "heatmap": heatmap,
            "streak": streak,
            "retention": _retention(answers.retention, today),
            "intervals": intervals,
            "easiness": easiness,
            "grades_by_maturity": _grades_by_maturity(answers.by_maturity),
            "hourly": _hourly(answers.hourly),
            "hardest": _hardest(q.hardest(HARDEST)),
            "decks": decks,
            "tags": tags,
            "quizzes": _quizzes(q.quizzes(), start, today),
        }
    return figures


def _today(rows: list[TodayCell]) -> Today:
    grades = {str(q): 0 for q in range(6)}
    answers = time_ms = passed = new = 0
    for quality, maturity, kind, count, ms in rows:
        grades[str(quality)] += count
        answers += count
        time_ms += ms or 0
        passed += count if quality >= PASS else 0
        new += count if maturity == "new" and kind == "scheduled" else 0
    return {"answers": answers, "time_ms": int(time_ms), "grades": grades,
            "accuracy": _rate(passed, answers), "new_learned": new}


def _counts(row: CardCounts) -> tuple[Counts, int]:
    return {"total": row.total, "suspended": row.suspended, "new": row.new,
            "learning": row.learning, "young": row.young, "mature": row.mature,
            "buried": row.buried}, row.leeches


def _forecast(rows: list[DueDay], today: date) -> list[ForecastDay]:
    counts = dict(rows)
    return [{"day": (today + timedelta(days=i)).isoformat(),
             "due": counts.get(today + timedelta(days=i), 0)} for i in range(FORECAST_DAYS)]


def _history(rows: list[HistoryCell]) -> list[HistoryDay]:
    days: dict[date, dict[str, int]] = {}
    for day, cat, count, ms in rows:
        entry = days.get(day)
        if entry is None:
            entry = days[day] = dict.fromkeys((*MATURITIES, "repeat", "time_ms"), 0)
        entry[cat] += count
        entry["time_ms"] += ms
    return [cast(HistoryDay, {"day": d.isoformat(), **days[d]}) for d in sorted(days)]


def _heatmap_and_streak(rows: list[DayReviews],
                        today: date) -> tuple[list[HeatmapDay], Streak]:
    per_day = {d: n for d, n in rows if n}
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    heatmap: list[HeatmapDay] = [{"day": d.isoformat(), "reviews": per_day[d]}
                                 for d in sorted(per_day) if d >= first]
    longest = run = 0
    previous = None
    for d in sorted(per_day):
        run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = d
    current = 0
    day = today if today in per_day else today - timedelta(days=1)  # today may not be done yet
    while day in per_day:
        current += 1
        day -= timedelta(days=1)
    return heatmap, {"current": current, "longest": longest}


def _retention(rows: list[RetentionCell], today: date) -> dict[str, Retention]:
    # each period's tally in one pass: a row counts in every period that began by its day
    starts = {period: period_start(period, today) for period in PERIODS}
    tallies = {period: {"young": [0, 0], "mature": [0, 0]} for period in PERIODS}
    for day, maturity, quality, count in rows:
        passed = count if quality >= PASS else 0
        for period, start in starts.items():
            if start is None or day >= start:
                cell = tallies[period][maturity]
                cell[0] += passed
                cell[1] += count
    out: dict[str, Retention] = {}
    for period, tally in tallies.items():
        total = [tally["young"][0] + tally["mature"][0], tally["young"][1] + tally["mature"][1]]
        young, mature = tally["young"], tally["mature"]
        out[period] = {"young": _passed(*young), "mature": _passed(*mature),
                       "all": _passed(*total)}
    return out


def _passed(passed: int, total: int) -> Rate:
    return {"passed": passed, "total": total, "rate": _rate(passed, total)}


def _distributions(
        in_bucket: list[int],
        ease_rows: list[EasinessCount]) -> tuple[list[IntervalBucket], list[EasinessBucket]]:
    buckets: dict[int, int] = defaultdict(int)
    for ef, n in ease_rows:
        buckets[ef // 10 * 10] += n  # tenths: 1.3, 1.4, ...
    interval_out: list[IntervalBucket] = [
        {"bucket": label, "min": low, "max": min(high, MAX_INTERVAL), "cards": n}
        for (label, low, high), n in zip(INTERVAL_BUCKETS, in_bucket, strict=True)]
    ease_out: list[EasinessBucket] = [{"easiness": b / 100, "cards": buckets[b]}
                                      for b in sorted(buckets)]
    return interval_out, ease_out


def _grades_by_maturity(rows: list[GradeCell]) -> dict[Maturity, Grades]:
    out: dict[Maturity, Grades] = {m: {str(q): 0 for q in range(6)} for m in MATURITIES}
    for maturity, quality, count in rows:
        out[maturity][str(quality)] += count
    return out


def _hourly(rows: list[HourCell]) -> list[Hour]:
    by_hour = {h: (n, p) for h, n, p in rows}
    return [{"hour": h, "reviews": by_hour.get(h, (0, 0))[0], "passed": by_hour.get(h, (0, 0))[1],
             "rate": _rate(by_hour.get(h, (0, 0))[1], by_hour.get(h, (0, 0))[0])}
            for h in range(24)]


def _hardest(rows: list[HardRow]) -> list[HardCard]:
    return [
        {"deck": dk, "key": ck, "prompt": prompt, "lapses": lapses, "easiness": ef / 100,
         "reviews": reviews, "leech": leech}
        for dk, ck, prompt, lapses, ef, reviews, leech in rows
    ]


def _per_deck_and_tag(q: StatsQueries,
                      today: date) -> tuple[list[DeckFigures], list[TagFigures]]:
    decks = q.decks()
    totals = q.top_tags(TAG_LIMIT)
    tags = [t for t, _ in totals]
    mature: dict[str, int] = dict(q.mature_per_tag()) if tags else {}
    retention = q.retention_30d(tags, today)
    deck_out: list[DeckFigures] = []
    # by name, as the deck list shows them
    for deck_id, key, name, cards, mature_n in sorted(decks, key=lambda d: (d.name.casefold(),
                                                                              d.key)):
        total, passed = retention.decks.get(deck_id, (0, 0))
        deck_out.append({"key": key, "name": name, "cards": cards, "mature": mature_n,
                         "mature_share": _rate(mature_n, cards),
                         "retention_30d": _rate(passed, total)})
    tag_out: list[TagFigures] = []
    for tag, cards in totals:
        total, passed = retention.tags.get(tag, (0, 0))
        tag_out.append({"tag": tag, "cards": cards, "mature": mature.get(tag, 0),
                        "mature_share": _rate(mature.get(tag, 0), cards),
                        "retention_30d": _rate(passed, total)})
    return deck_out, tag_out


def _quizzes(rows: list[QuizRow], start: date | None, today: date) -> Quizzes:
    ordered = sorted(rows, key=lambda r: (r.day, r.first_id))
    sessions: list[QuizFigures] = [
        {"day": q.day.isoformat(), "answered": q.answers, "right": q.right,
         "score": _rate(q.right, q.answers)}
        for q in ordered
        if q.day <= today and (start is None or q.day >= start)
    ]
    return {"count": len(sessions), "sessions": sessions}
