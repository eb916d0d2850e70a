"""Charts as Rich Text: trainer.render.charts' cells, coloured by theme style names.

Textual's own widgets are enough here: a chart is a few lines of block characters, with no
plotting library to pin alongside Textual.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from trainer.render import charts
from trainer.render.charts import SHADES, WEEKDAYS


def columns(values: list[int], height: int = 6, style: str = "green",
            labels: tuple[str, str] | None = None) -> Text:
    """Vertical bars, ``height`` rows tall, with the peak marked and labels below."""
    out = Text()
    for i, row in enumerate(charts.columns(values, height)):
        out.append(row, style=style)
        if i == 0:
            out.append(f" {max(values, default=0)}", style="dim")
        out.append("\n")
    if labels:
        left, right = labels
        if left == right:  # one day: one label
            out.append(left, style="dim")
        else:
            gap = max(1, len(values) - len(left) - len(right))
            out.append(left + " " * gap + right, style="dim")
    return out


def hbars(rows: list[tuple[str, int]], width: int = 40, style: str = "blue") -> Text:
    """Horizontal bars, one a labelled row, the longest ``width`` cells wide."""
    peak = max((v for _, v in rows), default=0)
    label_width = max((len(label) for label, _ in rows), default=0)
    out = Text()
    for i, (label, value) in enumerate(rows):
        if i:
            out.append("\n")
        out.append(f"{label:>{label_width}} ", style="dim")
        out.append(charts.bar(value, peak, width), style=style)
        out.append(f" {value}")
    return out


def heatmap(per_day: dict[date, int], today: date, weeks: int = 53) -> Text:
    """A year of study days: one column a week, Monday at the top."""
    out = Text()
    for name, row in zip(WEEKDAYS, charts.heatmap(per_day, today, weeks), strict=True):
        out.append(f"{name:<4}", style="dim")
        for cell in row:
            if cell.char == " ":
                out.append(" ")
            else:
                out.append(cell.char, style="green" if cell.level else "dim")
        out.append("\n")
    out.append("    less " + SHADES + " more", style="dim")
    return out


def falling(rates: list[float | None], style: str = "green") -> Text:
    """One character a rate (retention), full at 100 % and lower as it falls; blank where
    there is none."""
    return Text(charts.falling(rates), style=style)
