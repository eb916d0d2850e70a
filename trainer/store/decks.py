"""Decks: find one by key or name (or id), create one, list the tags in use.

Ordinary reads a person waits on once, so they go through an ORM session and ``select``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from trainer.formats.limits import key_problems, name_problems
from trainer.store import convert, schema
from trainer.store.errors import NotFound, StoreError
from trainer.store.records import Deck

if TYPE_CHECKING:
    from trainer.store.context import StoreContext


def find_deck(store: StoreContext, ref: str, *, deleted: bool = False) -> Deck:
    """A deck by key, else by a former key (a renamed deck's), else by a unique name; a
    deleted deck only if ``deleted``. A one-line error naming the problem otherwise."""
    with store.session() as session:
        found = session.exec(select(schema.Deck).where(schema.Deck.key == ref)).first()
        if found is None:
            alias = session.get(schema.DeckAlias, ref)
            found = session.get(schema.Deck, alias.deck_id) if alias else None
        if found is not None and (deleted or not found.retired):
            return convert.deck(found)
        named = session.exec(select(schema.Deck).where(
            schema.Deck.name == ref, col(schema.Deck.retired).is_(deleted))).all()
        if not named:  # "xi & putin 3: who said what" finds "Xi & Putin 3: who said what"
            named = [d for d in session.exec(select(schema.Deck).where(
                col(schema.Deck.retired).is_(deleted))).all()
                if d.name.casefold() == ref.casefold()]
        if len(named) == 1:
            return convert.deck(named[0])
    if named:
        keys = ", ".join(sorted(d.key for d in named))
        raise StoreError(f"deck name {ref!r} is ambiguous; use a key: {keys}")
    raise NotFound(f"no deck with key or name {ref!r}; `trainer decks` lists them")


def deck_names(store: StoreContext) -> list[tuple[str, str]]:
    """(key, name) of every deck not deleted, by name: a scope list's entries."""
    with store.session() as session:
        rows = session.exec(select(schema.Deck.key, schema.Deck.name).where(
            col(schema.Deck.retired).is_(False))).all()
    return sorted(((k, n) for k, n in rows), key=lambda r: (r[1].casefold(), r[0]))


def deck(store: StoreContext, deck_id: int) -> Deck:
    with store.session() as session:
        found = session.get(schema.Deck, deck_id)
        if found is None:
            raise NotFound(f"deck {deck_id} is no longer in the database")
        return convert.deck(found)


def create_deck(
    store: StoreContext, key: str, name: str, *, description: str = "", source: str = "",
    tags: tuple[str, ...] = (),
) -> Deck:
    """A new, empty deck."""
    deck_key_checked(key)
    deck_name_checked(name)
    now = convert.utc(store.now())
    with store.transaction() as conn:
        inserted = conn.execute(schema.deck_t.insert().values(
            key=key, name=name, description=description, source=source, tags=" ".join(tags),
            created_at=now, updated_at=now,
        )).inserted_primary_key
        assert inserted is not None
        deck_id = inserted[0]
    return Deck(id=int(deck_id), key=key, name=name, description=description, source=source,
                tags=tuple(tags), created_at=now, updated_at=now)


def deck_name_checked(name: str) -> None:
    problems = name_problems(name)
    if problems:
        raise StoreError(*[f"a deck's name: {p}" for p in problems])


def deck_key_checked(key: str) -> None:
    problems = key_problems(key)
    if problems:
        raise StoreError(*[f"{key[:60]!r} is not a deck key: {p}" for p in problems])


def tags(store: StoreContext) -> list[str]:
    """Every tag in use, sorted."""
    with store.session() as session:
        return list(session.exec(select(schema.CardTag.tag).distinct().order_by(
            schema.CardTag.tag)).all())
