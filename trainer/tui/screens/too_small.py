"""Shown instead of a broken layout when the terminal is smaller than trainer needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from trainer.tui.literal import plain
from trainer.tui.navigation import TrainerModal

MIN_WIDTH, MIN_HEIGHT = 80, 22


class TooSmallScreen(TrainerModal[None]):
    """Covers every screen while the terminal is too small, saying how small and what is
    needed; the app removes it when the terminal grows."""

    def compose(self) -> ComposeResult:
        """The one message."""
        yield Static(id="too-small")

    def on_mount(self) -> None:
        """The terminal's size as it is now."""
        self.update_size()

    def update_size(self, w: int | None = None, h: int | None = None) -> None:
        """Say the terminal's size (``w`` × ``h``; the app's own when not given)."""
        if w is None or h is None:
            w, h = self.app.size
        self.query_one(Static).update(plain(
            f"The terminal is too small ({w}×{h}).\n"
            f"trainer needs at least {MIN_WIDTH}×{MIN_HEIGHT}; enlarge the window to go on.\n"
            "ctrl+q quits; your answers are saved."
        ))
