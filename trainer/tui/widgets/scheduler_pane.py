"""The statistics' Scheduler tab: which scheduler the scope uses, and the next weeks under
SM-2 and under FSRS for the same simulated student, as charts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from trainer.scheduler.simulator import Day, workload_per_remembered
from trainer.simulation import Forecast
from trainer.tui.literal import joined
from trainer.tui.widgets.charts import columns

NAMES = {"sm2": "SM-2", "fsrs": "FSRS"}


class SchedulerPane(Static):
    """The statistics' scheduler tab: which scheduler a scope uses and what a simulation of
    its cards forecasts (the daily workload, the cards remembered)."""

    def show(self, scope: str, scheduler: str | None, fitted: str | None,
             forecast: Forecast | None) -> None:
        """Show ``scope``'s scheduler and its FSRS weights; the forecast once simulated (None:
        still simulating)."""
        text = joined(("Scheduler", "bold"), f"  {scope}: ")
        text.append(NAMES.get(scheduler or "", "each deck its own") if scheduler else
                    "each deck its own")
        text.append(f" · FSRS weights {fitted or 'the defaults'}\n", style="dim")
        if forecast is None:
            text.append("Simulating…", style="dim")
            self.update(text)
            return
        if not forecast.cards:
            text.append("No cards to simulate.", style="dim")
            self.update(text)
            return
        text.append(
            f"The next {forecast.days} days for one simulated student "
            f"({forecast.cards:,} cards, {forecast.new_cards:,} new, "
            f"{forecast.new_per_day} a day, {forecast.seconds_per_answer:.0f} s an answer)\n",
            style="dim")
        runs = (("SM-2", forecast.sm2, "yellow"),
                (f"FSRS at {forecast.retention:.2f}", forecast.fsrs, "green"))
        # 70 columns: the tab fits an 80-column terminal
        text.append(f"\n{'':<14}{'reviews/day':>12}{'minutes/day':>12}{'remembered':>12}"
                    f"{'answers/remembered':>20}\n", style="dim")
        for name, days, style in runs:
            text.append(f"{name:<14}", style=style)
            text.append(_summary(days))
        for name, days, style in runs:
            text.append(f"\nReviews a day, {name}\n", style="bold")
            text.append_text(columns([d.reviews for d in days], 5, style,
                                     ("today", f"+{len(days) - 1}d")))
            text.append("\n")
        # remembered cards change by a few percent: drawn above a common floor, not from 0
        floor = int(min(d.remembered for _, days, _ in runs for d in days)) - 1
        for name, days, style in runs:
            text.append(f"\nCards remembered, {name}", style="bold")
            text.append(f"  (above {floor:,})\n", style="dim")
            text.append_text(columns([round(d.remembered) - floor for d in days], 4, style,
                                     ("today", f"+{len(days) - 1}d")))
            text.append("\n")
        if forecast.optimal_retention is not None:
            text.append("\nThe fewest answers per card remembered: FSRS at a desired retention "
                        f"of {forecast.optimal_retention:.2f}\n", style="bold")
        text.append("Which scheduler predicts your memory best: trainer evaluate; FSRS fitted "
                    "to you: trainer optimize", style="dim")
        self.update(text)


def _summary(days: list[Day]) -> Text:
    n = len(days)
    reviews, minutes = sum(d.reviews for d in days) / n, sum(d.minutes for d in days) / n
    return Text(f"{reviews:>12.1f}{minutes:>12.1f}{days[-1].remembered:>12,.0f}"
                f"{workload_per_remembered(days):>20.2f}\n")
