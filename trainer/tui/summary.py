"""After a session: what was studied and when the next cards are due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.study import Summary
from trainer.tui.text import duration, joined, plain

GRADE_NAMES = {0: "blackout", 1: "wrong", 2: "wrong, easy", 3: "hard", 4: "good", 5: "perfect"}


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "done", "Back to decks", id="summary.done"),
        Binding("escape", "done", "Back to decks", id="summary.back", show=False),
    ]

    def __init__(self, summary: Summary, title: str) -> None:
        super().__init__()
        self.summary = summary
        self.title_text = title

    def compose(self) -> ComposeResult:
        s = self.summary
        with Vertical(id="summary-body"):
            yield Static(joined(("Session finished", "bold"), "  ", (self.title_text, "dim")),
                         id="summary-title")
            lines = joined(
                ("Cards studied   ", "dim"), str(s.studied), "\n",
                ("Answers         ", "dim"), str(s.answers), "\n",
                ("Accuracy        ", "dim"),
                f"{s.accuracy:.0%}" if s.accuracy is not None else "-", "\n",
                ("Time            ", "dim"), duration(s.seconds), "\n",
                ("Next due        ", "dim"),
                s.next_due.isoformat() if s.next_due else "nothing scheduled", "\n",
                ("Due tomorrow    ", "dim"), str(s.due_tomorrow),
            )
            yield Static(lines, id="summary-figures")
            peak = max(s.grades.values()) or 1
            chart = joined(("Grades", "bold"))
            for q in range(6):
                n = s.grades[q]
                chart.append(f"\n{q} {GRADE_NAMES[q]:<12}", style="dim")
                chart.append("█" * round(20 * n / peak), style="green" if q >= 3 else "red")
                chart.append(f" {n}")
            yield Static(chart, id="summary-grades")
            yield Static(plain("enter: back to your decks", "dim"))
        yield Footer()

    def action_done(self) -> None:
        self.app.back_to_decks()
