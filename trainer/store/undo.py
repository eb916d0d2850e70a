"""Undo: take back the newest action, every row of it, restoring the state before each row.

The undo stack is the review log's actions (a grade with the siblings it buried and the leech
action it triggered, a suspension, a burying, a reset, a browser's bulk change: rows grouped
by ``action_id``) and the undo journal's entries (trainer.store.journal: an edit, an added
card, the browser's delete, move and tag, a flag, a mark or a card's tags, a deck's deletion),
newest first. It lives in the database, so it outlives the session and a restart. Imports and
scheduler switches are not on it: they have their own commands, and a grade they depend on is
refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, delete, func, select, update

from trainer.rules import ANSWER_KINDS, LEECH_TAG, STATELESS_KINDS
from trainer.store.errors import UndoRefused
from trainer.store.flags import remove_tag
from trainer.store.journal import cards_words, log_rows_gone
from trainer.store.records import LOGGED_FIELDS, NEW_LOGGED, Undone, UndoneReview
from trainer.store.schema import journal_t, review_t, rollup_t, state_t
from trainer.store.study_sessions import find_number, session_names
from trainer.store.take_back import take_back

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

# log rows that are not the student's undoable actions
NOT_ON_STACK = ("import", "switch")
# what undo took back, by the kind of the action's first row ({cards}: "'q3'", "3 cards")
WORDS = {
    "quiz": "the quiz answer to {cards}", "suspend": "the suspension of {cards}",
    "unsuspend": "unsuspending {cards}", "bury": "the burying of {cards}",
    "unbury": "unburying {cards}", "reset": "the reset of {cards}",
    "reschedule": "the rescheduling of {cards}", "import": "the import of {cards}",
    "switch": "the scheduler switch of {cards}", "leech": "the leech action on {cards}",
}
# why a later row on the card stops an undo, by the later row's kind
LATER = {
    "import": "an import set the card's state since, from this one on",
    "switch": "its deck's scheduler was switched since, which worked the card's state out "
              "from this one",
}
LATER_CHANGE = ("the card was changed after it (in another window or command), and that "
                "change depends on this one")


def undo_last(store: StoreContext) -> Undone | None:
    """Take back the newest action of any session, in one transaction: what it took back,
    or None when there is nothing to undo."""
    with store.transaction() as conn:
        review = conn.execute(select(review_t.c.id, review_t.c.action_id).where(
            review_t.c.kind.not_in(NOT_ON_STACK)).order_by(review_t.c.id.desc()).limit(1)
        ).first()
        entry = conn.execute(select(journal_t).order_by(journal_t.c.id.desc()).limit(1)
                             ).mappings().first()
        if entry is not None and (review is None or review[0] <= entry["after_review"]):
            cards = take_back(conn, entry["kind"], entry["label"], entry["data"])
            conn.execute(delete(journal_t).where(journal_t.c.id == entry["id"]))
            return Undone(entry["label"], cards)
        if review is None:
            return None
        undone = _undo_action(conn, review[1] if review[1] is not None else review[0])
        return Undone(undone.label, undone.card_ids, undone)


def undo_entry(store: StoreContext, entry_id: int) -> Undone | None:
    """Take back one journaled action by its entry's id (a study session's own flag, mark or
    tags: its ctrl+z takes back what it did, not what another window did since); None when
    the entry is gone (undone elsewhere, or past the journal's KEEP)."""
    with store.transaction() as conn:
        entry = conn.execute(select(journal_t).where(journal_t.c.id == entry_id)
                             ).mappings().first()
        if entry is None:
            return None
        cards = take_back(conn, entry["kind"], entry["label"], entry["data"])
        conn.execute(delete(journal_t).where(journal_t.c.id == entry_id))
        return Undone(entry["label"], cards)


def undo_last_review(store: StoreContext, session_id: str | None = None) -> UndoneReview | None:
    """Take back the newest log action (of ``session_id`` if given): delete its rows, newest
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
        return _undo_action(conn, last[1] if last[1] is not None else last[0])


def _undo_action(conn: Connection, first_id: int) -> UndoneReview:
    rows = conn.execute(
        select(review_t).where(review_t.c.id >= first_id,
                               (review_t.c.id == first_id) | (review_t.c.action_id == first_id))
        .order_by(review_t.c.id.desc())).mappings().all()
    head = rows[-1]
    own = list(dict.fromkeys(r["card_id"] for r in reversed(rows) if r["kind"] == head["kind"]))
    label = _words(conn, head, own)
    _check_nothing_depends_on(conn, rows, label)
    unburied: list[int] = []
    leech_undone = False
    for row in rows:
        _undo_row(conn, row)
        if row["kind"] == "bury" and row["id"] != first_id:
            unburied.append(row["card_id"])
        if row["kind"] == "leech":
            leech_undone = True
    log_rows_gone(conn)
    name = session_names(conn, [head["session_id"]])[head["session_id"]]
    return UndoneReview(head["id"], head["card_id"], head["kind"], head["quality"],
                        name, tuple(reversed(unburied)), leech_undone, label, tuple(own))


def _words(conn: Connection, head: Any, card_ids: list[int]) -> str:
    cards = cards_words(conn, card_ids)
    if head["kind"] in ("scheduled", "repeat"):
        return f"the grade {head['quality']} of {cards}"
    return WORDS.get(head["kind"], "the change of {cards}").format(cards=cards)


def _check_nothing_depends_on(conn: Connection, rows: Any, label: str) -> None:
    """A row may be taken back only while it is its card's latest change: a later one (from
    another window, an import, a scheduler switch) started from its after-state, and undoing
    under it would break replay."""
    own = {row["id"] for row in rows}
    for row in rows:
        if row["kind"] in STATELESS_KINDS:
            continue  # they change no state
        later = conn.execute(select(review_t.c.id, review_t.c.kind).where(
            review_t.c.card_id == row["card_id"], review_t.c.id > row["id"],
            review_t.c.kind.not_in(STATELESS_KINDS)).limit(5)).all()
        others = [kind for rid, kind in later if rid not in own]
        if others:
            raise UndoRefused(f"cannot undo {label}: {LATER.get(others[0], LATER_CHANGE)}")


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
