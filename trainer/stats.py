"""Progress statistics: every figure of the statistics screen, as plain data.

For all decks the review figures come from the daily rollup (a few thousand rows, however long
the log); for one deck or tag they come from the review log through its indexes. Either way the
queries return rows already aggregated in SQL, shaped the same, so each figure is written once.
The result is JSON-ready; its shape is documented in docs/stats-json.md.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
)

from trainer.store import Store
from trainer.store.models import MATURE_DAYS, MATURITIES, CardTag
from trainer.store.repo import card_t, deck_t, review_t, rollup_t, state_t

SCHEMA = 1
PERIODS = {"today": 1, "7d": 7, "30d": 30, "1y": 365, "all": None}
FORECAST_DAYS = 30
HEATMAP_DAYS = 365
LEECH_LAPSES = 8
HARDEST = 10
PASS = 3
TAG_LIMIT = 50
INTERVAL_BUCKETS = [
    ("1d", 1, 1), ("2d", 2, 2), ("3-6d", 3, 6), ("1-2w", 7, 13), ("2-3w", 14, 20),
    ("3-4w", 21, 29), ("1-2mo", 30, 59), ("2-3mo", 60, 89), ("3-6mo", 90, 179),
    ("6-12mo", 180, 364), ("1-2y", 365, 729), ("2y+", 730, 10**9),
]
tag_t = CardTag.__table__

# models.maturity, on a review's "before" columns, in SQL
MATURITY_SQL = case(
    (and_(review_t.c.before_due.is_(None), review_t.c.before_reviews == 0), literal("new")),
    (review_t.c.before_repetitions < 2, literal("learning")),
    (review_t.c.before_interval < MATURE_DAYS, literal("young")),
    else_=literal("mature"),
)


def period_start(period: str, today: date) -> date | None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    days = PERIODS[period]
    return None if days is None else today - timedelta(days=days - 1)


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


class _Scope:
    """Which cards the figures cover: all, one deck, or one tag."""

    def __init__(self, deck_id: int | None, tag: str | None) -> None:
        self.deck_id = deck_id
        self.tag = tag

    @property
    def everything(self) -> bool:
        return self.deck_id is None and self.tag is None

    def cards(self, query: Select, card_id_col) -> Select:
        if self.deck_id is not None:
            query = query.where(card_id_col.in_(
                select(card_t.c.id).where(card_t.c.deck_id == self.deck_id)))
        if self.tag is not None:
            query = query.where(card_id_col.in_(
                select(tag_t.c.card_id).where(tag_t.c.tag == self.tag)))
        return query

    def answers(self, start: date | None, end: date):
        """Rollup-shaped rows (study_day, hour, maturity, kind, quality, count, total_ms)."""
        if self.everything:
            query = select(rollup_t.c.study_day, rollup_t.c.hour, rollup_t.c.maturity,
                           rollup_t.c.kind, rollup_t.c.quality, rollup_t.c.count,
                           rollup_t.c.total_ms).where(rollup_t.c.study_day <= end)
            if start is not None:
                query = query.where(rollup_t.c.study_day >= start)
            return query.subquery("answers")
        maturity = MATURITY_SQL.label("maturity")
        query = (
            select(review_t.c.study_day, review_t.c.hour, maturity, review_t.c.kind,
                   review_t.c.quality, func.count().label("count"),
                   func.sum(review_t.c.answer_ms).label("total_ms"))
            .where(review_t.c.kind.in_(("scheduled", "repeat", "quiz")),
                   review_t.c.study_day <= end)
            .group_by(review_t.c.study_day, review_t.c.hour, MATURITY_SQL, review_t.c.kind,
                      review_t.c.quality)
        )
        if start is not None:
            query = query.where(review_t.c.study_day >= start)
        return self.cards(query, review_t.c.card_id).subquery("answers")


def compute(
    store: Store,
    deck: dict | None = None,
    tag: str | None = None,
    period: str = "1y",
    today: date | None = None,
) -> dict[str, Any]:
    """Every statistics figure for all decks, one deck or one tag, over ``period``."""
    today = today or store.today()
    start = period_start(period, today)
    scope = _Scope(deck["id"] if deck else None, tag)
    with store.reading() as conn:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "study_day": today.isoformat(),
            "scope": {
                "deck": deck["key"] if deck else None,
                "tag": tag,
                "period": period,
                "from": start.isoformat() if start else None,
                "to": today.isoformat(),
            },
        }
        out["today"] = _today(conn, scope, today)
        out["counts"] = _counts(conn, scope, today)
        out["leeches"] = out["counts"].pop("leeches")
        out["forecast"] = _forecast(conn, scope, today)
        out["history"] = _history(conn, scope, start, today)
        out["heatmap"], out["streak"] = _heatmap_and_streak(conn, scope, today)
        out["retention"] = _retention(conn, scope, today)
        out["intervals"], out["easiness"] = _distributions(conn, scope)
        out["grades_by_maturity"] = _grades_by_maturity(conn, scope, start, today)
        out["hourly"] = _hourly(conn, scope, start, today)
        out["hardest"] = _hardest(conn, scope)
        out["decks"], out["tags"] = _per_deck_and_tag(conn, scope, today)
        out["quizzes"] = _quizzes(conn, scope, start, today)
    return _plain(out)


def _plain(value: Any) -> Any:
    """JSON-ready numbers: PostgreSQL's SUM returns Decimal where SQLite's returns int."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _today(conn: Connection, scope: _Scope, today: date) -> dict[str, Any]:
    src = scope.answers(today, today)
    rows = conn.execute(
        select(src.c.quality, src.c.maturity, src.c.kind, func.sum(src.c.count),
               func.sum(src.c.total_ms))
        .where(src.c.kind.in_(("scheduled", "repeat")))
        .group_by(src.c.quality, src.c.maturity, src.c.kind)
    ).all()
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


def _counts(conn: Connection, scope: _Scope, today: date) -> dict[str, int]:
    s = state_t.c
    active = s.suspended.is_(False)
    query = select(
        func.count(),
        func.count().filter(s.suspended.is_(True)),
        func.count().filter(and_(active, s.due.is_(None))),
        func.count().filter(and_(active, s.due.is_not(None), s.repetitions < 2)),
        func.count().filter(and_(active, s.repetitions >= 2, s.interval < MATURE_DAYS)),
        func.count().filter(and_(active, s.repetitions >= 2, s.interval >= MATURE_DAYS)),
        func.count().filter(and_(active, s.buried_until > today)),
        func.count().filter(s.lapses >= LEECH_LAPSES),
    )
    row = conn.execute(scope.cards(query, s.card_id)).one()
    keys = ("total", "suspended", "new", "learning", "young", "mature", "buried", "leeches")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def _forecast(conn: Connection, scope: _Scope, today: date) -> list[dict[str, Any]]:
    s = state_t.c
    last = today + timedelta(days=FORECAST_DAYS - 1)
    day = case((s.due < today, today), else_=s.due)
    query = (
        select(day, func.count())
        .where(s.suspended.is_(False), s.due.is_not(None), s.due <= last)
        .group_by(day)
    )
    counts = {_as_date(d): n for d, n in conn.execute(scope.cards(query, s.card_id))}
    return [{"day": (today + timedelta(days=i)).isoformat(),
             "due": counts.get(today + timedelta(days=i), 0)} for i in range(FORECAST_DAYS)]


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _history(conn: Connection, scope: _Scope, start: date | None,
             today: date) -> list[dict[str, Any]]:
    src = scope.answers(start, today)
    category = case((src.c.kind == "repeat", literal("repeat")), else_=src.c.maturity)
    rows = conn.execute(
        select(src.c.study_day, category, func.sum(src.c.count), func.sum(src.c.total_ms))
        .where(src.c.kind.in_(("scheduled", "repeat")))
        .group_by(src.c.study_day, category)
    ).all()
    days: dict[date, dict[str, Any]] = {}
    for day, cat, count, ms in rows:
        entry = days.setdefault(_as_date(day), {c: 0 for c in (*MATURITIES, "repeat")}
                                | {"time_ms": 0})
        entry[cat] += count
        entry["time_ms"] += int(ms or 0)
    return [{"day": d.isoformat(), **days[d]} for d in sorted(days)]


def _heatmap_and_streak(conn: Connection, scope: _Scope,
                        today: date) -> tuple[list[dict[str, Any]], dict[str, int]]:
    src = scope.answers(None, today)
    rows = conn.execute(
        select(src.c.study_day, func.sum(src.c.count)).group_by(src.c.study_day)
    ).all()
    per_day = {_as_date(d): int(n) for d, n in rows if n}
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    heatmap = [{"day": d.isoformat(), "reviews": per_day[d]}
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


def _retention(conn: Connection, scope: _Scope, today: date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    src = scope.answers(None, today)
    rows = conn.execute(
        select(src.c.study_day, src.c.maturity, src.c.quality, func.sum(src.c.count))
        .where(src.c.kind == "scheduled", src.c.maturity.in_(("young", "mature")))
        .group_by(src.c.study_day, src.c.maturity, src.c.quality)
    ).all()
    for period in PERIODS:
        start = period_start(period, today)
        tally = {"young": [0, 0], "mature": [0, 0]}
        for day, maturity, quality, count in rows:
            if start is not None and _as_date(day) < start:
                continue
            tally[maturity][1] += count
            tally[maturity][0] += count if quality >= PASS else 0
        total = [tally["young"][0] + tally["mature"][0], tally["young"][1] + tally["mature"][1]]
        out[period] = {
            m: {"passed": p, "total": t, "rate": _rate(p, t)}
            for m, (p, t) in (*tally.items(), ("all", total))
        }
    return out


def _distributions(conn: Connection, scope: _Scope) -> tuple[list[dict], list[dict]]:
    s = state_t.c
    reviewed = and_(s.suspended.is_(False), s.due.is_not(None))
    intervals = dict(conn.execute(scope.cards(
        select(s.interval, func.count()).where(reviewed).group_by(s.interval), s.card_id)).all())
    buckets: dict[int, int] = defaultdict(int)
    for ef, n in conn.execute(scope.cards(
        select(s.easiness_x100, func.count()).where(reviewed).group_by(s.easiness_x100),
        s.card_id,
    )):
        buckets[ef // 10 * 10] += n  # tenths: 1.3, 1.4, ...
    interval_out = []
    for label, low, high in INTERVAL_BUCKETS:
        n = sum(c for i, c in intervals.items() if low <= i <= high)
        interval_out.append({"bucket": label, "min": low, "max": min(high, 36500), "cards": n})
    ease_out = [{"easiness": b / 100, "cards": buckets[b]} for b in sorted(buckets)]
    return interval_out, ease_out


def _grades_by_maturity(conn: Connection, scope: _Scope, start: date | None,
                        today: date) -> dict[str, dict[str, int]]:
    src = scope.answers(start, today)
    out = {m: {str(q): 0 for q in range(6)} for m in MATURITIES}
    for maturity, quality, count in conn.execute(
        select(src.c.maturity, src.c.quality, func.sum(src.c.count))
        .where(src.c.kind == "scheduled").group_by(src.c.maturity, src.c.quality)
    ):
        out[maturity][str(quality)] += int(count)
    return out


def _hourly(conn: Connection, scope: _Scope, start: date | None,
            today: date) -> list[dict[str, Any]]:
    src = scope.answers(start, today)
    rows = conn.execute(
        select(src.c.hour, func.sum(src.c.count),
               func.sum(case((src.c.quality >= PASS, src.c.count), else_=0)))
        .where(src.c.kind.in_(("scheduled", "repeat")))
        .group_by(src.c.hour)
    ).all()
    by_hour = {h: (int(n), int(p)) for h, n, p in rows}
    return [{"hour": h, "reviews": by_hour.get(h, (0, 0))[0], "passed": by_hour.get(h, (0, 0))[1],
             "rate": _rate(by_hour.get(h, (0, 0))[1], by_hour.get(h, (0, 0))[0])}
            for h in range(24)]


def _hardest(conn: Connection, scope: _Scope) -> list[dict[str, Any]]:
    s = state_t.c
    # The ten hardest from card_state alone, then their text: joining first would fetch the
    # prompt of every card before the sort.
    top = scope.cards(
        select(s.card_id, s.lapses, s.easiness_x100, s.reviews)
        .where(or_(s.lapses > 0, s.easiness_x100 < 250), s.reviews > 0)
        .order_by(s.lapses.desc(), s.easiness_x100, s.card_id)
        .limit(HARDEST), s.card_id,
    ).subquery()
    query = (
        select(deck_t.c.key, card_t.c.key, card_t.c.prompt, top.c.lapses, top.c.easiness_x100,
               top.c.reviews)
        .select_from(top.join(card_t, card_t.c.id == top.c.card_id)
                     .join(deck_t, deck_t.c.id == card_t.c.deck_id))
        .order_by(top.c.lapses.desc(), top.c.easiness_x100, top.c.card_id)
    )
    hardest = [
        {"deck": dk, "key": ck, "prompt": prompt, "lapses": lapses, "easiness": ef / 100,
         "reviews": reviews, "leech": lapses >= LEECH_LAPSES}
        for dk, ck, prompt, lapses, ef, reviews in conn.execute(query)
    ]
    return hardest


def _recent_table() -> Table:
    """A temporary table: each card's young and mature scheduled answers in the last 30 days."""
    return Table(
        "trainer_recent_30d", MetaData(),
        Column("card_id", Integer, primary_key=True), Column("total", Integer),
        Column("passed", Integer), prefixes=["TEMPORARY"],
    )


def _retention_30d(conn: Connection, scope: _Scope, tags: list[str],
                   today: date) -> dict[tuple[str, object], tuple[int, int]]:
    """(total, passed) young and mature scheduled answers of the last 30 days, per deck and per
    tag. The per-card counts are read once, from the covering study-day index alone, into a
    temporary table that both groupings join: the few recent cards, not the log."""
    out: dict[tuple[str, object], tuple[int, int]] = {}
    start = today - timedelta(days=29)
    recent = _recent_table()
    recent.create(conn)
    try:
        conn.execute(insert(recent).from_select(
            ["card_id", "total", "passed"],
            select(review_t.c.card_id, func.count(),
                   func.count().filter(review_t.c.quality >= PASS))
            .where(review_t.c.study_day >= start, review_t.c.study_day <= today,
                   review_t.c.kind == "scheduled", review_t.c.before_repetitions >= 2)
            .group_by(review_t.c.card_id),
        ))
        by_deck = (
            select(card_t.c.deck_id, func.sum(recent.c.total), func.sum(recent.c.passed))
            .select_from(recent.join(card_t, card_t.c.id == recent.c.card_id))
            .group_by(card_t.c.deck_id)
        )
        if scope.deck_id is not None:
            by_deck = by_deck.where(card_t.c.deck_id == scope.deck_id)
        for deck_id, t, p in conn.execute(by_deck):
            out[("deck", deck_id)] = (int(t or 0), int(p or 0))
        if tags:
            # Every tag, filtered here: a condition on the tag makes SQLite walk the tag index
            # and probe the recent cards 250,000 times instead of the other way round.
            wanted = set(tags)
            by_tag = (
                select(tag_t.c.tag, func.sum(recent.c.total), func.sum(recent.c.passed))
                .select_from(recent.join(tag_t, tag_t.c.card_id == recent.c.card_id))
                .group_by(tag_t.c.tag)
            )
            for tag, t, p in conn.execute(by_tag):
                if tag in wanted:
                    out[("tag", tag)] = (int(t or 0), int(p or 0))
    finally:
        recent.drop(conn, checkfirst=True)
    return out


def _per_deck_and_tag(conn: Connection, scope: _Scope,
                      today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    s = state_t.c
    mature_card = and_(s.repetitions >= 2, s.interval >= MATURE_DAYS, s.suspended.is_(False))
    decks = conn.execute(scope.cards(
        select(deck_t.c.id, deck_t.c.key, deck_t.c.name, func.count(s.card_id),
               func.count().filter(mature_card))
        .select_from(deck_t.join(card_t, card_t.c.deck_id == deck_t.c.id)
                     .join(state_t, s.card_id == card_t.c.id))
        .group_by(deck_t.c.id, deck_t.c.key, deck_t.c.name)
        .order_by(deck_t.c.key), s.card_id)).all()
    # Tag totals from the tag index alone; mature counts only for the cards that are mature.
    totals = conn.execute(scope.cards(
        select(tag_t.c.tag, func.count()).group_by(tag_t.c.tag)
        .order_by(func.count().desc(), tag_t.c.tag).limit(TAG_LIMIT), tag_t.c.card_id)).all()
    tags = [t for t, _ in totals]
    mature = {}
    if tags:
        mature = dict(conn.execute(scope.cards(
            select(tag_t.c.tag, func.count())
            .where(tag_t.c.card_id.in_(select(s.card_id).where(mature_card)))
            .group_by(tag_t.c.tag), tag_t.c.card_id)).all())
    retention = _retention_30d(conn, scope, tags, today)
    deck_out = []
    for deck_id, key, name, cards, mature_n in decks:
        total, passed = retention.get(("deck", deck_id), (0, 0))
        deck_out.append({"key": key, "name": name, "cards": cards, "mature": mature_n,
                         "mature_share": _rate(mature_n, cards),
                         "retention_30d": _rate(passed, total)})
    tag_out = []
    for tag, cards in totals:
        total, passed = retention.get(("tag", tag), (0, 0))
        tag_out.append({"tag": tag, "cards": cards, "mature": mature.get(tag, 0),
                        "mature_share": _rate(mature.get(tag, 0), cards),
                        "retention_30d": _rate(passed, total)})
    return deck_out, tag_out


def _quizzes(conn: Connection, scope: _Scope, start: date | None,
             today: date) -> dict[str, Any]:
    # by kind alone, so the (kind, session) index answers it; quizzes are few, days are
    # checked here
    query = (
        select(review_t.c.session_id, func.min(review_t.c.study_day), func.count(),
               func.count().filter(review_t.c.quality >= 4), func.min(review_t.c.id))
        .where(review_t.c.kind == "quiz")
        .group_by(review_t.c.session_id)
    )
    rows = sorted(conn.execute(scope.cards(query, review_t.c.card_id)),
                  key=lambda r: (_as_date(r[1]), r[4]))
    sessions = [
        {"day": _as_date(day).isoformat(), "answered": int(n), "right": int(right),
         "score": _rate(int(right), int(n))}
        for _sid, day, n, right, _first in rows
        if _as_date(day) <= today and (start is None or _as_date(day) >= start)
    ]
    return {"count": len(sessions), "sessions": sessions}
