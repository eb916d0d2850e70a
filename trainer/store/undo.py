"""Undo: take back the newest action, every row of it, restoring the state before each row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, delete, func, select, update

from trainer.rules import ANSWER_KINDS, LEECH_TAG, STATELESS_KINDS
from trainer.store.errors import UndoRefused
from trainer.store.flags import remove_tag
from trainer.store.records import LOGGED_FIELDS, NEW_LOGGED, UndoneReview
from trainer.store.schema import review_t, rollup_t, state_t
from trainer.store.study_sessions import find_number, session_names

if TYPE_CHECKING:
    from trainer.store import Store


def undo_last_review(store: Store, session_id: str | None = None) -> UndoneReview | None:
    """Take back the newest action (of ``session_id`` if given): delete its log rows, newest
    first, and restore the state before each; an answer leaves the rollup too."""
    with store.transaction() as conn:
        query = select(review_t.c.id, review_t.c.action_id).order_by(
            review_t.c.id.desc()).limit(1)
        if session_id is not None:
            number = find_number(conn, session_id)
            if number is None:
                return None
            query = query.where(review_t.c.session_id == number)
        last = conn.execute(query).first()
        if last is None:
            return None
        first_id = last[1] if last[1] is not None else last[0]
        rows = conn.execute(
            select(review_t).where(review_t.c.id >= first_id,
                                   (review_t.c.id == first_id) | (review_t.c.action_id ==
                                                                  first_id))
            .order_by(review_t.c.id.desc())).mappings().all()
        _check_nothing_depends_on(conn, rows)
        unburied: list[int] = []
        leech_undone = False
        for row in rows:
            _undo_row(conn, row)
            if row["kind"] == "bury" and row["id"] != first_id:
                unburied.append(row["card_id"])
            if row["kind"] == "leech":
                leech_undone = True
        head = rows[-1]
        name = session_names(conn, [head["session_id"]])[head["session_id"]]
        return UndoneReview(head["id"], head["card_id"], head["kind"], head["quality"],
                            name, tuple(reversed(unburied)), leech_undone)


def _check_nothing_depends_on(conn: Connection, rows: Any) -> None:
    """A row may be taken back only while it is its card's latest change: a later one (from
    another window) started from its after-state, and undoing under it would break replay."""
    own = {row["id"] for row in rows}
    for row in rows:
        if row["kind"] in STATELESS_KINDS:
            continue  # they change no state
        later = conn.execute(select(review_t.c.id).where(
            review_t.c.card_id == row["card_id"], review_t.c.id > row["id"],
            review_t.c.kind.not_in(STATELESS_KINDS)).limit(5)).scalars().all()
        if set(later) - own:
            raise UndoRefused("cannot undo: the card was changed after it (in another window "
                              "or command), and that change depends on this one")


def previous_state(conn: Connection, card_id: int, review_id: int) -> dict[str, Any]:
    """The card's state before log row ``review_id``: the after-state of its latest earlier
    row that changed state, or a new card's."""
    row = conn.execute(
        select(*[review_t.c[f"after_{f}"] for f in LOGGED_FIELDS]).where(
            review_t.c.card_id == card_id, review_t.c.id < review_id,
            review_t.c.kind.not_in(STATELESS_KINDS))
        .order_by(review_t.c.id.desc()).limit(1)).first()
    return dict(NEW_LOGGED) if row is None else dict(zip(LOGGED_FIELDS, row, strict=True))


def _undo_row(conn: Connection, row: Any) -> None:
    cid = row["card_id"]
    conn.execute(delete(review_t).where(review_t.c.id == row["id"]))
    if row["kind"] not in STATELESS_KINDS:
        values = previous_state(conn, cid, row["id"])
        if row["kind"] == "scheduled":
            values["last_reviewed"] = conn.execute(select(func.max(review_t.c.reviewed_at))
                                                   .where(review_t.c.card_id == cid,
                                                          review_t.c.kind == "scheduled")
                                                   ).scalar()
        conn.execute(update(state_t).where(state_t.c.card_id == cid).values(values))
    if row["kind"] == "leech" and row["quality"]:
        remove_tag(conn, cid, LEECH_TAG)
    if row["kind"] in ANSWER_KINDS:
        key = and_(
            rollup_t.c.study_day == row["study_day"],
            rollup_t.c.hour == row["hour"],
            rollup_t.c.maturity == row["maturity"],
            rollup_t.c.kind == row["kind"],
            rollup_t.c.quality == row["quality"],
        )
        conn.execute(update(rollup_t).where(key).values(
            count=rollup_t.c.count - 1, total_ms=rollup_t.c.total_ms - row["answer_ms"]))
        conn.execute(delete(rollup_t).where(key, rollup_t.c.count <= 0))
