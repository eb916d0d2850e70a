"""Parent decks in the app: on a parent row (a parent that is only a name, or a deck with
decks under it) quiz, statistics, the source map, options, renaming and deleting work as on
a deck; and a scheduler switch in the options dialog says what it does and asks first."""

from __future__ import annotations

import random

from textual.widgets import Checkbox, DataTable, Select, Static

from tests.helpers import Clock, import_bytes
from tests.test_parent_decks import SPANISH, cited_deck
from tests.tui_helpers import make_app, settle, type_text, until
from trainer.settings import Settings
from trainer.store import open_store
from trainer.tui.screens.deck_list import PARENT_ROW

SIZE = (100, 30)


def spanish(clock: Clock | None = None, studied: bool = False):
    clock = clock or Clock()
    store = open_store(None, settings=Settings(timezone="UTC"), clock=clock)
    for key, name, n in SPANISH:
        import_bytes(store, cited_deck(key, name, n))
    if studied:
        rng = random.Random(5)
        ids = store.cards.in_play(None)
        for _ in range(60):
            store.reviews.record(rng.choice(ids), rng.choice([1, 3, 4, 5]))
            clock.advance(days=rng.randint(1, 6))
    return store


async def select(pilot, key: str) -> None:
    """The deck list's cursor on the row of ``key`` (a deck's key, or PARENT_ROW + name)."""
    await settle(pilot)
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


async def said(pilot) -> None:
    """Until the options dialog says what the switch does: the line comes from a worker
    started by the scheduler's change, which may start after a first wait."""
    for _ in range(50):
        await settle(pilot)
        if str(pilot.app.screen.query_one("#options-switch", Static).render()).startswith(
                "Switching"):
            break
    await settle(pilot)


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_quiz_statistics_and_source_map_on_a_parent_row():
    from trainer.tui.screens.quiz import QuizScreen
    from trainer.tui.screens.source_map import SourceMapScreen
    from trainer.tui.screens.statistics import StatsScreen

    store = spanish()
    tree = store.decks.tree("Spanish")
    mine = {c.id for d in tree.decks for c in store.cards.of_deck(d.id)}
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, PARENT_ROW + "Spanish")
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QuizScreen)
        assert set(app.screen.quiz.card_ids) == mine and app.screen.quiz.total == 6
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.query_one("#stats-scope", Select).value == "parent:Spanish"
        assert "Cards  6:" in shown(app, "#stats-summary")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, SourceMapScreen)
        table = app.screen.query_one(DataTable)
        assert [table.get_row_at(i)[1].plain for i in range(table.row_count)] == ["4", "2"]
    store.close()


async def test_renaming_and_deleting_a_parent_row_and_undo():
    from trainer.tui.widgets.dialogs import AskModal, ConfirmModal

    store = spanish()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, PARENT_ROW + "Spanish")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, AskModal)
        assert "Rename Spanish and the 3 decks under it" in shown(app, "Static")
        app.screen.query_one("#ask-input").value = ""
        await type_text(pilot, "Vocabulario")
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(n for _, n in store.decks.names()) == [
            "French", "Vocabulario::Nouns", "Vocabulario::Verbs",
            "Vocabulario::Verbs::Irregular"]
        table = app.screen.query_one(DataTable)  # the renamed parent stays selected
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == \
            PARENT_ROW + "Vocabulario"
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Delete Vocabulario and the 3 decks under it?" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert [n for _, n in store.decks.names()] == ["French"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(store.decks.names()) == 4
        await pilot.press("ctrl+z")  # and the renaming
        await settle(pilot)
        assert sorted(n for _, n in store.decks.names())[0] == "French"
        assert store.decks.find("verbs").name == "Spanish::Verbs"
    store.close()


async def test_a_parents_options_in_the_dialog_say_which_applies():
    from trainer.tui.screens.deck_options import DeckOptionsScreen

    store = spanish()
    store.options.set(store.decks.find("verbs").id, new_per_day=1)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, PARENT_ROW + "Spanish")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DeckOptionsScreen)
        assert "Options: Spanish (3 decks)" in shown(app, "#options-title")
        under = shown(app, "#options-under")
        assert "Its 3 decks take these unless they set their own" in under
        assert "Spanish::Verbs: new cards a day 1" in under
        assert "Spanish::Verbs::Irregular: new cards a day 1" in under
        app.screen.query_one("#new_per_day").value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, DeckOptionsScreen)
        parent = store.decks.find("spanish")  # the name made a deck to keep them
        assert store.options.of(parent.id).new_per_day == 2
        nouns = store.options.of(store.decks.find("nouns").id)
        assert (nouns.new_per_day, nouns.origin["new_per_day"]) == (2, "from Spanish")
        await select(pilot, "nouns")
        await pilot.press("o")
        await settle(pilot)
        labels = [str(w.render()) for w in app.screen.query(".option-origin")]
        assert labels[0] == "(from Spanish)"
    store.close()


async def test_a_scheduler_switch_says_what_it_does_and_asks_first():
    from trainer.tui.screens.deck_options import DeckOptionsScreen
    from trainer.tui.widgets.dialogs import ConfirmModal

    store = spanish(studied=True)
    verbs = store.decks.find("nouns")
    ids = [c.id for c in store.cards.of_deck(verbs.id)]
    before = [store.cards.state(c) for c in ids]
    expected = store.options.preview_switch(verbs.id, "fsrs")
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "nouns")
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#scheduler", Select).value = "fsrs"
        await said(pilot)
        words = shown(app, "#options-switch")
        assert words == (f"Switching Spanish::Nouns to FSRS: {expected.studied} studied cards "
                        f"worked out again ({expected.changed} changed); "
                        f"{expected.rescheduled} cards get a new due date, "
                        f"{expected.due_today} of them due today.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question == words + " Switch now?"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DeckOptionsScreen)  # nothing switched, still open
        assert "Nothing saved" in shown(app, "#options-problem")
        assert store.options.of(verbs.id).scheduler == "sm2"
        assert [store.cards.state(c) for c in ids] == before
        app.screen.query_one("#keep_due", Checkbox).value = True
        for _ in range(50):  # the line worked out again, by a worker
            await settle(pilot)
            if shown(app, "#options-switch").endswith("kept."):
                break
        assert shown(app, "#options-switch").endswith("; every due date kept.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, DeckOptionsScreen))
        assert not isinstance(app.screen, DeckOptionsScreen)
    assert store.options.of(verbs.id).scheduler == "fsrs"
    after = [store.cards.state(c) for c in ids]
    assert [(s.due, s.interval) for s in after] == [(s.due, s.interval) for s in before]
    assert any(s.stability is not None for s in after)
    store.close()


async def test_switching_a_parent_switches_every_deck_under_it():
    from trainer.tui.widgets.dialogs import ConfirmModal

    store = spanish(studied=True)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, PARENT_ROW + "Spanish")
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#scheduler", Select).value = "fsrs"
        await said(pilot)
        assert shown(app, "#options-switch").startswith("Switching 3 decks to FSRS:")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await until(pilot, lambda: app.screen.__class__.__name__ == "DeckListScreen")
    tree = store.decks.tree("Spanish")
    assert {store.options.of(d).scheduler for d in tree.ids} == {"fsrs"}
    assert store.options.of(store.decks.find("french").id).scheduler == "sm2"
    store.close()


async def test_the_palette_quizzes_a_parent_that_is_only_a_name():
    from trainer.tui.screens.quiz import QuizScreen

    store = spanish()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "quiz on spanish")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QuizScreen) and app.screen.quiz.total == 6
    store.close()


async def test_browsing_a_parent_deck_finds_the_cards_of_the_decks_under_it():
    from trainer.tui.screens.browse import BrowseScreen

    store = spanish()
    store.decks.parent_deck("Spanish")  # a deck of its own now, with no cards
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "spanish")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.session.result.total == 6
        await pilot.press("escape")
        await select(pilot, "nouns")
        await pilot.press("b")
        await settle(pilot)
        assert app.screen.session.result.total == 2
    store.close()
