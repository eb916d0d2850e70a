"""Deck options and "study more today".

An option applies from the first place that sets it: the app (or `trainer deck options`),
stored here; config.toml's ``[decks.KEY]``; the deck file's ``[deck]`` (new and review limits
only, stored on the deck by the import); the settings' default. Re-importing a file never
touches what the app set.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from trainer.store.errors import NotFound
from trainer.store.records import OPTIONS, SETTABLE, DeckOptions
from trainer.store.schema import card_t, deck_t, more_t, option_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

FROM_FILE = ("new_per_day", "reviews_per_day")
# Set in trainer alone: a scheduler is chosen by switching (trainer.store.switch), which works
# out every card's state under it; the rest are FSRS's, kept beside it.
SCHEDULING = ("scheduler", "desired_retention", "maximum_interval", "fitted_params_id")


def resolve(store: StoreContext, key: str, app: dict[str, Any],
            file: dict[str, Any]) -> DeckOptions:
    """The options of the deck ``key`` from what the app and its file set."""
    configured = store.settings.decks.get(key)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name in OPTIONS:
        for where, value in (("set in trainer", app.get(name)),
                             ("config.toml", getattr(configured, name, None)),
                             ("deck file", file.get(name)),
                             ("default", getattr(store.settings, name))):
            if value is not None:
                values[name], origin[name] = value, where
                break
    for name in SCHEDULING:
        if app.get(name) is not None:
            values[name], origin[name] = app[name], "set in trainer"
        else:
            origin[name] = "default"
    return DeckOptions(**values, origin=origin)


Stored = tuple[str, dict[str, Any], dict[str, Any]]  # deck key, set in trainer, deck file


def stored_options(conn: Connection, deck_ids: list[int] | None) -> dict[int, Stored]:
    """Each deck's key and its options as stored: set in trainer, and by its deck file."""
    query = select(deck_t.c.id, deck_t.c.key, deck_t.c.new_per_day, deck_t.c.reviews_per_day,
                   *[option_t.c[o] for o in (*OPTIONS, *SCHEDULING)]).outerjoin(
        option_t, option_t.c.deck_id == deck_t.c.id)
    if deck_ids is not None:
        query = query.where(deck_t.c.id.in_(deck_ids))
    out = {}
    for row in conn.execute(query):
        deck_id, key, file_new, file_reviews, *app = row
        out[deck_id] = (key, dict(zip((*OPTIONS, *SCHEDULING), app, strict=True)),
                        {"new_per_day": file_new, "reviews_per_day": file_reviews})
    return out


def all_options(store: StoreContext, conn: Connection) -> dict[int, DeckOptions]:
    """Every deck's options, by deck id."""
    return {deck_id: resolve(store, key, app, file)
            for deck_id, (key, app, file) in stored_options(conn, None).items()}


def options_of_card(store: StoreContext, conn: Connection, card_id: int) -> DeckOptions:
    """The options of a card's deck, inside the caller's transaction."""
    deck_id = conn.execute(select(card_t.c.deck_id).where(card_t.c.id == card_id)).scalar_one()
    key, app, file = stored_options(conn, [deck_id])[deck_id]
    return resolve(store, key, app, file)


def deck_options(store: StoreContext, deck_id: int) -> DeckOptions:
    with store.reading() as conn:
        found = stored_options(conn, [deck_id])
    if deck_id not in found:
        raise NotFound(f"no deck with id {deck_id}")
    key, app, file = found[deck_id]
    return resolve(store, key, app, file)


def set_deck_options(store: StoreContext, /, deck_id: int, **values: Any) -> DeckOptions:
    """Set options in the app's own place; a value of None unsets it."""
    unknown = set(values) - set(SETTABLE)
    if unknown:
        raise ValueError(f"unknown deck options: {', '.join(sorted(unknown))}")
    retention = values.get("desired_retention")
    if retention is not None and not 0.7 <= retention <= 0.99:
        raise ValueError("desired retention must be from 0.70 to 0.99")
    lapses = values.get("leech_lapses")
    if lapses is not None and not 1 <= lapses <= 1000:  # as config.toml has it
        raise ValueError("leech lapses must be from 1 to 1000")
    longest = values.get("maximum_interval")
    if longest is not None and not 1 <= longest <= 36500:
        raise ValueError("the maximum interval must be from 1 to 36500 days")
    with store.transaction() as conn:
        write_options(conn, deck_id, values)
    return deck_options(store, deck_id)


def write_options(conn: Connection, deck_id: int, values: dict[str, Any]) -> None:
    """Write options in the app's own place inside the caller's transaction."""
    exists = conn.execute(select(option_t.c.deck_id).where(
        option_t.c.deck_id == deck_id)).first()
    if exists:
        conn.execute(option_t.update().where(option_t.c.deck_id == deck_id).values(values))
    else:
        conn.execute(option_t.insert().values(deck_id=deck_id, **values))


def set_fitted_params(store: StoreContext, deck_id: int, params_id: int | None) -> None:
    """The deck's FSRS weights from now on: a fitted set (trainer optimize), or None for
    FSRS's defaults."""
    with store.transaction() as conn:
        write_options(conn, deck_id, {"fitted_params_id": params_id})


def study_more(store: StoreContext, deck_id: int, *, new: int = 0, reviews: int = 0,
               day: date | None = None) -> tuple[int, int]:
    """Raise today's new and review limits of one deck; returns today's extra (new, reviews)."""
    if new < 0 or reviews < 0:
        raise ValueError("study more takes counts of 0 or more")
    day = day or store.today()
    with store.transaction() as conn:
        found = conn.execute(select(more_t.c.new, more_t.c.reviews).where(
            more_t.c.deck_id == deck_id, more_t.c.study_day == day)).first()
        total = (new + (found[0] if found else 0), reviews + (found[1] if found else 0))
        if found:
            conn.execute(more_t.update().where(
                more_t.c.deck_id == deck_id, more_t.c.study_day == day).values(
                new=total[0], reviews=total[1]))
        else:
            conn.execute(more_t.insert().values(deck_id=deck_id, study_day=day, new=total[0],
                                                reviews=total[1]))
    return total


def extra_today(conn: Connection, day: date) -> dict[int, tuple[int, int]]:
    """Each deck's "study more" for ``day``: (new, reviews)."""
    return {d: (n, r) for d, n, r in conn.execute(
        select(more_t.c.deck_id, more_t.c.new, more_t.c.reviews).where(
            more_t.c.study_day == day))}
