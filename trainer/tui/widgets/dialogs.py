"""Two small dialogs the browser's and the deck list's actions use: a yes/no confirmation,
and one line of input."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from trainer.tui.literal import field_value, plain, unchanged


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question before a change to many cards or a deck: True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "answer(True)", "Yes", id="confirm.enter", show=False),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", id="confirm.escape", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and its keys."""
        with Vertical(classes="ask-dialog"):
            yield Static(plain(self.question, "bold"))
            yield Static(plain("y: yes · n or escape: no", "dim"))

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class AskModal(ModalScreen[str | None]):
    """One line of input; ``check`` returns a one-line problem, or None when it will do.
    ``value`` fills it (shown literally; given back exact when left as it was), selected so
    that typing replaces it, or with ``extend`` the cursor after it (a card's tags, added
    to)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, question: str, placeholder: str = "",
                 check: Callable[[str], str | None] | None = None, value: str = "",
                 extend: bool = False) -> None:
        super().__init__()
        self.value = value
        self.extend = extend
        self.question = question
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        """The question, the input, the line its problem shows on, and the keys."""
        with Vertical(classes="ask-dialog"):
            yield Static(plain(self.question, "bold"))
            yield Input(field_value(self.value) + (" " if self.extend and self.value else ""),
                        placeholder=self.placeholder, id="ask-input",
                        select_on_focus=not self.extend)
            yield Static(id="ask-problem")
            yield Static(plain("enter: done · escape: cancel", "dim"))

    def on_mount(self) -> None:
        """The input takes the keys."""
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        value = unchanged(event.value, self.value).strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#ask-problem", Static).update(plain(problem, "red"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Close without an answer (None)."""
        self.dismiss(None)
