"""The card browser's state and actions without a screen (BrowseSession): search and sort,
the selection, each action on one card or many and its words, undo through the one undo stack, and
the checks on what the student types."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import Clock, basic_deck, import_bytes
from trainer.query import QueryError, parse
from trainer.sessions.browse import BrowseSession, Done
from trainer.settings import Settings
from trainer.store import Store, open_store


def seeded(url: str) -> Store:
    store = open_store(url, settings=Settings(timezone="UTC"), clock=Clock())
    import_bytes(store, basic_deck("d", 4))
    import_bytes(store, basic_deck("e", 1))
    return store


def searched(session: BrowseSession) -> list[str]:
    """Search as the screen does; the prompts found, in order."""
    session.found(session.find(session.parsed()))
    return [row.prompt for row in session.rows()]


def test_search_sort_status_and_rows(db_url):
    store = seeded(db_url)
    ids = [c.id for c in store.cards.of_deck(store.decks.find("d").id)]
    store.reviews.record(ids[1], 4)
    session = BrowseSession(store, "deck:d")
    assert searched(session) == ["q0", "q1", "q2", "q3"]
    assert session.status() == "4 cards · sorted by deck"
    row = session.rows()[1]
    assert (row.deck, row.kind, row.due, row.interval, row.ease, row.reviews, row.dim) == (
        "d", "basic", (store.today() + timedelta(days=1)).isoformat(), 1, "2.50", 1, False)
    assert session.rows()[0].due == "new"

    session.new_query("a1 or a3")
    assert searched(session) == ["q1", "q3"]
    assert not session.sort_by("select")  # the selection's column does not sort
    assert session.sort_by("prompt") and session.sort_by("prompt")  # again: descending
    assert searched(session) == ["q3", "q1"]
    assert session.status() == "2 cards · sorted by prompt (descending)"
    session.next_sort()
    assert (session.sort, session.descending) == ("kind", False)

    session.new_query("is:bogus")
    with pytest.raises(QueryError):
        session.parsed()
    detail = session.detail(ids[1])
    assert ("card", "d/d1") in detail.main and detail.state.startswith("repetitions 1")
    assert len(detail.history) == 1 and "scheduled" in detail.history[0]
    store.close()


def test_the_selection_chooses_the_cards_an_action_changes(db_url):
    store = seeded(db_url)
    session = BrowseSession(store, "deck:d")
    searched(session)
    first, second = session.card_at(0), session.card_at(1)
    assert session.card_at(4) is None
    assert session.targets(second) == [second]  # nothing selected: the cursor's card
    assert session.toggle_select(second) and session.toggle_select(first)
    assert session.targets(None) == [first, second]  # in the table's order
    assert session.rows()[0].selected and session.status().endswith(" · 2 selected")
    assert session.selected_status("4 cards · sorted by deck · 1 selected") == (
        "4 cards · sorted by deck · 2 selected")
    assert not session.toggle_select(first)
    session.select_all()
    assert len(session.selected) == 4
    session.select_all()  # all were selected: none now
    assert not session.selected
    session.toggle_select(first)
    session.new_query("deck:e")  # a new search forgets the selection
    assert not session.selected
    store.close()


def test_each_action_is_one_undoable_change(db_url):
    store = seeded(db_url)
    d = store.decks.find("d")
    ids = [c.id for c in store.cards.of_deck(d.id)]
    session = BrowseSession(store, "deck:d")
    searched(session)

    pending = session.suspend(ids[:2])
    assert pending.question == "Suspend 2 cards?"
    session.toggle_select(ids[0])
    assert session.perform(pending) == Done("Suspend: 2 cards")
    assert not session.selected  # done: the selection goes
    assert all(store.cards.state(i).suspended for i in ids[:2])
    searched(session)
    assert [r.due for r in session.rows()][:2] == ["suspended", "suspended"]
    assert session.rows()[0].dim
    # every one suspended: the same key unsuspends
    assert session.suspend(ids[:2]).verb == "Unsuspend"
    assert session.perform(session.suspend(ids[:1])) == Done("Unsuspend: 1 card")
    assert session.undo().label == "unsuspending 'q0'"
    assert session.undo().label == "the suspension of 2 cards"
    assert not any(store.cards.state(i).suspended for i in ids[:2])

    assert session.perform(session.bury(ids[:1])) == Done("Bury: 1 card")
    searched(session)
    assert session.rows()[0].due == "buried"
    assert session.bury(ids[:1]).verb == "Unbury"
    assert session.perform(session.reset(ids[1:2])) == Done(
        "Nothing to reset to new: already so.", undoable=False)
    assert session.perform(session.reschedule(ids[2:3], "3")) == Done("Due in 3 days: 1 card")
    assert store.cards.state(ids[2]).due == store.today() + timedelta(days=3)
    assert session.perform(session.move(ids[3:], "e")) == Done("Moved 1 card to e")
    assert store.cards.get(ids[3]).deck_id == store.decks.find("e").id
    assert session.perform(session.tag(ids[:2], "hard", add=True)) == Done(
        "Tagged 2 cards hard")
    assert session.perform(session.tag(ids[2:3], "hard", add=False)) is None  # had none
    assert session.perform(session.retire(ids[:1])) == Done("Deleted (retired) 1 card")
    assert store.cards.is_retired(ids[0])
    # the reset and the untagging changed nothing: nothing of theirs is on the stack
    assert [session.undo().label for _ in range(5)] == [
        "deleting 'q0'", "tagging 2 cards hard", "moving 'q3' to deck 'Deck e'",
        "the rescheduling of 'q2'", "the burying of 'q0'"]
    assert not store.cards.is_retired(ids[0]) and store.cards.get(ids[3]).deck_id == d.id
    assert store.cards.state(ids[0]).buried_until is None
    assert session.undo() is None  # the one undo stack, taken back to its start
    store.close()


def test_what_the_student_types_is_checked(db_url):
    store = seeded(db_url)
    session = BrowseSession(store)
    assert session.days_problem("0") is None and session.days_problem("36500") is None
    assert session.days_problem("36501") == session.days_problem("x") == (
        "a whole number of days from 0 (today) to 36,500")
    assert session.deck_problem("e") is None and session.deck_problem("Deck e") is None
    assert session.deck_problem("nosuch")
    assert session.tag_problem("hard", add=True) is None
    assert session.tag_problem("two words", add=True)
    assert session.tag_problem("two words", add=False) == "a tag is one word without spaces"
    assert session.deck_of(store.cards.of_deck(store.decks.find("e").id)[0].id).key == "e"
    assert searched(session) == ["q0", "q1", "q2", "q3", "q0"]  # an empty search: every card
    assert parse("") is None
    store.close()
