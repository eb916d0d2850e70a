"""Switching a deck between SM-2 and FSRS: every studied card's state under the new scheduler,
worked out from its own history as if the deck had always used it, written as a "switch" row
in the log (so replay and undo hold), in one transaction with the deck's option.

Switching back works the same way: SM-2's state is its replay of the card's history, so a
round trip with no study between gives back exactly the states the cards had.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from trainer.domain.answer import decide
from trainer.rules import SCHEDULERS, Scheduler
from trainer.scheduler import fsrs, sm2
from trainer.settings import Settings
from trainer.store import driver
from trainer.store.convert import aware
from trainer.store.errors import NotFound
from trainer.store.log import log_change, read_state
from trainer.store.options import resolve, stored_options, write_options
from trainer.store.records import CardState
from trainer.store.scheduling import params_id, scheduling_params
from trainer.store.schema import card_t, review_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

_HISTORY_KINDS = ("scheduled", "import", "reset", "reschedule")


@dataclass(frozen=True, slots=True)
class Switched:
    """What a switch did: the deck's scheduler now, and the cards whose state it changed."""

    scheduler: Scheduler
    changed: int
    studied: int  # the deck's cards with a history (the rest are new under either)


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


def switch_scheduler(store: StoreContext, deck_id: int, scheduler: Scheduler) -> Switched:
    """Schedule the deck's cards by ``scheduler`` ("sm2" or "fsrs") from now on."""
    if scheduler not in SCHEDULERS:
        raise ValueError(f"the scheduler is sm2 or fsrs, not {scheduler!r}")
    session_id = f"switch-{uuid.uuid4().hex}"
    now = store.now()
    with store.transaction() as conn:
        found = stored_options(conn, [deck_id])
        if deck_id not in found:
            raise NotFound(f"no deck with id {deck_id}")
        key, app, file = found[deck_id]
        write_options(conn, deck_id, {"scheduler": scheduler})
        options = resolve(store, key, app | {"scheduler": scheduler}, file)
        params = scheduling_params(conn, store.cache, scheduler, options.desired_retention,
                                   options.maximum_interval, options.fitted_params_id)
        pid = None if params is None else params_id(conn, params, store.cache)
        ids = list(conn.execute(select(card_t.c.id).where(card_t.c.deck_id == deck_id)
                                .order_by(card_t.c.id)).scalars())
        histories = _histories(conn, ids)
        changed, first = 0, None
        for cid in ids:
            rows = histories.get(cid)
            if not rows:
                continue
            before = read_state(store, conn, cid)
            fresh = CardState(cid, 0, sm2.INITIAL_EASINESS_X100, 0, None, 0, 0)
            worked = history_state(fresh, rows, params, store.settings)
            if params is None:  # SM-2's whole state; FSRS's memory stays as it was
                after = replace(before, repetitions=worked.repetitions,
                                easiness_x100=worked.easiness_x100, interval=worked.interval,
                                due=worked.due)
            else:  # FSRS's; SM-2's easiness stays as it was
                after = replace(before, repetitions=worked.repetitions,
                                interval=worked.interval, due=worked.due,
                                stability=worked.stability, difficulty=worked.difficulty)
            if after == before:
                continue
            row = log_change(store, conn, before, after, "switch", now, session_id=session_id,
                             action_id=first, params_id=pid)
            first = first if first is not None else row
            changed += 1
        return Switched(scheduler, changed, len(histories))


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
