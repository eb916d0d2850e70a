"""Charts as characters: sparklines, bars, columns and heatmap cells.

No styles here: the CLI prints these strings as they are, and the TUI colours the same cells
(trainer.tui.widgets.charts), so both draw a figure the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

EIGHTHS = " ▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def spark(values: list[int]) -> str:
    """One character a value, its height in eighths of the peak (an empty cell for zero)."""
    peak = max(values, default=0)
    if not peak:
        return EIGHTHS[0] * len(values)
    return "".join(EIGHTHS[0] if not v else EIGHTHS[max(1, round(8 * v / peak))]
                   for v in values)


def bar(value: int, peak: int, width: int) -> str:
    """A horizontal bar ``width`` characters long at the peak, in eighths of a character."""
    full = width * value / peak if peak else 0
    return "█" * int(full) + (EIGHTHS[int((full % 1) * 8)] if full % 1 else "")


def columns(values: list[int], height: int) -> list[str]:
    """Vertical bars, one character wide each and ``height`` rows tall, top row first."""
    peak = max(values, default=0)
    rows = []
    for row in range(height, 0, -1):
        cells = []
        for v in values:
            level = v * height * 8 / peak if peak else 0
            cells.append(EIGHTHS[int(max(0, min(8, level - (row - 1) * 8)))])
        rows.append("".join(cells))
    return rows


def falling(rates: list[float | None]) -> str:
    """One character a rate, full at 100 % and lower as it falls; blank where there is none."""
    return "".join(" " if r is None else "█▇▆▅▄▃▂▁"[min(7, int((1 - r) * 8))] for r in rates)


@dataclass(frozen=True, slots=True)
class HeatCell:
    char: str  # a shade, '·' for a day without answers, ' ' for a day still to come
    level: int  # 0 for none, 1-4 by the day's share of the peak


def heatmap(per_day: dict[date, int], today: date, weeks: int = 53) -> list[list[HeatCell]]:
    """A year of study days: seven rows (Monday first), one cell a week."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    peak = max(per_day.values(), default=0)
    grid = []
    for weekday in range(7):
        row = []
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                row.append(HeatCell(" ", 0))
                continue
            n = per_day.get(day, 0)
            level = 0 if not n else 1 + min(3, int(4 * n / (peak + 1)))
            row.append(HeatCell(SHADES[level], level))
        grid.append(row)
    return grid
