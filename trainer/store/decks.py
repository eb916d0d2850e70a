"""Decks: find one by key or name (or id), create one, list the tags in use.

Ordinary reads a person waits on once, so they go through an ORM session and ``select``.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from trainer.formats.limits import key_problems, name_problems
from trainer.store import convert, schema
from trainer.store.errors import NotFound, StoreError
from trainer.store.records import SEP, Deck, DeckTree

if TYPE_CHECKING:
    from trainer.store.context import StoreContext

MENTIONED = 5  # a parent's decks named in a message, before "and N more"


def find_deck(store: StoreContext, ref: str, *, deleted: bool = False) -> Deck:
    """A deck by key, else by a former key (a renamed deck's), else by a unique name; a
    deleted deck only if ``deleted``. A one-line error naming the problem otherwise."""
    with store.session() as session:
        found = _by_key(session, ref, deleted)
        if found is not None:
            return found
        named = _named(session, ref, deleted)
    if len(named) == 1:
        return named[0]
    if named:
        keys = ", ".join(sorted(d.key for d in named))
        raise StoreError(f"deck name {ref!r} is ambiguous; use a key: {keys}")
    tree = None
    with suppress(StoreError):
        tree = find_tree(store, ref, deleted=deleted)
    if tree is not None and tree.deck is None:
        shown = [d.name for d in tree.subdecks[:MENTIONED]]
        more = len(tree.subdecks) - len(shown)
        raise NotFound(f"{tree.name!r} is a parent, not a deck: name one of its decks, "
                       f"{', '.join(shown)}" + (f" and {more} more" if more > 0 else ""))
    raise NotFound(f"no deck with key or name {ref!r}; `trainer decks` lists them")


def _by_key(session: Session, ref: str, deleted: bool) -> Deck | None:
    found = session.exec(select(schema.Deck).where(schema.Deck.key == ref)).first()
    if found is None:
        alias = session.get(schema.DeckAlias, ref)
        found = session.get(schema.Deck, alias.deck_id) if alias else None
    return convert.deck(found) if found is not None and (deleted or not found.retired) else None


def _named(session: Session, ref: str, deleted: bool) -> list[Deck]:
    """The decks named ``ref``; if none, those whose name is ``ref`` with another case
    ("xi & putin 3: who said what" finds "Xi & Putin 3: who said what")."""
    named = session.exec(select(schema.Deck).where(
        schema.Deck.name == ref, col(schema.Deck.retired).is_(deleted))).all()
    if not named:
        named = [d for d in session.exec(select(schema.Deck).where(
            col(schema.Deck.retired).is_(deleted))).all()
            if d.name.casefold() == ref.casefold()]
    return [convert.deck(d) for d in named]


def find_tree(store: StoreContext, ref: str, *, deleted: bool = False,
              by_name: bool = False) -> DeckTree:
    """What a deck argument names: a deck (by key, former key or name, as ``find_deck``)
    with the decks under it, else a parent that is only a name ("Spanish" when the decks
    are "Spanish::Verbs" and "Spanish::Nouns"; its case may differ) with its subdecks. A
    deck named ``ref`` exactly wins over a parent, and a parent named exactly over a deck
    whose name differs only in case. Deleted decks only with ``deleted``; ``by_name``: ``ref``
    is a name (a deck list's row), never a key."""
    with store.session() as session:
        every = [convert.deck(d) for d in session.exec(select(schema.Deck).where(
            col(schema.Deck.retired).is_(deleted))).all()]
        deck = None if by_name else _by_key(session, ref, deleted)
    parents = {SEP.join(parts[:i]) for parts in (d.name.split(SEP) for d in every)
               for i in range(1, len(parts))} - {d.name for d in every}
    if deck is not None:
        return _tree(deck.name, deck, every)
    for same in (str.__str__, str.casefold):  # the exact name first, then another case
        decks = [d for d in every if same(d.name) == same(ref)]
        names = sorted(p for p in parents if same(p) == same(ref))
        if len(decks) + len(names) == 1:
            return _tree(decks[0].name, decks[0], every) if decks else _tree(
                names[0], None, every)
        if decks or names:
            either = ", ".join([*sorted(d.key for d in decks), *map(repr, names)])
            how = "a key or the exact name" if names else "a key"
            raise StoreError(f"deck name {ref!r} is ambiguous; use {how}: {either}")
    raise NotFound(f"no deck with key or name {ref!r}; `trainer decks` lists them")


def _tree(name: str, deck: Deck | None, every: list[Deck]) -> DeckTree:
    under = sorted((d for d in every if d.name.startswith(name + SEP)),
                   key=lambda d: [p.casefold() for p in d.name.split(SEP)])
    return DeckTree(name, deck, tuple(under))


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


def parent_deck(store: StoreContext, name: str) -> Deck:
    """The deck of the parent ``name``, made (empty, its key from its name) when the parent
    is only a name: where a parent keeps the options its subdecks inherit."""
    from trainer.formats.delimited import slugify

    tree = find_tree(store, name, by_name=True)
    if tree.deck is not None:
        return tree.deck
    with store.session() as session:
        taken = {*session.exec(select(schema.Deck.key)).all(),
                 *session.exec(select(schema.DeckAlias.key)).all()}
    stem = slugify(tree.name)
    key = next(k for k in (stem if n == 1 else f"{stem[:95]}-{n}" for n in range(1, 10**6))
               if k not in taken)
    return create_deck(store, key, tree.name)


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
