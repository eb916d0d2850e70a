"""The source map as text (`trainer map`): one block a paragraph, its mastery on one line, its
quotes below, and with the source text given, the paragraph itself."""

from __future__ import annotations

import textwrap

from trainer.render.words import pct, plural
from trainer.rules import Maturity
from trainer.stats.source_map import MATURITIES, Paragraph, share

# one character a maturity, weakest to strongest, as the TUI colours them
BAR_MARKS = {"new": "·", "learning": "░", "young": "▒", "mature": "█"}
BAR_WIDTH = 20


def bar_runs(paragraph: Paragraph, width: int = BAR_WIDTH) -> list[tuple[Maturity, int]]:
    """The paragraph's cards as runs of one bar ``width`` cells long: mature first, then
    young, learning and new (rounding's shortfall is new, its excess cut)."""
    runs: list[tuple[Maturity, int]] = []
    left = width
    for which in reversed(MATURITIES):
        n = min(left, round(share(paragraph, which) * width))
        runs.append((which, n + (left - n if which == "new" else 0)))
        left -= runs[-1][1]
    return runs


def mastery_bar(paragraph: Paragraph, width: int = BAR_WIDTH) -> str:
    return "".join(BAR_MARKS[which] * n for which, n in bar_runs(paragraph, width))


def shares_line(paragraph: Paragraph) -> str:
    return "  ".join(f"{which} {pct(share(paragraph, which))}" for which in MATURITIES)


def retention_line(paragraph: Paragraph) -> str:
    r = paragraph["retention"]
    return f"30-day retention {pct(r['rate'])}" + (f" of {r['total']}" if r["total"] else "")


def render_map(title: str, paragraphs: list[Paragraph], text: list[str] | None = None,
               width: int = 80) -> str:
    """``text``: the source's paragraphs (1-based as the cards cite them), to show in full."""
    cards = sum(p["cards"] for p in paragraphs)
    lines = [title, f"{plural(cards, 'card')} cite {plural(len(paragraphs), 'paragraph')}; "
             f"bar: █ mature ▒ young ░ learning · new", ""]
    for p in paragraphs:
        lines.append(f"¶{p['para']:<4} {plural(p['cards'], 'card'):<9} {mastery_bar(p)}  "
                     f"{retention_line(p)}")
        lines.append(f"      {shares_line(p)}")
        if text is not None and 1 <= p["para"] <= len(text):
            lines += textwrap.wrap(text[p["para"] - 1], width - 6, initial_indent="      ",
                                   subsequent_indent="      ", break_on_hyphens=False)
        for q in p["quotes"]:
            lines += textwrap.wrap(f"“{q['quote']}” ({q['entry']})", width - 8,
                                   initial_indent="    > ", subsequent_indent="      ",
                                   break_on_hyphens=False)
        lines.append("")
    if not paragraphs:
        lines.append("No card of this deck cites a paragraph of its source.")
    return "\n".join(lines).rstrip() + "\n"
