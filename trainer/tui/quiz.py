"""Quiz mode: questions drawn at random; nothing is rescheduled."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from trainer.study import CardView, QuizResult, QuizSession
from trainer.tui.cardtext import answer_text, options_text
from trainer.tui.text import joined, plain

VERDICTS = {True: ("✓ right", "bold green"), False: ("✗ wrong", "bold red")}


class QuizScreen(Screen):
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
        yield Static(id="quiz-header")
        with VerticalScroll(id="card"):
            yield Static(id="prompt")
            yield Static(id="options")
            yield Input(id="typed", placeholder="Type your answer, then enter")
            yield Static(id="verdict")
            yield Static(id="answer")
        yield Static(id="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.app.cursor_blink
        self.show_question()

    @property
    def view(self) -> CardView:
        return self.quiz.view()

    def show_question(self) -> None:
        if self.quiz.finished:
            self.app.show_quiz_result(self.quiz.result(), self.title_text)
            return
        self.correct, self.given = None, ""
        view = self.view
        self.query_one("#quiz-header", Static).update(joined(
            ("Quiz", "bold"), "  ", (self.title_text, "dim"), "   ",
            f"question {self.quiz.index + 1} of {self.quiz.total}", "   ",
            (f"score {self.quiz.right}", "green"),
        ))
        self.query_one("#prompt", Static).update(plain(view.prompt))
        options = self.query_one("#options", Static)
        options.display = view.kind == "choice"
        if view.kind == "choice":
            options.update(options_text(view, None))
        typed = self.query_one(Input)
        typed.value = ""
        typed.display = view.kind == "typed"
        typed.disabled = view.kind != "typed"
        self.query_one("#verdict", Static).display = False
        self.query_one("#answer", Static).display = False
        self.mode = "answering"
        self.shown_at = time.monotonic()
        hint = {"basic": "space or enter: show the answer, then mark yourself",
                "cloze": "space or enter: show the answer, then mark yourself",
                "typed": "type the answer, then enter",
                "choice": f"1-{len(view.options)}: choose"}[view.kind]
        self.query_one("#hint", Static).update(plain(hint, "dim"))
        if view.kind == "typed":
            typed.focus()
        else:
            self.set_focus(None)

    def _show_answer(self) -> None:
        view = self.view
        answer = self.query_one("#answer", Static)
        answer.update(answer_text(view))
        answer.display = view.kind != "choice"
        typed = self.query_one(Input)
        typed.disabled = True
        typed.display = False  # the verdict line repeats what was typed
        self.set_focus(None)

    def _checked(self, correct: bool) -> None:
        self.correct = correct
        word, style = VERDICTS[correct]
        verdict = joined((word, style))
        if self.view.kind == "typed":
            verdict.append("   you typed: ", style="dim")
            verdict.append(self.given or "(nothing)")
        w = self.query_one("#verdict", Static)
        w.update(verdict)
        w.display = True
        self._show_answer()
        self.mode = "checked"
        self.query_one("#hint", Static).update(plain("enter: next question", "dim"))

    def watch_mode(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.quiz.finished:
            return action == "end"
        kind = self.view.kind
        if action == "reveal":
            return self.mode == "answering" and kind in ("basic", "cloze")
        if action == "pick":
            return self.mode == "answering" and kind == "choice" and int(parameters[0]) <= len(
                self.view.options)
        if action == "mark":
            return self.mode == "revealed"
        if action == "next":
            return self.mode == "checked"
        return True

    def action_reveal(self) -> None:
        self._show_answer()
        self.mode = "revealed"
        self.query_one("#hint", Static).update(plain("y: I was right · n: I was wrong", "dim"))

    def action_pick(self, n: int) -> None:
        self.given = self.view.options[n - 1]
        self.query_one("#options", Static).update(options_text(self.view, self.given))
        self._checked(self.given == self.view.answer)

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        if self.mode != "answering":
            return
        self.given = event.value.strip()
        self._checked(self.view.check(self.given) in ("right", "close"))

    def action_mark(self, correct: bool) -> None:
        self._record(correct)

    def action_next(self) -> None:
        if self.correct is not None:
            self._record(self.correct)

    def _record(self, correct: bool) -> None:
        answer_ms = int((time.monotonic() - self.shown_at) * 1000)
        self.quiz.answer(correct, self.given, answer_ms)  # committed before the next question
        self.show_question()

    def action_end(self) -> None:
        if self.quiz.index:
            self.app.show_quiz_result(self.quiz.result(), self.title_text)
        else:
            self.app.pop_screen()


class QuizResultScreen(Screen):
    BINDINGS = [
        Binding("enter", "done", "Back to decks", id="quizresult.done"),
        Binding("escape", "done", "Back to decks", id="quizresult.back", show=False),
    ]

    def __init__(self, result: QuizResult, title: str) -> None:
        super().__init__()
        self.result = result
        self.title_text = title

    def compose(self) -> ComposeResult:
        r = self.result
        answered = r.right + len(r.misses)
        with Vertical(id="quiz-result"):
            score = joined(("Quiz finished", "bold"), "  ", (self.title_text, "dim"), "\n\n",
                           ("Score  ", "dim"), (f"{r.right} / {answered}", "bold"))
            if answered:
                score.append(f"  ({r.right / answered:.0%})")
            yield Static(score, id="quiz-score")
            misses = Text()
            if r.misses:
                misses.append("Missed\n", style="bold")
                for view, given in r.misses:
                    misses.append("• ")
                    misses.append(view.prompt)
                    misses.append("\n  answer: ", style="dim")
                    misses.append(view.answer, style="bold")
                    if given:
                        misses.append("   you said: ", style="dim")
                        misses.append(given)
                    misses.append("\n")
            else:
                misses.append("No misses.", style="green")
            with VerticalScroll(id="quiz-misses"):
                yield Static(misses)
            yield Static(plain("enter: back to your decks", "dim"))
        yield Footer()

    def action_done(self) -> None:
        self.app.back_to_decks()
