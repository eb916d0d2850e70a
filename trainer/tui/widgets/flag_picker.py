"""A card's flag and mark as the study card and the browser show them (Anki's colours), and
the flag picker (`f`): keys 1-7 for a terminal that does not pass ctrl+1…7 on (tmux, and
most terminals but those speaking the kitty keyboard protocol)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.rules import FLAG_COLOURS, flag_name
from trainer.tui.literal import joined, plain

# Anki's flag colours (its light theme's), one for each of rules.FLAG_COLOURS
FLAG_STYLES = ("#ef4444", "#f97316", "#22c55e", "#3b82f6", "#ec4899", "#14b8a6", "#a855f7")
MARK_STYLE = "#a855f7"
FLAG_SIGN = "⚑"
MARK_SIGN = "★"


def flag_style(flag: int) -> str:
    """The flag's colour, bold; "" for no flag."""
    return f"bold {FLAG_STYLES[flag - 1]}" if 1 <= flag <= len(FLAG_STYLES) else ""


def badge(flag: int, marked: bool) -> Text:
    """The study card's words for its flag and mark: "⚑ red flag  ★ marked"; empty when
    it has neither."""
    parts: list[tuple[str, str] | str] = []
    if flag:
        parts.append((f"{FLAG_SIGN} {flag_name(flag)} flag", flag_style(flag)))
    if marked:
        parts += ["  " if parts else "", (f"{MARK_SIGN} marked", f"bold {MARK_STYLE}")]
    return joined(*parts)


def cell(flag: int, marked: bool) -> Text:
    """The browser's flag column: the flag in its colour, then the mark."""
    return joined((FLAG_SIGN if flag else " ", flag_style(flag)),
                  (MARK_SIGN if marked else "", f"bold {MARK_STYLE}"))


class FlagModal(ModalScreen[int | None]):
    """Pick a flag by its number (0: none): the number, or None when cancelled. The caller
    takes a flag off when the one picked is the card's already, as ctrl+1…7 do."""

    BINDINGS = [
        *[Binding(str(n), f"pick({n})", show=False, id=f"flag.pick{n}")
          for n in range(len(FLAG_COLOURS) + 1)],
        Binding("escape", "cancel", "Cancel", id="flag.cancel"),
    ]

    def __init__(self, current: int = 0, what: str = "the card") -> None:
        super().__init__()
        self.current = current
        self.what = what

    def compose(self) -> ComposeResult:
        """The question, each colour by its key (the card's own marked), and the keys."""
        rows = Text()
        for n, colour in enumerate(FLAG_COLOURS, 1):
            rows.append_text(joined(f"  {n}  ", (f"{FLAG_SIGN} {colour}", flag_style(n)),
                                    ("   (now: again takes it off)" if n == self.current
                                     else "", "dim"), "\n"))
        rows.append_text(joined("  0  no flag"))
        with Vertical(classes="ask-dialog"):
            yield Static(plain(f"Flag {self.what}", "bold"))
            yield Static(rows)
            yield Static(plain("1-7: flag (ctrl+1…7 where the terminal passes them on) · "
                               "0: none · escape: cancel", "dim"))

    def action_pick(self, n: int) -> None:
        """Close with the flag picked."""
        self.dismiss(n)

    def action_cancel(self) -> None:
        """Close without a flag (None)."""
        self.dismiss(None)
