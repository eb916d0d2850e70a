"""What a study session studies (StudyTarget): every deck, a deck with its subdecks, the
subdecks of a parent that is only a name; and the browser's search for the same cards."""

from __future__ import annotations

import pytest

from tests.helpers import Clock, basic_deck, import_bytes
from trainer.sessions.target import (
    AllDecks,
    OneDeck,
    ParentName,
    deck_or_all,
    study_session,
)
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.errors import StoreError


def test_each_target_studies_its_own_cards(db_url):
    store = open_store(db_url, settings=Settings(timezone="UTC"), clock=Clock())
    import_bytes(store, basic_deck("other", 3, "Other"))
    import_bytes(store, basic_deck("hist", 1, "Hist"))
    import_bytes(store, basic_deck("hist-old", 2, "Hist::Old"))
    import_bytes(store, basic_deck("eu", 2, "Geo::Europe"))
    import_bytes(store, basic_deck("asia", 1, "Geo::Asia"))

    def studied(target) -> tuple[str, int]:
        session, title = study_session(store, target)
        assert session is not None
        return title, len(session.queue)

    assert studied(AllDecks()) == ("All decks", 9)
    assert studied(OneDeck("hist")) == ("Hist", 3)  # with its subdeck
    assert studied(OneDeck("eu")) == ("Geo::Europe", 2)
    assert studied(ParentName("Geo")) == ("Geo", 3)  # a name: its subdecks alone
    assert study_session(store, ParentName("Gone")) == (None, "Gone")
    with pytest.raises(StoreError):
        study_session(store, OneDeck("nosuch"))
    assert deck_or_all(None) == AllDecks() and deck_or_all("eu") == OneDeck("eu")
    assert [t.search for t in (AllDecks(), OneDeck("eu"), ParentName("Geo"))] == [
        "", "deck:eu", 'deck:"Geo::*"']
    store.close()
