"""The statistics screen (filled in by the statistics work)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.tui.text import plain


class StatsScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stats.back")]

    def compose(self) -> ComposeResult:
        yield Static(plain("Statistics"), id="stats-title")
        yield Footer()
