"""Charts drawn as Rich Text: column bars, horizontal bars and a calendar heatmap.

Textual's own widgets are enough here: a chart is a few lines of block characters, themed by
style names, with no plotting library to pin alongside Textual.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text

EIGHTHS = " ▁▂▃▄▅▆▇█"
SHADES = ["·", "░", "▒", "▓", "█"]


def columns(values: list[int], height: int = 6, style: str = "green",
            labels: tuple[str, str] | None = None) -> Text:
    """Vertical bars, one character wide each, ``height`` rows tall, with the peak marked."""
    peak = max(values, default=0)
    out = Text()
    for row in range(height, 0, -1):
        for v in values:
            level = v * height * 8 / peak if peak else 0
            cell = level - (row - 1) * 8
            out.append(EIGHTHS[int(max(0, min(8, cell)))], style=style)
        if row == height:
            out.append(f" {peak}", style="dim")
        out.append("\n")
    if labels:
        left, right = labels
        gap = max(1, len(values) - len(left) - len(right))
        out.append(left + " " * gap + right, style="dim")
    return out


def hbars(rows: list[tuple[str, int]], width: int = 40, style: str = "blue") -> Text:
    peak = max((v for _, v in rows), default=0)
    label_width = max((len(label) for label, _ in rows), default=0)
    out = Text()
    for i, (label, value) in enumerate(rows):
        if i:
            out.append("\n")
        out.append(f"{label:>{label_width}} ", style="dim")
        full = width * value / peak if peak else 0
        out.append("█" * int(full) + (EIGHTHS[int((full % 1) * 8)] if full % 1 else ""),
                   style=style)
        out.append(f" {value}")
    return out


def heatmap(per_day: dict[date, int], today: date, weeks: int = 53) -> Text:
    """A year of study days: one column a week, Monday at the top."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    peak = max(per_day.values(), default=0)
    out = Text()
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        out.append(f"{name:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                out.append(" ")
                continue
            n = per_day.get(day, 0)
            shade = 0 if not n else 1 + min(3, int(4 * n / (peak + 1)))
            out.append(SHADES[shade], style="green" if n else "dim")
        out.append("\n")
    out.append("    less " + "".join(SHADES) + " more", style="dim")
    return out
