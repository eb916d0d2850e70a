"""`trainer simulate`: the next days under SM-2 and under FSRS for the same simulated student,
starting from the deck's real cards (trainer.scheduler.simulator does the simulating)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trainer.domain.answer import last_review_day, memory
from trainer.scheduler import fsrs
from trainer.scheduler.simulator import (
    CANDIDATES,
    Day,
    Model,
    StartCard,
    optimal_retention,
    simulate,
)
from trainer.store import DeckTree, Store

DEFAULT_SECONDS = 10.0  # a answer's time when the log has none


@dataclass(frozen=True, slots=True)
class Forecast:
    days: int
    retention: float
    seconds_per_answer: float
    new_per_day: int
    cards: int
    new_cards: int
    sm2: list[Day]
    fsrs: list[Day]
    optimal_retention: float | None  # with --optimal


def start_cards(store: Store, deck_ids: list[int] | None,
                params: fsrs.FSRSParams) -> list[StartCard]:
    today = store.today()
    out = []
    for as_sm2, as_fsrs in store.scheduling.both_schedules(deck_ids, params):
        last = last_review_day(as_sm2, store.settings)
        if as_sm2.due is None or last is None:
            out.append(StartCard(as_sm2.sm2, None, None, None, 0, 0))
            continue
        mem = memory(as_fsrs, params)
        fsrs_due = as_fsrs.due if as_fsrs.due is not None else as_sm2.due
        out.append(StartCard(as_sm2.sm2, mem.stability, mem.difficulty, (today - last).days,
                             (as_sm2.due - today).days, (fsrs_due - today).days))
    return out


Progress = Callable[[int, int], None]  # (runs done, runs in all)


def forecast(store: Store, deck_ids: list[int] | None, *, days: int, retention: float,
             new_per_day: int, weights: tuple[float, ...], seed: int = 0,
             find_optimal: bool = False, progress: Progress | None = None) -> Forecast:
    params = fsrs.FSRSParams(weights, retention)
    cards = start_cards(store, deck_ids, params)
    model = Model(weights)
    seconds = store.scheduling.answer_seconds(deck_ids) or DEFAULT_SECONDS
    total = 2 + len(CANDIDATES) * find_optimal
    done = [0]

    def ran() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    runs = {}
    for name in ("sm2", "fsrs"):
        runs[name] = simulate(cards, name, days, model=model, retention=retention,
                              new_per_day=new_per_day, seconds_per_answer=seconds, seed=seed)
        ran()
    best = (optimal_retention(cards, days, model=model, new_per_day=new_per_day, seed=seed,
                              each=ran)
            if find_optimal else None)
    return Forecast(days, retention, seconds, new_per_day, len(cards),
                    sum(c.last is None for c in cards), runs["sm2"], runs["fsrs"], best)


def deck_forecast(store: Store, decks: DeckTree | None, *, days: int,
                  retention: float | None = None, new_per_day: int | None = None,
                  seed: int = 0, progress: Progress | None = None) -> Forecast:
    """The forecast for a deck with the decks under it (every deck with None), with what is
    not given taken from the deck's options (a parent's when it is only a name): its desired
    retention, its new cards a day, its fitted weights if it has them."""
    options = None if decks is None else store.options.of_tree(decks)
    weights = fsrs.DEFAULT_WEIGHTS
    if options is not None and options.fitted_params_id is not None:
        weights = store.scheduling.param_set(options.fitted_params_id).weights
    if retention is None:
        retention = options.desired_retention if options else fsrs.DEFAULT_RETENTION
    if new_per_day is None:
        new_per_day = options.new_per_day if options else store.settings.new_per_day
    return forecast(store, None if decks is None else decks.ids, days=days,
                    retention=retention, new_per_day=new_per_day, weights=weights, seed=seed,
                    find_optimal=True, progress=progress)


