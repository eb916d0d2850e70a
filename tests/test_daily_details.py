"""The small things a daily user hits: each seen by a new user, each pinned here."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from tests.helpers import Clock, basic_deck, import_bytes
from tests.stats_history import build
from tests.tui_helpers import DATA, make_app, settle, store_with
from trainer.cli import main
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.replay import rebuild_states
from trainer.tui.screens.deck_list import DeckListScreen
from trainer.tui.screens.help import HelpScreen
from trainer.tui.screens.import_file import ImportScreen
from trainer.tui.screens.statistics import StatsScreen
from trainer.tui.screens.study import StudyScreen
from trainer.tui.screens.summary import SummaryScreen
from trainer.tui.screens.too_small import TooSmallScreen


def long_named_decks():
    store = open_store(settings=Settings(timezone="UTC"), clock=Clock())
    import_bytes(store, basic_deck("zz", 2, "A deck whose name is far longer than any column"))
    import_bytes(store, basic_deck("aa", 2, "Zebra deck"))
    return store


async def test_the_summary_says_right_first_time_not_accuracy():
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="snap")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "5", "escape")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        figures = str(app.screen.query_one("#summary-figures", Static).render())
        assert "Right 1st time  100%" in figures and "Accuracy" not in figures
    store.close()


async def test_enter_on_a_revealed_basic_card_says_what_it_expects():
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="snap")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and app.screen.mode == "grading"
        toast = [str(n.message) for n in app._notifications]
        assert any("Grade yourself with 0-5" in t for t in toast)
        # and the message is up top, clear of the grade list
        grades = app.screen.query_one("#grades").region
        from textual.widgets._toast import Toast

        for shown in app.screen.query(Toast):
            assert not shown.region.overlaps(grades)
    store.close()


async def test_help_lists_every_screens_keys_and_how_to_close_it():
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one(Static).render())
        for words in ("Quiz", "Statistics", "Import a file", "escape or ? closes this help",
                      "y / n", "pgdn / pgup", "tab / →"):
            assert words in text, words
        await pilot.press("escape")
        assert isinstance(app.screen, DeckListScreen)
    store.close()


async def test_ctrl_c_ends_the_app_cleanly_and_keeps_every_grade():
    store = store_with(DATA / "snap.toml")
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="snap")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "4", "ctrl+c")
        await pilot.pause()
    assert app.return_code in (0, None) and not app.is_running
    with store.reading() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT COUNT(*) FROM review")).scalar() == 1
    store.close()


async def test_at_80x24_every_deck_list_column_shows_and_80x23_works():
    store = long_named_decks()
    for height in (24, 23):
        app = make_app(store, load_bundled_decks=False)
        async with app.run_test(size=(80, height)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, DeckListScreen), height
            table = app.screen.query_one(DataTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width
            names = [str(table.get_row(k)[0]) for k in ("zz", "aa")]
            assert names[0].endswith("…") and names[1] == "Zebra deck"
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(80, 21)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
    store.close()


async def test_the_import_dialog_completes_with_tab_takes_quoted_paths_and_names_a_missing_one(
        tmp_path, monkeypatch):
    deck = tmp_path / "my deck.toml"
    deck.write_bytes(basic_deck("q", 2))
    monkeypatch.chdir(tmp_path)
    store = store_with()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)
        field = app.screen.query_one(Input)
        await pilot.press("m", "y")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert field.value == "my deck.toml"
        field.value = "nowhere.toml"
        await pilot.press("enter")
        result = str(app.screen.query_one("#import-result", Static).render())
        assert "No such file: nowhere.toml" in result
        field.value = f"'{deck}'"  # as a file manager pastes it
        await pilot.press("enter")
        await settle(pilot)
        result = str(app.screen.query_one("#import-result", Static).render())
        assert "2 added" in result
    store.close()


async def test_statistics_scroll_from_the_keyboard_at_once_and_decks_go_by_name():
    store = long_named_decks()
    app = make_app(store, load_bundled_decks=False, start="stats")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("4")  # the cards tab: more than a screen
        await settle(pilot)
        pane = app.screen.query_one("#cards")
        from textual.containers import VerticalScroll

        scroll = pane.query_one(VerticalScroll)
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        decks = str(app.screen.query_one("#stats-decks", Static).render())
        assert decks.index("A deck whose") < decks.index("Zebra deck")
    store.close()


def test_trainer_decks_sorts_by_name(capsys):
    long_named_decks().close()
    assert main(["decks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("zz ") and out[2].startswith("aa ")


def test_one_day_is_one_day_and_one_days_history_has_one_label():
    from trainer.render.report import render
    from trainer.stats import compute
    from trainer.tui.widgets.charts import columns

    store, _, _ = build()
    text = render(compute(store, period="today"))
    assert "Streak: 1 day now" in text and "1 days" not in text
    assert str(columns([3], 2, labels=("2026-04-02", "2026-04-02"))).count("2026-04-02") == 1
    store.close()


async def test_a_grade_that_cannot_be_saved_is_a_message_and_the_card_stays():
    store = store_with(DATA / "snap.toml")
    with store.transaction() as conn:  # the disk fills up
        conn.exec_driver_sql(
            "CREATE TRIGGER full BEFORE INSERT ON review "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="snap")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        card = screen.session.current.card_id
        await pilot.press("space", "4")
        await pilot.pause()
        assert app.is_running and screen.session.current.card_id == card
        assert screen.mode == "grading"
        assert any("could not save: the disk is full" in str(n.message)
                   for n in app._notifications)
        with store.transaction() as conn:  # room again
            conn.exec_driver_sql("DROP TRIGGER full")
        await pilot.press("4")
        await pilot.pause()
        assert screen.session.current is None or screen.session.current.card_id != card
    assert store.cards.state(card).reviews == 1 and rebuild_states(store) == 0
    store.close()
