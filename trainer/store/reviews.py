"""Grading and resetting: what a grade decides (trainer.domain.answer) applied, logged and
committed before the next card shows.

One key press is one action: a grade, the siblings it buries and the leech action it
triggers are rows that share an ``action_id``, and undo (trainer.store.undo) takes them back
together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from trainer.domain import answer
from trainer.domain.plan import Burying
from trainer.rules import ANSWER_KINDS, LEECH_TAG, STATE_KINDS, AnswerKind, StateKind, lapse
from trainer.scheduler import sm2
from trainer.store import convert
from trainer.store.columns import (
    KIND_CODES,
    MATURITY_CODES,
    day_number,
    epoch_ms,
    stored,
    whole_ms,
)
from trainer.store.errors import ChangedElsewhere
from trainer.store.flags import add_tag
from trainer.store.log import log_change, read_grading, read_state, state_of, statements
from trainer.store.options import options_of_card
from trainer.store.records import LOGGED_FIELDS, CardState, ReviewRow
from trainer.store.scheduling import params_id, scheduling_params
from trainer.store.schema import review_t, state_t
from trainer.store.study_sessions import session_number
from trainer.studyday import study_day

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


@dataclass(frozen=True, slots=True)
class Graded:
    """What one grade did: its log row, the siblings it buried, and whether the card became
    a leech (and was suspended for it)."""

    review_id: int
    buried: tuple[int, ...] = ()
    leech: bool = False
    suspended: bool = False
    edited: bool = False  # the card's text was edited elsewhere since it was shown


def record_review(
    store: StoreContext,
    card_id: int,
    quality: int,
    kind: AnswerKind = "scheduled",
    answered_at: datetime | None = None,
    answer_ms: int = 0,
    session_id: str = "",
    shown: CardState | None = None,
    require_due: bool = False,
    shown_content: int | None = None,
) -> Graded:
    """Log an answer; a scheduled one also applies its scheduler, buries the card's siblings
    and takes the leech action (trainer.domain.answer.grade). Committed when this returns.

    ``shown`` is the state the answer was given to: if another window or command changed it
    since (graded, suspended, buried, reset), nothing is recorded and ChangedElsewhere says
    what happened. With ``require_due`` (a study session's grade) a card that is no longer
    due today is refused the same way, so that no card gets two scheduled reviews in one
    study day. ``shown_content`` is the hash of the card's text as shown: an edit made
    elsewhere since keeps the answer, and Graded.edited says so."""
    if kind not in ANSWER_KINDS:
        raise ValueError(f"kind must be one of {ANSWER_KINDS}, not {kind!r}")
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an int from 0 to 5, not {quality!r}")
    at = whole_ms(answered_at or store.now())
    day = study_day(at, store.settings)
    with store.transaction() as conn:
        before, scheduling, content = read_grading(store, conn, card_id)
        changed = None if shown is None else answer.what_changed(shown, before, day)
        if changed is None and require_due:
            if before.suspended:
                changed = "suspended"
            elif answer.is_buried(before, day):
                changed = "buried"
            elif kind == "scheduled" and before.due is not None and before.due > day:
                changed = "graded"
        if changed is not None:
            raise ChangedElsewhere(f"changed elsewhere ({changed}); showing the next card")
        edited = shown_content is not None and shown_content != content
        if kind != "scheduled":
            return Graded(log_change(store, conn, before, before, kind, at, quality=quality,
                                     answer_ms=answer_ms, session_id=session_id),
                          edited=edited)
        params = scheduling_params(conn, store.cache, *scheduling)
        siblings = [state_of(row) for row in
                    statements(store, conn).select_siblings.all(conn, {"cid": card_id})]
        # the deck's sibling and leech rules matter only to a card with siblings or a lapse:
        # most grades skip reading them
        options = (options_of_card(store, conn, card_id)
                   if siblings or lapse(quality, before.repetitions) else None)
        outcome = answer.grade(
            before, quality, day, convert.utc(at), params, siblings=siblings,
            burying=Burying(options.bury_new_siblings, options.bury_review_siblings)
            if options else Burying(),
            leech_lapses=options.leech_lapses if options else store.settings.leech_lapses,
            leech_suspends=options is not None and options.leech_action == "suspend",
            lapse_updates_easiness=store.settings.lapse_updates_easiness,
            settings=store.settings)
        graded = _apply(store, conn, before, outcome, quality, at, answer_ms, session_id,
                        None if params is None else params_id(conn, params, store.cache))
        return replace(graded, edited=edited) if edited else graded


def _apply(store: StoreContext, conn: Connection, before: CardState, outcome: answer.Outcome,
           quality: int, at: datetime, answer_ms: int, session_id: str,
           params: int | None) -> Graded:
    """Write what a grade decided: its row and the card's state, then the siblings it buried
    and the leech action, each a row of the same action."""
    after = outcome.after
    review_id = log_change(store, conn, before, after, "scheduled", at, quality=quality,
                           answer_ms=answer_ms, session_id=session_id, params_id=params)
    for sibling, buried in outcome.buried:
        log_change(store, conn, sibling, buried, "bury", at, session_id=session_id,
                   action_id=review_id)
    if outcome.leech:
        added = add_tag(conn, after.card_id, LEECH_TAG)
        log_change(store, conn, after, replace(after, suspended=after.suspended or
                                               outcome.suspend),
                   "leech", at, quality=int(added), session_id=session_id,
                   action_id=review_id)
    return Graded(review_id, tuple(b.card_id for b, _ in outcome.buried), outcome.leech,
                  outcome.suspend)


def set_state(
    store: StoreContext,
    card_id: int,
    state: sm2.SM2State,
    due: date | None,
    *,
    kind: StateKind,
    reviews: int | None = None,
    lapses: int | None = None,
    suspended: bool | None = None,
    buried_until: date | None = None,
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
            suspended=before.suspended if suspended is None else suspended,
            buried_until=buried_until if buried_until is not None else before.buried_until,
            # a state set from outside leaves no FSRS memory: FSRS works it out from the SM-2
            # state the next time it schedules the card (scheduling.memory)
            stability=None, difficulty=None,
        )
        return log_change(store, c, before, after, kind, moment)

    if conn is not None:
        return write(conn)
    with store.transaction() as c:
        return write(c)


def set_states(store: StoreContext, conn: Connection, changes: list[CardState], kind: StateKind,
               at: datetime | None = None, *, fresh: bool = False) -> None:
    """set_state for many cards inside the caller's transaction (each change: the card's
    schedule and flags as set_state takes them; a buried_until of None keeps the card's, and
    last_reviewed and FSRS's memory are not set): their states read in
    chunks, the log rows inserted and the states updated in one executemany each (an Anki
    package of 10,000 cards took 0.75 s one card at a time). ``fresh``: cards just added,
    with no state row yet; theirs is inserted, from a new card's state, with nothing read."""
    from trainer.store.driver import bulk_insert, chunks
    from trainer.store.log import STATE_COLUMNS
    from trainer.store.replay import REVIEW_COLUMNS, review_values

    if kind not in STATE_KINDS:
        raise ValueError("set_states is for import and reset rows")
    if not changes:
        return
    moment = convert.utc(at or store.now())
    day, hour = study_day(moment, store.settings), store.hour_of(moment)
    lapse_rule = store.settings.lapse_updates_easiness
    if fresh:
        _insert_fresh(conn, changes, kind, moment, day, hour, lapse_rule,
                      store.dialect == "sqlite", session_number(store, conn, ""))
        return
    before: dict[int, CardState] = {}
    for chunk in chunks([c.card_id for c in changes]):
        for row in conn.execute(select(*[state_t.c[c] for c in STATE_COLUMNS]).where(
                state_t.c.card_id.in_(chunk))):
            before[row[0]] = state_of(tuple(row))
    rows, states = [], []
    for c in changes:
        b = before[c.card_id]
        a = replace(b, repetitions=c.repetitions, easiness_x100=c.easiness_x100,
                    interval=c.interval, due=c.due, reviews=c.reviews, lapses=c.lapses,
                    suspended=c.suspended,
                    buried_until=c.buried_until if c.buried_until is not None
                    else b.buried_until, stability=None, difficulty=None)
        rows.append(ReviewRow(
            card_id=c.card_id, reviewed_at=moment, study_day=day, hour=hour, quality=0,
            kind=kind, lapse_updates_easiness=lapse_rule,
            **{f"before_{f}": getattr(b, f) for f in LOGGED_FIELDS},
            **{f"after_{f}": getattr(a, f) for f in LOGGED_FIELDS}))
        states.append(a)
    bulk_insert(conn, review_t, REVIEW_COLUMNS, review_values(store, conn, rows))
    statements(store, conn).update_state.executemany(conn, [
        {"cid": a.card_id, "s_last_reviewed": a.last_reviewed}
        | {f"s_{f}": getattr(a, f) for f in LOGGED_FIELDS} for a in states])


def _insert_fresh(conn: Connection, changes: list[CardState], kind: StateKind, moment: datetime,
                  day: date, hour: int, lapse_rule: bool, sqlite: bool, session: int) -> None:
    """The log rows and states of cards just added, as plain tuples in the columns' order:
    through records and dataclasses.replace, 100,000 cards took 2 s more."""
    from trainer.store.driver import bulk_insert, stored_value
    from trainer.store.replay import REVIEW_COLUMNS

    head = ("session_id", "reviewed_at", "study_day", "hour", "quality", "kind", "maturity",
            "answer_ms", "lapse_updates_easiness", "params_id")
    assert ("card_id", *head, *[f"after_{f}" for f in LOGGED_FIELDS]) == REVIEW_COLUMNS
    assert LOGGED_FIELDS == ("repetitions", "easiness_x100", "interval", "due", "reviews",
                             "lapses", "stability", "difficulty", "suspended", "buried_until")

    # a new card's row: its maturity before is "new"; days and times as the log keeps them
    common = (session, epoch_ms(moment), day_number(day), hour, 0, KIND_CODES[kind],
              MATURITY_CODES["new"], 0, lapse_rule, None)
    reviews, states = [], []
    for c in changes:
        due, buried = c.due, c.buried_until
        reviews.append((c.card_id, *common, c.repetitions, c.easiness_x100, c.interval,
                        stored(due), c.reviews, c.lapses, None, None, c.suspended,
                        stored(buried)))
        states.append((c.card_id, c.repetitions, c.easiness_x100, c.interval,
                       stored_value(due, sqlite), c.reviews, c.lapses, None, None, c.suspended,
                       stored_value(buried, sqlite)))
    bulk_insert(conn, review_t, REVIEW_COLUMNS, reviews)
    bulk_insert(conn, state_t, ("card_id", *LOGGED_FIELDS), states)


def reset_card(store: StoreContext, card_id: int) -> int:
    """Forget a card: it becomes new again; the reset is logged, history kept."""
    return set_state(store, card_id, sm2.SM2State(), None, kind="reset", reviews=0, lapses=0)
