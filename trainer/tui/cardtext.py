"""How a card's options and answer read on screen, shared by study and quiz."""

from __future__ import annotations

from rich.text import Text

from trainer.study import CardView
from trainer.tui.text import joined


def options_text(view: CardView, picked: str | None) -> Text:
    """Numbered choices; once one is picked, the right one is marked and a wrong pick too."""
    out = Text()
    for n, option in enumerate(view.options, 1):
        if n > 1:
            out.append("\n")
        mark, style = "  ", ""
        if picked is not None:
            if option == view.answer:
                mark, style = "✓ ", "bold green"
            elif option == picked:
                mark, style = "✗ ", "bold red"
            else:
                style = "dim"
        out.append(f"{mark}{n}. ", style=style or "bold")
        out.append(option, style=style)
    return out


def answer_text(view: CardView) -> Text:
    text = joined(("Answer: ", "dim"), (view.answer, "bold"))
    if view.kind == "cloze":
        text.append("\n")
        text.append(view.full_text)
    return text
