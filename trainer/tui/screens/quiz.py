"""Quiz mode: questions drawn at random; nothing is rescheduled."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Footer, Input, Static

from trainer.sessions import CardView, QuizSession
from trainer.store.errors import StoreError
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen
from trainer.tui.widgets.card import CardPanel


class QuizScreen(TrainerScreen[None]):
    """A quiz, one question at a time: show the answer and mark yourself, or type or choose
    and be checked; every answer is committed before the next question, and no schedule
    moves."""

    BINDINGS = [
        Binding("space", "reveal", "Show answer", id="quiz.reveal"),
        Binding("enter", "reveal", "Show answer", id="quiz.reveal_enter", show=False),
        *[Binding(str(n), f"pick({n})", f"Choose {n}", show=False, id=f"quiz.pick{n}")
          for n in range(1, 10)],
        Binding("y", "mark(True)", "I was right", id="quiz.right"),
        Binding("n", "mark(False)", "I was wrong", id="quiz.wrong"),
        Binding("enter", "next", "Next", id="quiz.next"),
        Binding("escape", "end", "End quiz", id="quiz.end", priority=True),
    ]

    mode: reactive[str] = reactive("answering", init=False)

    def __init__(self, quiz: QuizSession, title: str) -> None:
        super().__init__()
        self.quiz = quiz
        self.title_text = title
        self.correct: bool | None = None
        self.given = ""
        self.shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        """The header (the question's number, the score), the card and the hint."""
        yield Static(id="quiz-header")
        yield CardPanel()
        yield Static(id="hint")
        yield Footer()

    def on_mount(self) -> None:
        """The first question."""
        self.query_one(Input).cursor_blink = self.trainer.cursor_blink
        self.show_question()

    @property
    def view(self) -> CardView:
        """The current question's card."""
        return self.quiz.view()

    def show_question(self) -> None:
        """The next question, or the result once every question was asked."""
        if self.quiz.finished:
            self.trainer.show_quiz_result(self.quiz.result(), self.title_text)
            return
        self.correct, self.given = None, ""
        view = self.view
        self.query_one("#quiz-header", Static).update(joined(
            ("Quiz", "bold"), "  ", (self.title_text, "dim"), "   ",
            f"question {self.quiz.index + 1} of {self.quiz.total}", "   ",
            (f"score {self.quiz.right}", "green"),
        ))
        self.query_one(CardPanel).show_question(view)
        self.mode = "answering"
        self.shown_at = time.monotonic()
        hint = {"basic": "space or enter: show the answer, then mark yourself",
                "cloze": "space or enter: show the answer, then mark yourself",
                "typed": "type the answer, then enter",
                "choice": f"1-{len(view.options)}: choose"}[view.kind]
        self.query_one("#hint", Static).update(plain(hint, "dim"))

    def _show_answer(self) -> None:
        view = self.view
        self.query_one(CardPanel).show_answer(
            view, self.given if view.kind == "choice" else None, explanation=False)

    def _checked(self, correct: bool) -> None:
        self.correct = correct
        self.query_one(CardPanel).show_verdict(self.view, "right" if correct else "wrong",
                                               self.given)
        self._show_answer()
        self.mode = "checked"
        self.query_one("#hint", Static).update(plain("enter: next question", "dim"))

    def watch_mode(self) -> None:
        """The footer's keys follow the mode (answering, revealed, checked)."""
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys apply now: showing the answer while answering, marking once revealed,
        enter once checked; escape always."""
        if self.quiz.finished:
            return action == "end"
        kind = self.view.kind
        if action == "reveal":
            return self.mode == "answering" and kind in ("basic", "cloze")
        if action == "pick":
            return self.mode == "answering" and kind == "choice" and int(
                str(parameters[0])) <= len(self.view.options)
        if action == "mark":
            return self.mode == "revealed"
        if action == "next":
            return self.mode == "checked"
        return True

    def action_reveal(self) -> None:
        """Show the answer, for the student to mark."""
        self._show_answer()
        self.mode = "revealed"
        self.query_one("#hint", Static).update(plain("y: I was right · n: I was wrong", "dim"))

    def action_pick(self, n: int) -> None:
        """Choose option ``n``: checked at once."""
        self.given = self.view.options[n - 1]
        self._checked(self.given == self.view.answer)

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        if self.mode != "answering":
            return
        self.given = event.value.strip()
        self._checked(self.view.check(self.given) in ("right", "close"))

    def action_mark(self, correct: bool) -> None:
        """Record the student's own mark (y or n) and go on."""
        self._record(correct)

    def action_next(self) -> None:
        """Record the checked answer and go on."""
        if self.correct is not None:
            self._record(self.correct)

    def _record(self, correct: bool) -> None:
        answer_ms = int((time.monotonic() - self.shown_at) * 1000)
        try:
            self.quiz.answer(correct, self.given, answer_ms)  # committed before the next one
        except StoreError as exc:  # nothing was kept: the question stays, to try again
            self.notify(f"{exc}. Press enter to try again, or escape to end.",
                        severity="error", timeout=8)
            return
        self.show_question()

    def action_end(self) -> None:
        """End the quiz: its result when anything was answered, else back to the list."""
        if self.quiz.index:
            self.trainer.show_quiz_result(self.quiz.result(), self.title_text)
        else:
            self.app.pop_screen()
