"""After a session: what was studied and when the next cards are due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from trainer.render.charts import bar
from trainer.render.words import clock, pct
from trainer.rules import GRADE_WORDS, passed
from trainer.sessions import Summary
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen

WORD_WIDTH = max(len(w) for w in GRADE_WORDS.values())


class SummaryScreen(TrainerScreen[None]):
    """A study session's summary: cards, answers, how many right the first time, time, what is
    due next, and the grades as bars."""

    BINDINGS = [
        Binding("enter", "done", "Back to decks", id="summary.done"),
        Binding("escape", "done", "Back to decks", id="summary.back", show=False),
    ]

    def __init__(self, summary: Summary, title: str) -> None:
        super().__init__()
        self.summary = summary
        self.title_text = title

    def compose(self) -> ComposeResult:
        """The figures and the grades' chart."""
        s = self.summary
        with Vertical(id="summary-body"):
            yield Static(joined(("Session finished", "bold"), "  ", (self.title_text, "dim")),
                         id="summary-title")
            lines = joined(
                ("Cards studied   ", "dim"), str(s.studied), "\n",
                ("Answers         ", "dim"), str(s.answers), "\n",
                ("Right 1st time  ", "dim"), pct(s.right_first_time), "\n",
                ("Time            ", "dim"), clock(s.seconds), "\n",
                ("Next due        ", "dim"),
                f"today: {s.left_today} card{'s' if s.left_today != 1 else ''} still to study"
                if s.left_today else
                s.next_due.isoformat() if s.next_due else "nothing scheduled", "\n",
                ("Due tomorrow    ", "dim"), str(s.due_tomorrow),
            )
            yield Static(lines, id="summary-figures")
            peak = max(s.grades.values()) or 1
            chart = joined(("Grades", "bold"))
            for q in range(6):
                n = s.grades[q]
                chart.append(f"\n{q} {GRADE_WORDS[q]:<{WORD_WIDTH}} ", style="dim")
                chart.append(bar(n, peak, 20), style="green" if passed(q) else "red")
                chart.append(f" {n}")
            yield Static(chart, id="summary-grades")
            yield Static(plain("enter: back to your decks", "dim"))
        yield Footer()

    def action_done(self) -> None:
        """Back to the deck list."""
        self.trainer.back_to_decks()
