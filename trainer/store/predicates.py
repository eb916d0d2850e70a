"""The study rules of trainer.rules as SQL conditions on card_state, one of each: maturity,
in play, buried, due and leech. The statistics and the search build their queries from these,
so that the SQL can never count by another rule than grading and the screens apply;
tests/test_rule_predicates.py checks each against its Python rule on a table of states.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    false,
    not_,
    or_,
    select,
)

from trainer.rules import LEECH_TAG, MATURE_DAYS, Maturity
from trainer.store.options import all_options
from trainer.store.schema import card_t, state_t, tag_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

_state = state_t.c


def in_play() -> ColumnElement[bool]:
    """rules.in_play: neither suspended nor retired."""
    return and_(_state.suspended.is_(False), _state.retired.is_(False))


def _new() -> ColumnElement[bool]:
    return and_(_state.due.is_(None), _state.reviews == 0)


def maturity(which: Maturity) -> ColumnElement[bool]:
    """rules.maturity(...) == which: new, learning (repetitions < 2), young or mature (an
    interval of MATURE_DAYS or more)."""
    if which == "new":
        return _new()
    seen = not_(_new())
    if which == "learning":
        return and_(seen, _state.repetitions < 2)
    grown = and_(seen, _state.repetitions >= 2)
    if which == "young":
        return and_(grown, _state.interval < MATURE_DAYS)
    return and_(grown, _state.interval >= MATURE_DAYS)


def _buried_in(states: FromClause, day: date) -> ColumnElement[bool]:
    # NULL (never buried) is not greater: not buried
    return states.c.buried_until > day


def buried(day: date) -> ColumnElement[bool]:
    """rules.buried: buried on ``day`` (the burying ends on the day it names)."""
    return _buried_in(state_t, day)


def buried_ids(day: date) -> Select[tuple[int]]:
    """The ids of the cards buried on ``day``, from the burying index: buried cards are few,
    and a query that tests each row's burying reads every row it keeps."""
    burying = state_t.alias("burying")
    return select(burying.c.card_id).where(_buried_in(burying, day))


def not_buried(day: date) -> ColumnElement[bool]:
    return or_(_state.buried_until.is_(None), _state.buried_until <= day)


def due(day: date) -> ColumnElement[bool]:
    """rules.due: scheduled for ``day`` or earlier, in play and not buried. Buried cards are
    few: left out by their own index, the rest is the queue index's (suspended, retired, due)
    alone, with no row read (is:due at 100,000 cards, 36,000 due, CPU: 120 ms testing each
    due card's burying, 63 ms so, as before buried cards were left out)."""
    return and_(in_play(), _state.due <= day, _state.card_id.not_in(buried_ids(day)))


def leech(thresholds: Mapping[int, int]) -> ColumnElement[bool]:
    """rules.leech: tagged `leech`, or as many lapses as its deck's threshold (``thresholds``:
    deck id -> leech_lapses, as leech_thresholds reads them). Decks are grouped by threshold,
    so that the usual collection, where every deck keeps the default, asks only lapses >= 8."""
    tagged = _state.card_id.in_(select(tag_t.c.card_id).where(tag_t.c.tag == LEECH_TAG))
    decks_at: dict[int, list[int]] = {}
    for deck_id, threshold in thresholds.items():
        decks_at.setdefault(threshold, []).append(deck_id)
    if len(decks_at) == 1:
        (threshold,) = decks_at
        return or_(tagged, _state.lapses >= threshold)
    lapsed = [and_(_state.lapses >= threshold, _state.card_id.in_(
        select(card_t.c.id).where(card_t.c.deck_id.in_(sorted(deck_ids)))))
        for threshold, deck_ids in sorted(decks_at.items())]
    return or_(tagged, *lapsed) if lapsed else or_(tagged, false())


def leech_thresholds(store: StoreContext, conn: Connection) -> dict[int, int]:
    """Each deck's leech threshold (its leech_lapses option, from wherever it is set)."""
    return {deck_id: o.leech_lapses for deck_id, o in all_options(store, conn).items()}
