"""Grading and the other changes to a card's state: each one transaction, logged.

The grading path (``record_review``) is four statements compiled once per store and run on the
driver's cursor inside one ``BEGIN IMMEDIATE`` transaction on the held connection: through
SQLAlchemy's execution machinery they cost about half a millisecond more than the 0.41 ms a
synchronous=FULL WAL commit itself takes on this project's machine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, update

from trainer.rules import ANSWER_KINDS, STATE_KINDS, lapse, maturity
from trainer.scheduler import sm2
from trainer.store import convert
from trainer.store.driver import DriverStatement, sqlite_date, sqlite_datetime
from trainer.store.errors import NotFound
from trainer.store.records import STATE_FIELDS, CardState, UndoneReview
from trainer.store.schema import review_t, rollup_t, state_t
from trainer.studyday import study_day

if TYPE_CHECKING:
    from trainer.store import Store

_STATE_COLUMNS = ("card_id", *STATE_FIELDS, "suspended", "buried_until", "last_reviewed")


def rollup_upsert(dialect: str) -> Any:
    """Add one answer to its (day, hour, maturity, kind, quality) cell of the daily rollup."""
    from sqlalchemy.dialects import postgresql, sqlite

    stmt: Any = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(rollup_t)
    stmt = stmt.values(
        study_day=bindparam("r_day"), hour=bindparam("r_hour"),
        maturity=bindparam("r_maturity"), kind=bindparam("r_kind"),
        quality=bindparam("r_quality"), count=bindparam("r_count"), total_ms=bindparam("r_ms"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["study_day", "hour", "maturity", "kind", "quality"],
        set_={"count": rollup_t.c.count + stmt.excluded.count,
              "total_ms": rollup_t.c.total_ms + stmt.excluded.total_ms},
    )


class _Statements:
    """The grading path's four statements, compiled once for the store's dialect."""

    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        columns: dict[str, Any] = {c.name: bindparam(c.name) for c in review_t.c
                                   if c.name != "id"}
        insert_review = insert(review_t).values(columns)
        if not self.sqlite:
            insert_review = insert_review.returning(review_t.c.id)
        self.select_state = DriverStatement(conn, select(
            *[state_t.c[f] for f in _STATE_COLUMNS]).where(state_t.c.card_id == bindparam("cid")))
        self.update_state = DriverStatement(conn, update(state_t).where(
            state_t.c.card_id == bindparam("cid")).values(
            {f: bindparam(f"s_{f}") for f in (*STATE_FIELDS, "last_reviewed")}))
        self.insert_review = DriverStatement(conn, insert_review)
        self.upsert_rollup = DriverStatement(conn, rollup_upsert(conn.dialect.name))


def _statements(store: Store, conn: Connection) -> _Statements:
    found = store.cache.get("grading")
    if found is None:
        found = store.cache["grading"] = _Statements(conn)
    assert isinstance(found, _Statements)
    return found


def read_state(store: Store, conn: Connection, card_id: int) -> CardState:
    cursor = _statements(store, conn).select_state.execute(conn, {"cid": card_id})
    try:
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        raise NotFound(f"no card with id {card_id}")
    cid, reps, ef, interval, due, reviews, lapses, suspended, buried, last = row
    return CardState(cid, reps, ef, interval, sqlite_date(due), reviews, lapses,
                     bool(suspended), sqlite_date(buried), sqlite_datetime(last))


def state(store: Store, card_id: int) -> CardState:
    with store.reading() as conn:
        return read_state(store, conn, card_id)


def _state_params(s: CardState) -> dict[str, object]:
    params: dict[str, object] = {f"s_{f}": getattr(s, f) for f in (*STATE_FIELDS,
                                                                    "last_reviewed")}
    params["cid"] = s.card_id
    return params


def record_review(
    store: Store,
    card_id: int,
    quality: int,
    kind: str = "scheduled",
    answered_at: datetime | None = None,
    answer_ms: int = 0,
    session_id: str = "",
) -> int:
    """Log an answer; a scheduled one also applies SM-2. Committed when this returns."""
    if kind not in ANSWER_KINDS:
        raise ValueError(f"kind must be one of {ANSWER_KINDS}, not {kind!r}")
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an int from 0 to 5, not {quality!r}")
    answered_at = answered_at or store.now()
    day = study_day(answered_at, store.settings)
    lapse_rule = store.settings.lapse_updates_easiness
    with store.transaction() as conn:
        before = read_state(store, conn, card_id)
        after = before
        if kind == "scheduled":
            new = sm2.review(before.sm2, quality, lapse_updates_easiness=lapse_rule)
            after = replace(
                before, repetitions=new.repetitions, easiness_x100=new.easiness_x100,
                interval=new.interval, due=day + timedelta(days=new.interval),
                reviews=before.reviews + 1,
                lapses=before.lapses + lapse(quality, before.repetitions),
                last_reviewed=convert.utc(answered_at),
            )
            _statements(store, conn).update_state.execute(conn, _state_params(after)).close()
        return _log(store, conn, before, after, kind, quality, answered_at, day, answer_ms,
                    session_id, lapse_rule)


def _log(
    store: Store, conn: Connection, before: CardState, after: CardState, kind: str,
    quality: int, answered_at: datetime, day: date, answer_ms: int, session_id: str,
    lapse_rule: bool,
) -> int:
    hour = store.hour_of(answered_at)
    row: dict[str, object] = {
        "card_id": before.card_id, "session_id": session_id,
        "reviewed_at": convert.utc(answered_at), "study_day": day, "hour": hour,
        "quality": quality, "kind": kind, "answer_ms": max(0, int(answer_ms)),
        "lapse_updates_easiness": lapse_rule,
    }
    for f in STATE_FIELDS:
        row[f"before_{f}"] = getattr(before, f)
        row[f"after_{f}"] = getattr(after, f)
    statements = _statements(store, conn)
    cursor = statements.insert_review.execute(conn, row)
    try:
        review_id = cursor.lastrowid if statements.sqlite else cursor.fetchone()[0]
    finally:
        cursor.close()
    if kind in ANSWER_KINDS:
        statements.upsert_rollup.execute(conn, {
            "r_day": day, "r_hour": hour,
            "r_maturity": maturity(before.repetitions, before.interval, before.reviews,
                                   before.due),
            "r_kind": kind, "r_quality": quality, "r_count": 1, "r_ms": row["answer_ms"],
        }).close()
    return int(review_id)


def set_state(
    store: Store,
    card_id: int,
    state: sm2.SM2State,
    due: date | None,
    *,
    kind: str,
    reviews: int | None = None,
    lapses: int | None = None,
    at: datetime | None = None,
    conn: Connection | None = None,
) -> int:
    """Set a card's state outside SM-2 (an import or a reset), logged as its own row."""
    if kind not in STATE_KINDS:
        raise ValueError("set_state is for import and reset rows")
    moment = at or store.now()

    def write(c: Connection) -> int:
        before = read_state(store, c, card_id)
        after = replace(
            before, repetitions=state.repetitions, easiness_x100=state.easiness_x100,
            interval=state.interval, due=due,
            reviews=before.reviews if reviews is None else reviews,
            lapses=before.lapses if lapses is None else lapses,
        )
        _statements(store, c).update_state.execute(c, _state_params(after)).close()
        return _log(store, c, before, after, kind, 0, moment, study_day(moment, store.settings),
                    0, "", store.settings.lapse_updates_easiness)

    if conn is not None:
        return write(conn)
    with store.transaction() as c:
        return write(c)


def reset_card(store: Store, card_id: int) -> int:
    """Forget a card: it becomes new again; the reset is logged, history kept."""
    return set_state(store, card_id, sm2.SM2State(), None, kind="reset", reviews=0, lapses=0)


def undo_last_review(store: Store, session_id: str | None = None) -> UndoneReview | None:
    """Delete the newest log row (of ``session_id`` if given) and restore its before-state."""
    with store.transaction() as conn:
        query = select(review_t).order_by(review_t.c.id.desc()).limit(1)
        if session_id is not None:
            query = query.where(review_t.c.session_id == session_id)
        row = conn.execute(query).mappings().first()
        if row is None:
            return None
        cid = row["card_id"]
        conn.execute(delete(review_t).where(review_t.c.id == row["id"]))
        if row["kind"] in ("scheduled", *STATE_KINDS):
            previous = conn.execute(
                select(func.max(review_t.c.reviewed_at)).where(
                    review_t.c.card_id == cid, review_t.c.kind == "scheduled"
                )
            ).scalar()
            values = {f: row[f"before_{f}"] for f in STATE_FIELDS}
            values["last_reviewed"] = previous
            conn.execute(update(state_t).where(state_t.c.card_id == cid).values(values))
        if row["kind"] in ANSWER_KINDS:
            key = and_(
                rollup_t.c.study_day == row["study_day"],
                rollup_t.c.hour == row["hour"],
                rollup_t.c.maturity == maturity(
                    row["before_repetitions"], row["before_interval"],
                    row["before_reviews"], row["before_due"],
                ),
                rollup_t.c.kind == row["kind"],
                rollup_t.c.quality == row["quality"],
            )
            conn.execute(update(rollup_t).where(key).values(
                count=rollup_t.c.count - 1, total_ms=rollup_t.c.total_ms - row["answer_ms"]))
            conn.execute(delete(rollup_t).where(key, rollup_t.c.count <= 0))
        return UndoneReview(row["id"], cid, row["kind"], row["quality"], row["session_id"])


# -- flags outside the replay ---------------------------------------------------------------

def _set_flags(store: Store, card_id: int, **values: object) -> None:
    with store.transaction() as conn:
        done = conn.execute(update(state_t).where(state_t.c.card_id == card_id).values(**values))
        if done.rowcount == 0:
            raise NotFound(f"no card with id {card_id}")


def suspend(store: Store, card_id: int) -> None:
    _set_flags(store, card_id, suspended=True)


def unsuspend(store: Store, card_id: int) -> None:
    _set_flags(store, card_id, suspended=False)


def bury_until_tomorrow(store: Store, card_id: int, day: date | None = None) -> None:
    _set_flags(store, card_id, buried_until=(day or store.today()) + timedelta(days=1))
