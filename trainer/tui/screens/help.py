"""Help: every key, by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from trainer.rules import GRADE_WORDS, REPEAT_UNTIL
from trainer.tui.literal import joined
from trainer.tui.navigation import TrainerModal

HELP = [
    ("Deck list", [
        ("enter", "study the selected deck"), ("a", "study everything due"),
        ("q", "quiz on the selected deck"), ("s", "the deck's statistics"),
        ("i", "import a deck file"),
        ("o", "the deck's options"), ("m", "the deck's source map"),
        ("b", "browse the deck's cards (all cards from All decks)"),
        ("n", "add a card to the deck"), ("c", "create a deck"), ("r", "rename the deck"),
        ("delete", "delete the deck (cards retired; ctrl+z brings it back)"),
        ("ctrl+z / u", "undo the newest action (any session, after a restart too)"),
        ("ctrl+p", "command palette (themes)"), ("?", "this help"), ("ctrl+q", "quit"),
    ]),
    ("Answering a card", [
        ("space / enter", "show the answer (basic, cloze)"),
        ("type, then enter", "check a typed answer"), ("1-9", "pick a choice"),
        ("ctrl+z", "undo the last action (none left: the newest from before)"),
        ("escape", "end the session"),
    ]),
    ("Grading", [
        ("0-5", f"grade: 0 {GRADE_WORDS[0]} … 5 {GRADE_WORDS[5]}"),
        ("enter", "accept the suggested grade"),
        ("u / ctrl+z", "undo the last grade"), ("!", "suspend the card"),
        ("-", "bury the card until tomorrow"), ("e", "the source map at the card's paragraph"),
        ("E", "edit the card (its entry, as TOML; progress kept)"),
    ]),
    ("Browse (b)", [
        ("/", "search (docs/search.md)"), ("enter", "run the search"),
        ("space / a", "select a card / all shown"), ("s or a header", "sort"),
        ("! / -", "suspend or bury (or undo it)"), ("R", "reset to new"),
        ("d", "set the due date"), ("m", "move to another deck"),
        ("t / T", "edit the card's tags (selected: add one) / remove one"),
        ("delete", "delete (retire; reviews kept)"),
        ("E", "edit the card"), ("n", "add a card"),
        ("u", "undo the newest action (as ctrl+z in the deck list)"), ("escape", "back"),
    ]),
    ("Flags, marks, tags (studying and browsing)", [
        ("ctrl+1…7", "flag: red, orange, green, blue, pink, turquoise, purple"),
        ("", "(the card's flag again takes it off; search flag:1 … flag:7)"),
        ("f, then 0-7", "the same, where the terminal keeps ctrl+1…7 (tmux)"),
        ("*", "mark or unmark the card (the tag marked; search is:marked)"),
        ("t", "edit the card's tags (browser, cards selected: add one)"),
        ("", "ctrl+z / u takes each back; none changes the card's schedule"),
    ]),
    ("Quiz", [
        ("space / enter", "show the answer"), ("y / n", "I was right / wrong"),
        ("1-9", "pick a choice"), ("enter", "next question"), ("escape", "end the quiz"),
    ]),
    ("Statistics", [
        ("1-4", "overview, forecast, calendar, cards"), ("pgdn / pgup", "scroll"),
        ("home / end", "top / bottom"), ("tab", "deck or tag, then period"),
        ("escape", "back to the decks"),
    ]),
    ("Import a file (i), deck options (o)", [
        ("tab / →", "complete the path"), ("enter", "import, or save the options"),
        ("ctrl+s", "save the options"), ("escape", "close"),
    ]),
    ("SM-2 grades", [
        *[(str(q), GRADE_WORDS[q]) for q in range(5, -1, -1)],
        ("", f"below {REPEAT_UNTIL}: the card comes back later in the session"),
    ]),
]


class HelpScreen(TrainerModal[None]):
    """Every screen's keys (?), over the screen it was asked from."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", id="help.toggle", show=False),
    ]

    def compose(self) -> ComposeResult:
        """The keys, section by section, in a scrolling pane."""
        text = joined(("trainer: keys", "bold"), ("   escape or ? closes this help", "dim"))
        for section, keys in HELP:
            text.append(f"\n\n{section}", style="bold underline")
            for key, what in keys:
                text.append(f"\n  {key:<18}", style="bold")
                text.append(what)
        with VerticalScroll(id="help-dialog"):
            yield Static(text)

    def action_close(self) -> None:
        """Back to the screen below."""
        self.dismiss(None)
