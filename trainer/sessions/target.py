"""What a study session studies: every deck, one deck with its subdecks ("Parent::Child"), or
the subdecks of a parent that is only a name (nested decks whose parent was never a deck of
its own). The deck list, the command palette and `trainer study [DECK]` all name one."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.render.deck_tree import subtree
from trainer.sessions.study import StudySession
from trainer.store import Deck, Store

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


def study_session(store: Store, target: StudyTarget) -> tuple[StudySession | None, str]:
    """A session of ``target``'s cards due today, and its title (the deck's name); None for a
    parent name none of whose decks is left. StoreError when the deck is not found."""
    names = dict((name, key) for key, name in store.decks.names())
    deck: Deck | None = None
    if isinstance(target, AllDecks):
        title = ALL_DECKS
    elif isinstance(target, OneDeck):
        deck = store.decks.find(target.key)
        title = deck.name
    else:
        title = target.name
    under = [] if isinstance(target, AllDecks) else subtree(title, list(names))
    ids = tuple(store.decks.find(names[n]).id for n in under)
    if isinstance(target, ParentName) and not ids:
        return None, title
    return StudySession(store, deck, subdecks=ids), title
