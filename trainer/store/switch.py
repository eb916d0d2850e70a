"""Switching decks between SM-2 and FSRS: every studied card's state under the new scheduler,
worked out from its own history as if the deck had always used it, written as a "switch" row
in the log (so replay and undo hold), in one transaction with the decks' option.

Switching back works the same way: SM-2's state is its replay of the card's history, so a
round trip with no study between gives back exactly the states the cards had. With the due
dates kept (Anki's "reschedule cards on change" off) only the memory is worked out: each card
keeps its interval and due date. ``preview_switch`` says what a switch would do, writing
nothing, for the student to decide.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from trainer.domain.answer import decide
from trainer.rules import SCHEDULERS, Scheduler
from trainer.scheduler import fsrs, sm2
from trainer.settings import Settings
from trainer.store import driver
from trainer.store.convert import aware
from trainer.store.log import log_change, read_state, states_of
from trainer.store.options import resolved_options, write_options
from trainer.store.records import CardState, Switched
from trainer.store.scheduling import params_id, scheduling_params
from trainer.store.schema import card_t, deck_t, review_t, state_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

_HISTORY_KINDS = ("scheduled", "import", "reset", "reschedule")


def history_state(start: CardState, rows: list[Any], params: fsrs.FSRSParams | None,
                  settings: Settings) -> CardState:
    """The card's state after ``rows`` (its log, oldest first) had every scheduled review been
    decided by SM-2 (``params`` None) or by FSRS with ``params``; imports, resets and
    reschedules set what they set, as they did."""
    s = start
    for kind, quality, day, at, lapse_rule, reps, ef, interval, due in rows:
        if kind == "scheduled":
            s = decide(s, quality, day, aware(at), params, lapse_updates_easiness=lapse_rule,
                       settings=settings)
        elif kind in ("import", "reset"):
            s = replace(s, repetitions=reps, easiness_x100=ef, interval=interval,
                        due=driver.sqlite_date(due), stability=None, difficulty=None)
        else:  # reschedule: a new due date alone
            s = replace(s, due=driver.sqlite_date(due))
    return s


def _histories(conn: Connection, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for chunk in driver.chunks(ids):
        for row in conn.execute(select(
                review_t.c.card_id, review_t.c.kind, review_t.c.quality, review_t.c.study_day,
                review_t.c.reviewed_at, review_t.c.lapse_updates_easiness,
                review_t.c.after_repetitions, review_t.c.after_easiness_x100,
                review_t.c.after_interval, review_t.c.after_due).where(
                review_t.c.card_id.in_(chunk), review_t.c.kind.in_(_HISTORY_KINDS)).order_by(
                review_t.c.id)):
            out[row[0]].append(tuple(row[1:]))
    return out


@dataclass(frozen=True, slots=True)
class _Change:
    before: CardState
    after: CardState
    params: fsrs.FSRSParams | None
    in_play: bool


def _worked_out(store: StoreContext, conn: Connection, deck_ids: list[int],
                scheduler: Scheduler, keep_due: bool, rework: bool,
                writing: bool) -> tuple[list[_Change], int, list[str]]:
    """Each studied card of the decks whose state the switch changes, the studied cards, and
    the names of the decks whose scheduler changes. A deck already on ``scheduler`` is left
    as it is, unless ``rework`` (new FSRS weights: its memory worked out again).
    ``writing``: each state read locked until the switch commits (a preview locks
    nothing)."""
    if scheduler not in SCHEDULERS:
        raise ValueError(f"the scheduler is sm2 or fsrs, not {scheduler!r}")
    options = resolved_options(store, conn, deck_ids)
    names = dict(conn.execute(select(deck_t.c.id, deck_t.c.name).where(
        deck_t.c.id.in_(deck_ids))).all())
    moving = sorted((names[d] for d in deck_ids if options[d].scheduler != scheduler),
                    key=str.casefold)
    if not rework:
        deck_ids = [d for d in deck_ids if options[d].scheduler != scheduler]
        if not deck_ids:
            return [], 0, moving
    params = {d: scheduling_params(conn, store.cache, scheduler, o.desired_retention,
                                   o.maximum_interval, o.fitted_params_id)
              for d, o in options.items()}
    cards = conn.execute(select(card_t.c.id, card_t.c.deck_id, state_t.c.retired).join(
        state_t, state_t.c.card_id == card_t.c.id).where(card_t.c.deck_id.in_(deck_ids))
        .order_by(card_t.c.id)).all()
    histories = _histories(conn, [cid for cid, _, _ in cards])
    unlocked = {} if writing else states_of(conn, list(histories))
    out = []
    for cid, deck_id, retired in cards:
        rows = histories.get(cid)
        if not rows:
            continue
        before = read_state(store, conn, cid) if writing else unlocked[cid]
        fresh = CardState(cid, 0, sm2.INITIAL_EASINESS_X100, 0, None, 0, 0)
        worked = history_state(fresh, rows, params[deck_id], store.settings)
        kept = (before.interval, before.due) if keep_due else (worked.interval, worked.due)
        if params[deck_id] is None:  # SM-2's whole state; FSRS's memory stays as it was
            after = replace(before, repetitions=worked.repetitions,
                            easiness_x100=worked.easiness_x100, interval=kept[0], due=kept[1])
        else:  # FSRS's; SM-2's easiness stays as it was
            after = replace(before, repetitions=worked.repetitions, interval=kept[0],
                            due=kept[1], stability=worked.stability,
                            difficulty=worked.difficulty)
        if after != before:
            out.append(_Change(before, after, params[deck_id],
                               not retired and not before.suspended))
    return out, len(histories), moving


def _switched(scheduler: Scheduler, changes: list[_Change], studied: int, moving: list[str],
              keep_due: bool, today: date) -> Switched:
    def due(s: CardState) -> bool:
        return s.due is not None and s.due <= today

    return Switched(
        scheduler, len(changes), studied, tuple(moving),
        rescheduled=sum(c.after.due != c.before.due for c in changes),
        due_today=sum(c.in_play and due(c.after) and not due(c.before) for c in changes),
        keep_due=keep_due)


def _ids(deck_ids: int | list[int]) -> list[int]:
    return [deck_ids] if isinstance(deck_ids, int) else list(deck_ids)


def preview_switch(store: StoreContext, deck_ids: int | list[int], scheduler: Scheduler, *,
                   keep_due: bool = False, rework: bool = False) -> Switched:
    """What ``switch_scheduler`` would do, worked out without writing anything."""
    with store.reading() as conn:
        changes, studied, moving = _worked_out(store, conn, _ids(deck_ids), scheduler,
                                               keep_due, rework, writing=False)
    return _switched(scheduler, changes, studied, moving, keep_due, store.today())


def switch_scheduler(store: StoreContext, deck_ids: int | list[int], scheduler: Scheduler, *,
                     keep_due: bool = False, rework: bool = False) -> Switched:
    """Schedule the decks' cards by ``scheduler`` ("sm2" or "fsrs") from now on, each
    studied card's state worked out from its history (its due date kept with
    ``keep_due``), in one transaction. The decks already on it are left alone, unless
    ``rework``: their cards worked out again too (with FSRS's new weights)."""
    ids = _ids(deck_ids)
    session_id = f"switch-{uuid.uuid4().hex}"
    now = store.now()
    with store.transaction() as conn:
        changes, studied, moving = _worked_out(store, conn, ids, scheduler, keep_due, rework,
                                               writing=True)
        for deck_id in ids:
            write_options(conn, deck_id, {"scheduler": scheduler})
        first = None
        for change in changes:
            pid = None if change.params is None else params_id(conn, change.params, store.cache)
            row = log_change(store, conn, change.before, change.after, "switch", now,
                             session_id=session_id, action_id=first, params_id=pid)
            first = first if first is not None else row
    return _switched(scheduler, changes, studied, moving, keep_due, store.today())


def both_schedules(store: StoreContext, deck_ids: list[int] | None,
                   params: fsrs.FSRSParams) -> list[tuple[CardState, CardState]]:
    """Every card in play (not suspended, not retired) as SM-2 and as FSRS with ``params``
    would have it from its history: what the simulator starts from."""
    from trainer.store.schema import state_t

    query = select(card_t.c.id).join(state_t, state_t.c.card_id == card_t.c.id).where(
        state_t.c.suspended.is_(False), state_t.c.retired.is_(False)).order_by(card_t.c.id)
    if deck_ids is not None:
        query = query.where(card_t.c.deck_id.in_(deck_ids))
    out = []
    with store.reading() as conn:
        ids = list(conn.execute(query).scalars())
        histories = _histories(conn, ids)
    for cid in ids:
        fresh = CardState(cid, 0, sm2.INITIAL_EASINESS_X100, 0, None, 0, 0)
        rows = histories.get(cid, [])
        out.append((history_state(fresh, rows, None, store.settings),
                    history_state(fresh, rows, params, store.settings)))
    return out
