"""The end-of-session summary counts what is due tomorrow in the scope studied: a parent deck
and its subdecks, not every deck (issue 30: studying a parent, "Due tomorrow" said 112, the
whole collection; a leaf deck was right)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import LONDON, Clock, basic_deck, import_bytes
from trainer.sessions.study import StudySession
from trainer.store import open_store


@pytest.fixture
def store(db_url):
    """Geo (itself a deck, 1 card), Geo::Europe (2), Geo::Asia (1) and Other (3). Other's
    cards were answered earlier today: they are due tomorrow, and must not be counted when a
    Geo scope is studied."""
    store = open_store(db_url, settings=LONDON, clock=Clock())
    import_bytes(store, basic_deck("other", 3, "Other"))
    import_bytes(store, basic_deck("geo", 1, "Geo"))
    import_bytes(store, basic_deck("eu", 2, "Geo::Europe"))
    import_bytes(store, basic_deck("asia", 1, "Geo::Asia"))
    for card in store.cards.of_deck(store.decks.find("other").id):
        store.reviews.record(card.id, 5)
    yield store
    store.close()


def _study_all(session: StudySession) -> None:
    while not session.finished:
        session.view()
        session.grade(5)


def _subdecks(store, *keys: str) -> tuple[int, ...]:
    return tuple(store.decks.find(k).id for k in keys)


def test_a_parent_that_is_only_a_name_counts_its_subdecks_due_tomorrow(store):
    """Geo::Europe and Geo::Asia studied through their parent "Geo" when Geo is only a name:
    the 3 cards they answered are due tomorrow, and Other's 3 are not in the count."""
    tomorrow = store.today() + timedelta(days=1)
    session = StudySession(store, None, subdecks=_subdecks(store, "eu", "asia"))
    _study_all(session)
    summary = session.summary()
    assert summary.studied == 3
    assert (summary.next_due, summary.due_tomorrow) == (tomorrow, 3)


def test_a_parent_deck_counts_itself_and_its_subdecks_due_tomorrow(store):
    """Geo is a deck too: studying it studies its subdecks, and their 4 cards (not Other's)
    are due tomorrow."""
    tomorrow = store.today() + timedelta(days=1)
    session = StudySession(store, store.decks.find("geo"),
                           subdecks=_subdecks(store, "eu", "asia"))
    _study_all(session)
    summary = session.summary()
    assert summary.studied == 4
    assert (summary.next_due, summary.due_tomorrow) == (tomorrow, 4)


def test_a_leaf_deck_counts_its_own_cards_due_tomorrow(store):
    """What is already right: a deck without subdecks."""
    tomorrow = store.today() + timedelta(days=1)
    session = StudySession(store, store.decks.find("eu"))
    _study_all(session)
    summary = session.summary()
    assert (summary.studied, summary.next_due, summary.due_tomorrow) == (2, tomorrow, 2)
