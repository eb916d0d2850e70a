"""The log writer: every change to a card's state is written with its log row, here.

The statements are compiled once per store and run on the driver's cursor inside the caller's
transaction on the held connection: through SQLAlchemy's execution machinery the grading path
cost about half a millisecond more than the 0.41 ms a synchronous=FULL WAL commit itself takes
on this project's machine.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update

from trainer.rules import ANSWER_KINDS, ReviewKind, maturity
from trainer.store import convert
from trainer.store.driver import DriverStatement, chunks, sqlite_date, sqlite_datetime
from trainer.store.errors import NotFound
from trainer.store.records import FLAG_FIELDS, LOGGED_FIELDS, STATE_FIELDS, CardState
from trainer.store.schema import card_t, option_t, review_t, rollup_t, state_t
from trainer.store.study_sessions import session_number
from trainer.studyday import study_day

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

STATE_COLUMNS = ("card_id", *STATE_FIELDS, "suspended", "buried_until", "last_reviewed")
assert STATE_FIELDS[-2:] == ("stability", "difficulty")  # state_of unpacks them in this order
_SET = (*LOGGED_FIELDS, "last_reviewed")
_SCHEDULE = (*STATE_FIELDS, "last_reviewed")
_AFTER_KEYS = tuple((f, f"after_{f}") for f in LOGGED_FIELDS)


def rollup_upsert(dialect: str) -> Any:
    """Add answers to their (day, hour, maturity, kind, quality) cell of the daily rollup."""
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
    """The grading path's statements, compiled once for the store's dialect."""

    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        columns: dict[str, Any] = {c.name: bindparam(c.name) for c in review_t.c
                                   if c.name != "id"}
        insert_review = insert(review_t).values(columns)
        if not self.sqlite:
            insert_review = insert_review.returning(review_t.c.id)
        state = [state_t.c[f] for f in STATE_COLUMNS]
        read = select(*state).where(state_t.c.card_id == bindparam("cid"))
        if not self.sqlite:
            # the row stays locked until the grade commits: two writers cannot both read the
            # same before-state (SQLite's BEGIN IMMEDIATE already serialises them)
            read = read.with_for_update()
        self.select_state = DriverStatement(conn, read)
        self.update_state = DriverStatement(conn, update(state_t).where(
            state_t.c.card_id == bindparam("cid")).values(
            {f: bindparam(f"s_{f}") for f in _SET}))
        # A grade leaves the flags alone: naming them would rewrite their index entries too
        # (a page more in every grade's commit)
        self.update_schedule = DriverStatement(conn, update(state_t).where(
            state_t.c.card_id == bindparam("cid")).values(
            {f: bindparam(f"s_{f}") for f in _SCHEDULE}))
        self.insert_review = DriverStatement(conn, insert_review)
        # A grade's read: the state and the scheduler of the card's deck (scheduling.
        # scheduling_params; NULL when the deck has no options row), in one statement: as
        # two, 6.3 µs a grade; as one, 4.6 (10,000 cards, alternating rounds).
        grading = select(*state, option_t.c.scheduler, option_t.c.desired_retention,
                         option_t.c.maximum_interval, option_t.c.fitted_params_id,
                         card_t.c.content_hash).select_from(
            state_t.join(card_t, card_t.c.id == state_t.c.card_id).outerjoin(
                option_t, option_t.c.deck_id == card_t.c.deck_id)).where(
            state_t.c.card_id == bindparam("cid"))
        if not self.sqlite:
            grading = grading.with_for_update(of=state_t)
        self.select_grading = DriverStatement(conn, grading)
        self.upsert_rollup = DriverStatement(conn, rollup_upsert(conn.dialect.name))
        # the other cards of the card's note, with their states
        me, sibling = card_t.alias("me"), card_t.alias("sibling")
        self.select_siblings = DriverStatement(conn, select(*state).select_from(
            me.join(sibling, and_(sibling.c.deck_id == me.c.deck_id,
                                  sibling.c.entry == me.c.entry, sibling.c.id != me.c.id))
            .join(state_t, state_t.c.card_id == sibling.c.id)).where(
            me.c.id == bindparam("cid")).order_by(sibling.c.id))


def statements(store: StoreContext, conn: Connection) -> _Statements:
    found = store.cache.get("grading")
    if found is None:
        found = store.cache["grading"] = _Statements(conn)
    assert isinstance(found, _Statements)
    return found


def state_of(row: tuple[Any, ...]) -> CardState:
    cid, reps, ef, interval, due, reviews, lapses, stability, difficulty, suspended, buried, \
        last = row
    return CardState(cid, reps, ef, interval, sqlite_date(due), reviews, lapses,
                     bool(suspended), sqlite_date(buried), sqlite_datetime(last), stability,
                     difficulty)


def read_state(store: StoreContext, conn: Connection, card_id: int) -> CardState:
    row = statements(store, conn).select_state.one(conn, {"cid": card_id})
    if row is None:
        raise NotFound(f"no card with id {card_id}")
    return state_of(row)


def read_grading(store: StoreContext, conn: Connection,
                 card_id: int) -> tuple[CardState, tuple[Any, ...], int]:
    """The card's state, its deck's scheduler columns (scheduler, desired retention,
    maximum interval, fitted parameter set; all None when unset), and its content's hash."""
    row = statements(store, conn).select_grading.one(conn, {"cid": card_id})
    if row is None:
        raise NotFound(f"no card with id {card_id}")
    width = len(STATE_COLUMNS)
    return state_of(row[:width]), tuple(row[width:-1]), int(row[-1])


def states_of(conn: Connection, card_ids: list[int]) -> dict[int, CardState]:
    """The cards' states, read without locking them (what a preview reads)."""
    out = {}
    for chunk in chunks(card_ids):
        for row in conn.execute(select(*[state_t.c[c] for c in STATE_COLUMNS]).where(
                state_t.c.card_id.in_(chunk))):
            out[row[0]] = state_of(tuple(row))
    return out


def state(store: StoreContext, card_id: int) -> CardState:
    with store.reading() as conn:
        return read_state(store, conn, card_id)


def deck_states(store: StoreContext, deck_id: int) -> dict[int, CardState]:
    """Every card's state in a deck, in one query (an export's; state() is one card's)."""
    query = select(*[state_t.c[c] for c in STATE_COLUMNS]).where(state_t.c.card_id.in_(
        select(card_t.c.id).where(card_t.c.deck_id == deck_id)))
    with store.reading() as conn:
        return {row[0]: state_of(tuple(row)) for row in conn.execute(query)}


def _write_state(store: StoreContext, conn: Connection, s: CardState,
                 before: CardState | None = None) -> None:
    same_flags = before is not None and all(
        getattr(before, f) == getattr(s, f) for f in FLAG_FIELDS)
    fields = _SCHEDULE if same_flags else _SET
    params: dict[str, object] = {f"s_{f}": getattr(s, f) for f in fields}
    params["cid"] = s.card_id
    compiled = statements(store, conn)
    (compiled.update_schedule if same_flags else compiled.update_state).execute(
        conn, params).close()


def log_change(
    store: StoreContext, conn: Connection, before: CardState, after: CardState, kind: ReviewKind,
    at: datetime, *, quality: int = 0, answer_ms: int = 0, session_id: str = "",
    action_id: int | None = None, params_id: int | None = None,
) -> int:
    """Write the state and its log row; answers go to the daily rollup too. ``params_id``:
    the FSRS parameter set that decided a scheduled row or that a switch row switched to."""
    _write_state(store, conn, after, before)
    day = study_day(at, store.settings)
    hour = store.hour_of(at)
    grown = maturity(before.repetitions, before.interval, before.reviews, before.due)
    row: dict[str, object] = {
        "card_id": before.card_id, "session_id": session_number(store, conn, session_id),
        "reviewed_at": convert.utc(at),
        "study_day": day, "hour": hour, "quality": quality, "kind": kind, "maturity": grown,
        "answer_ms": max(0, int(answer_ms)),
        "lapse_updates_easiness": store.settings.lapse_updates_easiness,
        "action_id": action_id, "params_id": params_id,
    }
    for f, after_key in _AFTER_KEYS:
        row[after_key] = getattr(after, f)
    compiled = statements(store, conn)
    cursor = compiled.insert_review.execute(conn, row)
    try:
        review_id = cursor.lastrowid if compiled.sqlite else cursor.fetchone()[0]
    finally:
        cursor.close()
    if kind in ANSWER_KINDS:
        compiled.upsert_rollup.execute(conn, {
            "r_day": day, "r_hour": hour, "r_maturity": grown,
            "r_kind": kind, "r_quality": quality, "r_count": 1, "r_ms": row["answer_ms"],
        }).close()
    return int(review_id)
