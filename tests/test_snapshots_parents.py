"""Snapshots of the deck list with a parent selected and of the options dialog saying what a
scheduler switch does, at 80x24 and 100x30: pinned clock, seeded history, no cursor blink."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from tests.test_parent_decks_tui import said, select, spanish
from tests.tui_helpers import make_app, settle, until
from trainer.tui.screens.deck_list import PARENT_ROW
from trainer.tui.widgets.dialogs import ConfirmModal

SIZES = [(80, 24), (100, 30)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_deck_list_with_a_parent_selected(snap_compare, size):
    async def on_the_parent(pilot) -> None:
        await select(pilot, PARENT_ROW + "Spanish")
        await settle(pilot)

    app = make_app(spanish(studied=True), load_bundled_decks=False)
    assert snap_compare(app, terminal_size=size, run_before=on_the_parent)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_options_dialog_says_what_a_switch_does(snap_compare, size):
    async def switching(pilot) -> None:
        await select(pilot, PARENT_ROW + "Spanish")
        await pilot.press("o")
        await settle(pilot)
        pilot.app.screen.query_one("#scheduler", Select).value = "fsrs"
        await said(pilot)

    app = make_app(spanish(studied=True), load_bundled_decks=False)
    assert snap_compare(app, terminal_size=size, run_before=switching)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_switch_asks_first(snap_compare, size):
    async def asked(pilot) -> None:
        await select(pilot, "nouns")
        await pilot.press("o")
        await settle(pilot)
        pilot.app.screen.query_one("#scheduler", Select).value = "fsrs"
        await said(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))

    app = make_app(spanish(studied=True), load_bundled_decks=False)
    assert snap_compare(app, terminal_size=size, run_before=asked)
