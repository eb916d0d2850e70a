"""After a quiz: the score, and every question missed with its answer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from trainer.render.words import visible
from trainer.sessions import QuizResult
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen


class QuizResultScreen(TrainerScreen[None]):
    """A quiz's score, and each missed question with its answer and what was said."""

    BINDINGS = [
        Binding("enter", "done", "Back to decks", id="quizresult.done"),
        Binding("escape", "done", "Back to decks", id="quizresult.back", show=False),
    ]

    def __init__(self, result: QuizResult, title: str) -> None:
        super().__init__()
        self.result = result
        self.title_text = title

    def compose(self) -> ComposeResult:
        """The score, then the misses in a scrolling pane."""
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
                    misses.append(visible(view.prompt))
                    misses.append("\n  answer: ", style="dim")
                    misses.append(visible(view.answer), style="bold")
                    if given:
                        misses.append("   you said: ", style="dim")
                        misses.append(visible(given))
                    misses.append("\n")
            else:
                misses.append("No misses.", style="green")
            with VerticalScroll(id="quiz-misses"):
                yield Static(misses)
            yield Static(plain("enter: back to your decks", "dim"))
        yield Footer()

    def action_done(self) -> None:
        """Back to the deck list."""
        self.trainer.back_to_decks()
