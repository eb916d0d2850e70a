"""The log is the truth: replay it into every card's state, rebuild the rollup from it, and
load a history decided elsewhere (the benchmark's year of reviews).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from trainer.domain.answer import decide
from trainer.rules import ANSWER_KINDS, FLAG_KINDS, STATE_KINDS, lapse, maturity
from trainer.scheduler import sm2
from trainer.settings import Settings
from trainer.store import driver
from trainer.store.columns import KIND_CODES, MATURITY_CODES, day_number, epoch_ms, stored
from trainer.store.records import LOGGED_FIELDS, STATE_FIELDS, CardState, ReviewRow
from trainer.store.scheduling import params_of
from trainer.store.schema import card_t, review_t, rollup_t, state_t
from trainer.store.study_sessions import session_number

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

_ROLLUP_KEY = ("study_day", "hour", "maturity", "kind", "quality")


REPLAYED = (*LOGGED_FIELDS, "last_reviewed")


def replayed_states(conn: Connection, settings: Settings | None = None,
                    cache: dict[object, object] | None = None) -> dict[int, tuple[Any, ...]]:
    """Every card's state as the log implies, fields in the order of ``REPLAYED``. Cards with
    no log rows are new, unsuspended and unburied. A scheduled row is replayed by the
    scheduler that decided it: SM-2, or FSRS with the parameter set the row names."""
    settings = settings or Settings()
    cache = {} if cache is None else cache
    states: dict[int, list[Any]] = {
        cid: [0, sm2.INITIAL_EASINESS_X100, 0, None, 0, 0, None, None, False, None, None]
        for cid in conn.execute(select(card_t.c.id)).scalars()
    }
    rows = conn.execute(
        select(
            review_t.c.card_id, review_t.c.kind, review_t.c.quality, review_t.c.study_day,
            review_t.c.reviewed_at, review_t.c.lapse_updates_easiness, review_t.c.params_id,
            *[review_t.c[f"after_{f}"] for f in LOGGED_FIELDS],
        ).order_by(review_t.c.id)
    )
    for cid, kind, quality, day, at, lapse_rule, params_id, *after in rows:
        s = states[cid]
        if kind == "scheduled" and params_id is None:
            new = sm2.review(sm2.SM2State.from_x100(s[0], s[1], s[2]), quality,
                             lapse_updates_easiness=lapse_rule)
            states[cid] = [new.repetitions, new.easiness_x100, new.interval,
                           day + timedelta(days=new.interval), s[4] + 1,
                           s[5] + lapse(quality, s[0]), s[6], s[7], s[8], s[9], at]
        elif kind == "scheduled":
            before = CardState(cid, s[0], s[1], s[2], s[3], s[4], s[5], s[8], s[9], s[10],
                               s[6], s[7])
            a = decide(before, quality, day, at, params_of(conn, params_id, cache),
                       lapse_updates_easiness=lapse_rule, settings=settings)
            states[cid] = [a.repetitions, a.easiness_x100, a.interval, a.due, a.reviews,
                           a.lapses, a.stability, a.difficulty, s[8], s[9], at]
        elif kind in STATE_KINDS or kind in FLAG_KINDS:
            states[cid] = [*after, s[10]]
    return {cid: tuple(s) for cid, s in states.items()}


def rebuild_states(store: StoreContext) -> int:
    """Recompute every card's state and the daily rollup from the log; returns changes."""
    with store.transaction() as conn:
        replayed = replayed_states(conn, store.settings, store.cache)
        current = {
            r[0]: tuple(r[1:])
            for r in conn.execute(select(state_t.c.card_id, *[state_t.c[f] for f in REPLAYED]))
        }
        changed = [cid for cid, s in replayed.items() if current.get(cid) != s]
        for cid in changed:
            conn.execute(update(state_t).where(state_t.c.card_id == cid).values(
                dict(zip(REPLAYED, replayed[cid], strict=True))))
        rebuild_rollup(conn)
        return len(changed)


def rebuild_rollup(conn: Connection) -> None:
    """The daily rollup, recounted from the answers in the log."""
    conn.execute(delete(rollup_t))
    counts: dict[tuple[Any, ...], list[int]] = {}
    rows = conn.execute(
        select(
            review_t.c.study_day, review_t.c.hour, review_t.c.kind, review_t.c.quality,
            review_t.c.answer_ms, review_t.c.maturity,
        ).where(review_t.c.kind.in_(ANSWER_KINDS))
    )
    for day, hour, kind, quality, ms, grown in rows:
        key = (day, hour, grown, kind, quality)
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += ms
    if counts:
        conn.execute(insert(rollup_t), [
            dict(zip(_ROLLUP_KEY, k, strict=True)) | {"count": v[0], "total_ms": v[1]}
            for k, v in counts.items()
        ])


def rollup_rows(store: StoreContext) -> list[tuple[Any, ...]]:
    with store.reading() as conn:
        return [tuple(r) for r in conn.execute(select(rollup_t).order_by(*rollup_t.c))]


REVIEW_COLUMNS = (
    "card_id", "session_id", "reviewed_at", "study_day", "hour", "quality", "kind", "maturity",
    "answer_ms", "lapse_updates_easiness", "params_id", *[f"after_{f}" for f in LOGGED_FIELDS],
)


def review_values(store: StoreContext, conn: Connection,
                  rows: Sequence[ReviewRow]) -> list[tuple[Any, ...]]:
    """Plain tuples for the driver's cursor, with sessions, days, times, kinds and
    maturities as the log keeps them (trainer.store.columns; the driver's cursor converts
    nothing)."""
    numbers = {name: session_number(store, conn, name) for name in {r.session_id for r in rows}}
    out = []
    for r in rows:
        out.append((
            r.card_id, numbers[r.session_id], epoch_ms(r.reviewed_at),
            day_number(r.study_day), r.hour, r.quality, KIND_CODES[r.kind],
            MATURITY_CODES[maturity(r.before_repetitions, r.before_interval, r.before_reviews,
                                    r.before_due)],
            r.answer_ms, r.lapse_updates_easiness, r.params_id, r.after_repetitions,
            r.after_easiness_x100, r.after_interval, stored(r.after_due), r.after_reviews,
            r.after_lapses, r.after_stability, r.after_difficulty, r.after_suspended,
            stored(r.after_buried_until)))
    return out


def append_decided(store: StoreContext, rows: Sequence[ReviewRow]) -> None:
    """Append answers whose outcome was decided elsewhere (each row's after-state is trusted):
    the log rows, each card's latest after-state, and the rollup, in one transaction.

    A year of history for 100,000 cards is a million rows: they go through the driver's
    executemany, as an import's cards do."""
    latest: dict[int, ReviewRow] = {}
    last_scheduled: dict[int, datetime] = {}
    cells: dict[tuple[Any, ...], list[int]] = {}
    for r in rows:
        latest[r.card_id] = r
        if r.kind == "scheduled":
            last_scheduled[r.card_id] = r.reviewed_at
        if r.kind in ANSWER_KINDS:
            key = (r.study_day, r.hour, maturity(r.before_repetitions, r.before_interval,
                                                  r.before_reviews, r.before_due),
                   r.kind, r.quality)
            cell = cells.setdefault(key, [0, 0])
            cell[0] += 1
            cell[1] += r.answer_ms
    from trainer.store.log import rollup_upsert

    with store.transaction() as conn:
        driver.bulk_insert(conn, review_t, REVIEW_COLUMNS, review_values(store, conn, rows))
        conn.execute(
            update(state_t).where(state_t.c.card_id == bindparam("cid")).values(
                {f: bindparam(f"s_{f}") for f in STATE_FIELDS}
                | {"last_reviewed": func.coalesce(bindparam("s_last_reviewed"),
                                                  state_t.c.last_reviewed)}),
            [{"cid": cid, "s_last_reviewed": last_scheduled.get(cid)}
             | {f"s_{f}": getattr(r, f"after_{f}") for f in STATE_FIELDS}
             for cid, r in latest.items()],
        )
        if cells:
            conn.execute(rollup_upsert(store.dialect), [
                {"r_day": k[0], "r_hour": k[1], "r_maturity": k[2], "r_kind": k[3],
                 "r_quality": k[4], "r_count": v[0], "r_ms": v[1]} for k, v in cells.items()])
    with store.transaction() as conn:
        # the planner's statistics, after a load that changed the tables' shape
        conn.exec_driver_sql("ANALYZE")
