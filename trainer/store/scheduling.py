"""Which scheduler decides a deck's grades: its stored FSRS parameter sets. What a grade
decides is trainer.domain.answer's, one rule for the grading path, the log's replay and the
switch between schedulers.

A deck is scheduled by SM-2 (the default) or FSRS. A parameter set (fsrs_params) is the FSRS
weights, desired retention and maximum interval that scheduled a review; the log names it on
every FSRS row, and a row without one was SM-2's.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select

# what a grade decides lives with the day's rules; the store's callers find it here too
from trainer.domain.answer import decide as decide
from trainer.domain.answer import elapsed_days as elapsed_days
from trainer.domain.answer import fsrs_intervals as fsrs_intervals
from trainer.domain.answer import last_review_day as last_review_day
from trainer.domain.answer import memory as memory
from trainer.rules import Scheduler
from trainer.scheduler import fsrs, sm2
from trainer.store.records import DeckOptions, ParamSet
from trainer.store.schema import params_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


# -- parameter sets -------------------------------------------------------------------------

def _weights_text(weights: tuple[float, ...]) -> str:
    return json.dumps(list(weights))


def param_set(conn: Connection, params_id: int) -> ParamSet:
    row = conn.execute(select(params_t).where(params_t.c.id == params_id)).mappings().one()
    return ParamSet(row["id"], tuple(json.loads(row["weights"])), row["desired_retention"],
                    row["maximum_interval"], row["fitted_at"], row["reviews"], row["deck_id"])


def params_of(conn: Connection, params_id: int, cache: dict[object, object]) -> fsrs.FSRSParams:
    """The FSRS parameters of a stored set (sets never change: read once per store)."""
    key = ("fsrs-params", params_id)
    found = cache.get(key)
    if found is None:
        p = param_set(conn, params_id)
        found = cache[key] = fsrs.FSRSParams(p.weights, p.desired_retention,
                                             p.maximum_interval)
    assert isinstance(found, fsrs.FSRSParams)
    return found


def deck_params(conn: Connection, options: DeckOptions,
                cache: dict[object, object]) -> fsrs.FSRSParams | None:
    """What the deck's scheduler schedules with: None for SM-2."""
    return scheduling_params(conn, cache, options.scheduler, options.desired_retention,
                             options.maximum_interval, options.fitted_params_id)


def scheduling_params(conn: Connection, cache: dict[object, object], scheduler: Scheduler | None,
                      retention: float | None, longest: int | None,
                      fitted_id: int | None) -> fsrs.FSRSParams | None:
    """The same from the deck's stored option columns (None: unset)."""
    if scheduler != "fsrs":
        return None
    weights = (params_of(conn, fitted_id, cache).weights if fitted_id is not None
               else fsrs.DEFAULT_WEIGHTS)
    return fsrs.FSRSParams(weights, fsrs.DEFAULT_RETENTION if retention is None else retention,
                           sm2.MAX_INTERVAL if longest is None else longest)


def params_id(conn: Connection, params: fsrs.FSRSParams, cache: dict[object, object],
              *, fitted: ParamSet | None = None) -> int:
    """The stored set for ``params``, written the first time it schedules anything."""
    key = ("fsrs-params-id", params)
    found = cache.get(key)
    if found is not None:
        assert isinstance(found, int)
        return found
    text = _weights_text(params.weights)
    found = conn.execute(select(params_t.c.id).where(
        params_t.c.weights == text, params_t.c.desired_retention == params.desired_retention,
        params_t.c.maximum_interval == params.maximum_interval).order_by(
        params_t.c.id).limit(1)).scalar()
    if found is None:
        found = conn.execute(insert(params_t).values(
            weights=text, desired_retention=params.desired_retention,
            maximum_interval=params.maximum_interval,
            fitted_at=fitted.fitted_at if fitted else None,
            reviews=fitted.reviews if fitted else 0,
            deck_id=fitted.deck_id if fitted else None).returning(params_t.c.id)).scalar_one()
    cache[key] = found
    cache[("fsrs-params", found)] = params
    return int(found)


def store_fitted(store: StoreContext, deck_id: int | None, weights: tuple[float, ...], reviews: int,
                 at: datetime) -> int:
    """Keep a fitted set (trainer optimize); its id."""
    with store.transaction() as conn:
        return int(conn.execute(insert(params_t).values(
            weights=_weights_text(weights), desired_retention=fsrs.DEFAULT_RETENTION,
            maximum_interval=sm2.MAX_INTERVAL, fitted_at=at, reviews=reviews,
            deck_id=deck_id).returning(params_t.c.id)).scalar_one())


def params_of_deck(store: StoreContext, deck_id: int) -> fsrs.FSRSParams | None:
    """What the deck's scheduler schedules with now: None for SM-2."""
    from trainer.store.options import deck_options

    chosen = deck_options(store, deck_id)
    with store.reading() as conn:
        return deck_params(conn, chosen, store.cache)


def stored_param_set(store: StoreContext, params_id: int) -> ParamSet:
    """One stored parameter set."""
    with store.reading() as conn:
        return param_set(conn, params_id)


def param_sets(store: StoreContext) -> list[ParamSet]:
    """Every stored parameter set, oldest first."""
    with store.reading() as conn:
        ids = list(conn.execute(select(params_t.c.id).order_by(params_t.c.id)).scalars())
        return [param_set(conn, i) for i in ids]
