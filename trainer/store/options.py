"""Deck options and "study more today".

An option applies from the first place that sets it: the app (or `trainer deck options`),
stored here; config.toml's ``[decks.KEY]``; the deck file's ``[deck]`` (new and review limits
only, stored on the deck by the import); else the deck's parent's option ("Spanish" for
"Spanish::Verbs", a parent's own the same way, up the tree; a parent that is only a name sets
nothing); else the settings' default. Re-importing a file never touches what the app set.

The scheduler and FSRS's settings are each deck's own, never inherited: a grade reads them
from its deck's row alone (trainer.store.log), and a parent sets them on every deck under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, select

from trainer.store.errors import NotFound
from trainer.store.records import OPTIONS, SEP, SETTABLE, DeckOptions, DeckTree
from trainer.store.schema import card_t, deck_t, more_t, option_t

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

FROM_FILE = ("new_per_day", "reviews_per_day")
# Set in trainer alone: a scheduler is chosen by switching (trainer.store.switch), which works
# out every card's state under it; the rest are FSRS's, kept beside it.
SCHEDULING = ("scheduler", "desired_retention", "maximum_interval", "fitted_params_id")
OWN = ("set in trainer", "config.toml", "deck file")  # where a deck sets an option itself


def inherited_from(name: str, options: DeckOptions, option: str) -> str:
    """Where a subdeck of the deck ``name`` finds ``option`` when it sets none itself:
    "from NAME" when the deck sets it, else where the deck found it ("default")."""
    where = options.origin[option]
    return f"from {name}" if where in OWN else where


def resolve(store: StoreContext, key: str | None, app: dict[str, Any],
            file: dict[str, Any], parent: tuple[str, DeckOptions] | None = None
            ) -> DeckOptions:
    """The options of the deck ``key`` (None: a parent that is only a name) from what the
    app and its file set, else from ``parent`` (its name and options)."""
    configured = store.settings.decks.get(key) if key is not None else None
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name in OPTIONS:
        for where, value in (("set in trainer", app.get(name)),
                             ("config.toml", getattr(configured, name, None)),
                             ("deck file", file.get(name))):
            if value is not None:
                values[name], origin[name] = value, where
                break
        else:
            if parent is not None:
                values[name] = getattr(parent[1], name)
                origin[name] = inherited_from(parent[0], parent[1], name)
            else:
                values[name], origin[name] = getattr(store.settings, name), "default"
    for name in SCHEDULING:
        if app.get(name) is not None:
            values[name], origin[name] = app[name], "set in trainer"
        else:
            origin[name] = "default"
    return DeckOptions(**values, origin=origin)


@dataclass(frozen=True, slots=True)
class Stored:
    """A deck's options as stored: its key and name, set in trainer, set by its deck file."""

    key: str
    name: str
    app: dict[str, Any]
    file: dict[str, Any]
    retired: bool


def ancestors(name: str) -> list[str]:
    """The names above ``name``, nearest first: "A::B::C" has "A::B", then "A"."""
    parts = name.split(SEP)
    return [SEP.join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def stored_options(conn: Connection, deck_ids: list[int] | None) -> dict[int, Stored]:
    """Each deck's options as stored, and the decks above them (their parents' options are
    theirs unless they set their own)."""
    found = _stored(conn, None if deck_ids is None else deck_t.c.id.in_(deck_ids))
    if deck_ids is not None:
        names = {n for s in found.values() for n in ancestors(s.name)}
        if names:
            found |= _stored(conn, and_(deck_t.c.name.in_(sorted(names)),
                                        deck_t.c.retired.is_(False)))
    return found


def _stored(conn: Connection, where: Any) -> dict[int, Stored]:
    query = select(deck_t.c.id, deck_t.c.key, deck_t.c.name, deck_t.c.retired,
                   deck_t.c.new_per_day, deck_t.c.reviews_per_day,
                   *[option_t.c[o] for o in (*OPTIONS, *SCHEDULING)]).outerjoin(
        option_t, option_t.c.deck_id == deck_t.c.id)
    if where is not None:
        query = query.where(where)
    out = {}
    for row in conn.execute(query):
        deck_id, key, name, retired, file_new, file_reviews, *app = row
        out[deck_id] = Stored(key, name, dict(zip((*OPTIONS, *SCHEDULING), app, strict=True)),
                              {"new_per_day": file_new, "reviews_per_day": file_reviews},
                              bool(retired))
    return out


class _Resolver:
    """Options resolved down the tree: a deck's parent's first, each parent once."""

    def __init__(self, store: StoreContext, stored: dict[int, Stored]) -> None:
        self.store = store
        self.stored = stored
        self.by_name: dict[str, int] = {}
        for deck_id, s in sorted(stored.items()):
            if not s.retired:
                self.by_name.setdefault(s.name, deck_id)
        self.done: dict[int, DeckOptions] = {}

    def parent(self, name: str) -> tuple[str, DeckOptions] | None:
        """The nearest deck above ``name``, with its options; None at the top."""
        for above in ancestors(name):
            if above in self.by_name:
                return above, self.of(self.by_name[above])
        return None

    def of(self, deck_id: int) -> DeckOptions:
        if deck_id not in self.done:
            s = self.stored[deck_id]
            self.done[deck_id] = resolve(self.store, s.key, s.app, s.file, self.parent(s.name))
        return self.done[deck_id]


def all_options(store: StoreContext, conn: Connection) -> dict[int, DeckOptions]:
    """Every deck's options, by deck id."""
    resolver = _Resolver(store, stored_options(conn, None))
    return {deck_id: resolver.of(deck_id) for deck_id in resolver.stored}


def options_of_card(store: StoreContext, conn: Connection, card_id: int) -> DeckOptions:
    """The options of a card's deck, inside the caller's transaction."""
    deck_id = conn.execute(select(card_t.c.deck_id).where(card_t.c.id == card_id)).scalar_one()
    return _Resolver(store, stored_options(conn, [deck_id])).of(deck_id)


def resolved_options(store: StoreContext, conn: Connection,
                     deck_ids: list[int]) -> dict[int, DeckOptions]:
    """The options of the decks, inside the caller's transaction."""
    resolver = _Resolver(store, stored_options(conn, deck_ids))
    missing = [d for d in deck_ids if d not in resolver.stored]
    if missing:
        raise NotFound(f"no deck with id {missing[0]}")
    return {d: resolver.of(d) for d in deck_ids}


def deck_options(store: StoreContext, deck_id: int) -> DeckOptions:
    with store.reading() as conn:
        return resolved_options(store, conn, [deck_id])[deck_id]


def decks_options(store: StoreContext, deck_ids: list[int]) -> dict[int, DeckOptions]:
    """Each deck's options as they apply (a parent's and its subdecks', to say which
    applies where)."""
    with store.reading() as conn:
        return resolved_options(store, conn, deck_ids)


def tree_options(store: StoreContext, tree: DeckTree) -> DeckOptions:
    """The options of a deck, or of a parent that is only a name: what its subdecks find
    when they set none themselves (its own parent's, else the defaults)."""
    if tree.deck is not None:
        return deck_options(store, tree.deck.id)
    with store.reading() as conn:
        names = ancestors(tree.name)
        stored = _stored(conn, and_(deck_t.c.name.in_(names), deck_t.c.retired.is_(False))
                         ) if names else {}
        stored = stored_options(conn, list(stored)) if stored else {}
    return resolve(store, None, {}, {}, _Resolver(store, stored).parent(tree.name))


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
