"""Undo that outlives the session, through the screens: ctrl+z in the deck list after a
restart takes back the last grade, and the study screen, with nothing of its own left to
undo, takes back the newest action of any session, saying so."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.helpers import Clock, basic_deck, import_bytes
from tests.tui_helpers import UTC, make_app, settle
from trainer.store import open_store
from trainer.store.replay import rebuild_states
from trainer.tui.screens.deck_list import DeckListScreen
from trainer.tui.screens.study import StudyScreen
from trainer.tui.screens.summary import SummaryScreen


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def new_count(app) -> int:
    table = app.screen.query_one(DataTable)
    return int(str(table.get_row_at(0)[1]))


async def test_ctrl_z_in_the_deck_list_after_a_restart_takes_back_the_last_grade(tmp_path):
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    clock = Clock()
    store = open_store(url, settings=UTC, clock=clock)
    import_bytes(store, basic_deck("d", 4).replace(b'"q1"', b'"[red]q1[/red]"'))
    app = make_app(store, load_bundled_decks=False)
    studied = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert new_count(app) == 4
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        for _ in range(2):
            studied.append(screen.session.current.card_id)
            await pilot.press("space", "5")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen) and new_count(app) == 2
    store.close()

    store = open_store(url, settings=UTC, clock=clock)  # a restart
    graded = {cid: store.cards.state(cid) for cid in studied}
    assert all(s.repetitions == 1 for s in graded.values())
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen) and new_count(app) == 2
        await pilot.press("ctrl+z")
        await settle(pilot)
        prompt = store.cards.get(studied[1]).prompt
        assert f"Took back the grade 5 of '{prompt}'" in messages(app)  # literally
        assert store.cards.state(studied[1]).repetitions == 0
        assert store.cards.history(studied[1]) == []
        assert store.cards.state(studied[0]) == graded[studied[0]]
        assert new_count(app) == 3
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert store.cards.history(studied[0]) == [] and new_count(app) == 4
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert messages(app)[-1] == "Nothing to undo."
    assert rebuild_states(store) == 0
    store.close()


async def test_the_study_screen_falls_back_to_the_newest_action_of_any_session(tmp_path):
    url = f"sqlite:///{tmp_path / 'fallback.db'}"
    store = open_store(url, settings=UTC, clock=Clock())
    import_bytes(store, basic_deck("d", 3))
    first = store.cards.in_play(store.decks.find("d").id)[0]
    store.reviews.record(first, 4, session_id="yesterday's window")  # due in a day
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="d")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        session = screen.session
        assert first not in {q.card_id for q in session.queue}
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert messages(app)[-1] == ("Nothing of this session to undo: took back the grade 4 "
                                     "of 'q0' (from before)")
        assert store.cards.history(first) == []
        assert session.current.card_id == first  # the card taken back shows first
        await pilot.press("space", "3")
        assert store.cards.state(first).repetitions == 1
        await pilot.press("ctrl+z")  # this session's own grade, as before
        await settle(pilot)
        assert messages(app)[-1] == "Took back the grade 3 of 'q0'"
        assert session.current.card_id == first and store.cards.history(first) == []
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert messages(app)[-1] == "Nothing to undo."
    store.close()
