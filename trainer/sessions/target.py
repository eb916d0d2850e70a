"""What a study session studies: every deck, one deck with its subdecks ("Parent::Child"), or
the subdecks of a parent that is only a name (nested decks whose parent was never a deck of
its own). The deck list, the command palette and `trainer study [DECK]` all name one."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.sessions.study import StudySession
from trainer.store import DeckTree, Store
from trainer.store.errors import NotFound

ALL_DECKS = "All decks"


@dataclass(frozen=True)
class AllDecks:
    """Every deck: today's whole plan."""

    @property
    def search(self) -> str:
        """The browser's search for these cards: every card."""
        return ""


@dataclass(frozen=True)
class OneDeck:
    """The deck of ``key``, with its subdecks."""

    key: str

    @property
    def search(self) -> str:
        """The browser's search for the deck's cards."""
        return f"deck:{self.key}"


@dataclass(frozen=True)
class ParentName:
    """The subdecks of ``name``, a parent that is only a name: no deck, no card of its own."""

    name: str

    @property
    def search(self) -> str:
        """The browser's search for the cards of every deck under the name."""
        return f'deck:"{self.name}::*"'


StudyTarget = AllDecks | OneDeck | ParentName


def deck_or_all(key: str | None) -> StudyTarget:
    """The deck of ``key``; every deck when there is no key (`trainer study` alone)."""
    return AllDecks() if key is None else OneDeck(key)


def target_of(tree: DeckTree) -> OneDeck | ParentName:
    """What a deck argument names, as a target: the deck (with its subdecks), or a parent
    that is only a name."""
    return OneDeck(tree.deck.key) if tree.deck is not None else ParentName(tree.name)


def tree_of(store: Store, target: StudyTarget) -> DeckTree | None:
    """The decks of ``target``: None for every deck. StoreError when the deck is gone."""
    if isinstance(target, AllDecks):
        return None
    if isinstance(target, OneDeck):
        return store.decks.tree(target.key)
    return store.decks.tree(target.name, by_name=True)


def study_session(store: Store, target: StudyTarget) -> tuple[StudySession | None, str]:
    """A session of ``target``'s cards due today, and its title (the deck's name); None for a
    parent name none of whose decks is left. StoreError when the deck is not found."""
    if isinstance(target, ParentName):
        try:
            tree = tree_of(store, target)
        except NotFound:
            return None, target.name
    else:
        tree = tree_of(store, target)
    if tree is None:
        return StudySession(store, None, subdecks=()), ALL_DECKS
    ids = tuple(d.id for d in tree.subdecks)
    if tree.deck is None and not ids:
        return None, tree.name
    return StudySession(store, tree.deck, subdecks=ids), tree.name
