"""Help: every key, by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.tui.text import joined

HELP = [
    ("Deck list", [
        ("enter", "study the selected deck"), ("a", "study everything due"),
        ("q", "quiz on the selected deck"), ("s", "statistics"), ("i", "import a deck file"),
        ("ctrl+p", "command palette (themes)"), ("?", "this help"), ("ctrl+q", "quit"),
    ]),
    ("Answering a card", [
        ("space / enter", "show the answer (basic, cloze)"),
        ("type, then enter", "check a typed answer"), ("1-9", "pick a choice"),
        ("ctrl+z", "undo the last grade"), ("escape", "end the session"),
    ]),
    ("Grading", [
        ("0-5", "grade: 0 blackout … 5 perfect"), ("enter", "accept the suggested grade"),
        ("u / ctrl+z", "undo the last grade"), ("!", "suspend the card"),
        ("-", "bury the card until tomorrow"), ("e", "show the source quote"),
    ]),
    ("SM-2 grades", [
        ("5", "perfect"), ("4", "correct after hesitation"),
        ("3", "correct with serious difficulty"), ("2", "wrong, but easy once seen"),
        ("1", "wrong, remembered once seen"), ("0", "complete blackout"),
        ("", "below 4: the card comes back later in the session"),
    ]),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", id="help.toggle", show=False),
    ]

    def compose(self) -> ComposeResult:
        text = joined(("trainer: keys", "bold"))
        for section, keys in HELP:
            text.append(f"\n\n{section}", style="bold underline")
            for key, what in keys:
                text.append(f"\n  {key:<18}", style="bold")
                text.append(what)
        with VerticalScroll(id="help-dialog"):
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
