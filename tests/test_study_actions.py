"""Study every day (2): undo of suspending and burying, choices and repeats, per-deck
options, leeches, the buried back the next day. Each test names the problem a student met."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from textual.widgets import DataTable

from tests.helpers import Clock, basic_deck, import_bytes
from tests.tui_helpers import make_app, settle
from trainer.answers import choice_options
from trainer.sessions import StudySession
from trainer.settings import DeckSettings, Settings
from trainer.store import open_store
from trainer.store.queue import due_queue
from trainer.store.replay import rebuild_states
from trainer.tui.screens.study import StudyScreen

UTC = Settings(timezone="UTC")


def two_decks(clock: Clock | None = None, settings: Settings = UTC, url: str | None = None):
    store = open_store(url, settings=settings, clock=clock or Clock())
    import_bytes(store, basic_deck("one", 25, "Deck one"))
    import_bytes(store, basic_deck("two", 25, "Deck two"))
    return store


def row(table: DataTable, key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


# -- 3. undo of every action ---------------------------------------------------------------

async def test_suspend_and_bury_work_on_the_question_side_and_undo_takes_them_back():
    store = open_store(settings=UTC, clock=Clock())
    import_bytes(store, basic_deck("u", 5))
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="u")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.mode == "answering"
        first = screen.session.current.card_id
        await pilot.press("exclamation_mark")
        assert store.cards.state(first).suspended and screen.session.current.card_id != first
        second = screen.session.current.card_id
        await pilot.press("minus")
        assert store.cards.state(second).buried_until is not None
        await pilot.press("ctrl+z")
        assert store.cards.state(second).buried_until is None
        assert screen.session.current.card_id == second
        assert any("Took back the burying" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+z")
        assert not store.cards.state(first).suspended
        assert screen.session.current.card_id == first
        assert any("Took back the suspension" in str(n.message) for n in app._notifications)
    assert rebuild_states(store) == 0
    store.close()


# -- 4. choices and repeats ----------------------------------------------------------------

def test_the_right_option_moves_between_showings():
    positions = [choice_options("Amur", ["Volga", "Yangtze", "Moskva"], 12345, showing)
                 .index("Amur") for showing in range(8)]
    assert all(a != b for a, b in itertools.pairwise(positions))
    assert sorted(set(positions)) == [0, 1, 2, 3]


def test_a_failed_card_comes_back_ten_cards_later_or_last():
    store = open_store(settings=UTC, clock=Clock())
    import_bytes(store, basic_deck("r", 25))
    session = StudySession(store, store.decks.find("r"))
    failed = session.current.card_id
    session.grade(1)
    shown = 0
    while session.current.card_id != failed:
        session.grade(5)
        shown += 1
    assert shown == 10
    session.grade(2)
    while len(session.queue) > 1:
        assert session.current.card_id != failed
        session.grade(5)
    assert session.current.card_id == failed  # fewer than ten left: at the end
    store.close()


# -- per-deck options ----------------------------------------------------------------------

def test_deck_options_come_from_the_app_then_config_then_the_file_then_the_default():
    with_config = Settings(timezone="UTC", decks={"p": DeckSettings(new_per_day=7)})
    store = open_store(settings=with_config, clock=Clock())
    file = basic_deck("p", 30).replace(b'name = "Deck p"', b'name = "Deck p"\nnew_per_day = 10')
    import_bytes(store, file)
    deck = store.decks.find("p")
    options = store.options.of(deck.id)
    assert (options.new_per_day, options.origin["new_per_day"]) == (7, "config.toml")
    store.settings = UTC
    assert store.options.of(deck.id).new_per_day == 10  # the deck file's
    store.options.set(deck.id, new_per_day=5)
    import_bytes(store, file.replace(b"new_per_day = 10", b"new_per_day = 12"))
    assert store.options.of(deck.id).new_per_day == 5  # re-importing never overrides it
    assert StudySession(store, deck).counts()["new"] == 5
    store.close()


async def test_the_options_dialog_saves_what_changed_and_study_more_raises_today():
    store = two_decks()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        new = app.screen.query_one("#new_per_day")
        new.value = "abc"
        await pilot.press("ctrl+s")
        assert "whole number" in str(app.screen.query_one("#options-problem").render())
        new.value = "4"
        app.screen.query_one("#more_reviews").value = "0"
        app.screen.query_one("#more_new").value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert row(table, "one")[1] == "6"  # 4 a day, 2 more today
    options = store.options.of(store.decks.find("one").id)
    assert options.origin["new_per_day"] == "set in trainer"
    assert options.origin["reviews_per_day"] == "default"  # untouched: not saved
    store.close()


# -- leeches -------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["suspend", "tag"])
def test_a_leech_is_tagged_and_suspended_and_undo_reverts_it(action, db_url):
    clock = Clock()
    store = open_store(db_url, settings=UTC, clock=clock)
    import_bytes(store, basic_deck("l", 1))
    deck = store.decks.find("l")
    store.options.set(deck.id, leech_lapses=2, leech_action=action)
    cid = store.cards.of_deck(deck.id)[0].id
    for _ in range(2):
        store.reviews.record(cid, 5)
        clock.advance(days=2)
        graded = store.reviews.record(cid, 1)
        clock.advance(days=1)
    assert graded.leech and graded.suspended == (action == "suspend")
    assert store.cards.state(cid).suspended == (action == "suspend")
    assert "leech" in store.cards.get(cid).tags and "leech" in store.cards.tags()
    undone = store.undo.last_review()
    assert undone is not None and undone.leech_undone
    assert not store.cards.state(cid).suspended and "leech" not in store.cards.get(cid).tags
    assert rebuild_states(store) == 0
    store.close()


def test_the_next_day_the_buried_come_back(tmp_path):
    clock = Clock()
    store = open_store(settings=UTC, clock=clock)
    import_bytes(store, basic_deck("n", 3))
    session = StudySession(store, store.decks.find("n"))
    buried = session.current.card_id
    session.bury()
    assert buried not in {q.card_id for q in due_queue(store, None)}
    clock.advance(days=1, hours=1)
    assert buried in {q.card_id for q in due_queue(store, None)}
    assert timedelta(days=1)
    store.close()
