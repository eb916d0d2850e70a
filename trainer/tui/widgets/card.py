"""The card panel the study and quiz screens both show: the prompt, the choices or the typed
answer, then the verdict, the answer, the explanation and the source."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from trainer.render.words import visible
from trainer.rules import Verdict
from trainer.sessions import CardView
from trainer.tui.literal import joined, plain

VERDICT_WORDS: dict[Verdict, tuple[str, str]] = {
    "right": ("✓ right", "bold green"), "close": ("≈ close", "bold yellow"),
    "wrong": ("✗ wrong", "bold red"),
}


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
        out.append(visible(option), style=style)
    return out


def answer_text(view: CardView) -> Text:
    """The answer as the card shows it: a cloze's gap answer, then its text with every gap
    filled."""
    if view.kind == "cloze":
        return joined(("Answer: ", "dim"), (view.answer, "bold"), "\n", view.full_text)
    return joined(("Answer: ", "dim"), (view.answer, "bold"))


class CardPanel(VerticalScroll):
    """One card, question side first. Every text in it is the card's own, shown literally."""

    def __init__(self) -> None:
        super().__init__(id="card")

    def compose(self) -> ComposeResult:
        """The card's parts, each shown or hidden by the side that shows."""
        yield Static(id="card-kind")
        yield Static(id="prompt")
        yield Static(id="options")
        yield Input(id="typed", placeholder="Type your answer, then enter")
        yield Static(id="verdict")
        yield Static(id="answer")
        yield Static(id="explanation")
        yield Static(id="source")

    def _static(self, wid: str) -> Static:
        return self.query_one(f"#{wid}", Static)

    @property
    def typed(self) -> Input:
        """The typed answer's input (a typed card's question side)."""
        return self.query_one(Input)

    def show_kind(self, kind_line: Text) -> None:
        """A new kind line (the card's flag or mark changed), the rest as it shows."""
        kind = self._static("card-kind")
        kind.update(kind_line)
        kind.display = True

    def show_question(self, view: CardView, kind_line: Text | None = None) -> None:
        """The question side: the prompt, and the choices or an empty typed answer."""
        kind = self._static("card-kind")
        kind.display = kind_line is not None
        if kind_line is not None:
            kind.update(kind_line)
        self._static("prompt").update(plain(view.prompt))
        options = self._static("options")
        options.display = view.kind == "choice"
        if view.kind == "choice":
            options.update(options_text(view, None))
        typed = self.typed
        typed.value = ""
        typed.display = view.kind == "typed"
        typed.disabled = view.kind != "typed"
        for wid in ("verdict", "answer", "explanation", "source"):
            self._static(wid).display = False
        if view.kind == "typed":
            typed.focus()
        else:
            self.screen.set_focus(None)
        self.scroll_home(animate=False)

    def show_verdict(self, view: CardView, verdict: Verdict, given: str) -> None:
        """The check of a typed or chosen answer (right, close, wrong), with what was typed."""
        word, style = VERDICT_WORDS[verdict]
        line = joined((word, style))
        if view.kind == "typed":
            line.append_text(joined(("   you typed: ", "dim"), given or "(nothing)"))
        widget = self._static("verdict")
        widget.update(line)
        widget.display = True

    def show_answer(self, view: CardView, picked: str | None = None,
                    explanation: bool = True) -> None:
        """The answer side: a choice marks the options, the others show the answer."""
        answer = self._static("answer")
        if view.kind == "choice":
            self._static("options").update(options_text(view, picked))
            answer.display = False
        else:
            answer.update(answer_text(view))
            answer.display = True
        notes = self._static("explanation")
        notes.update(plain(view.explanation, "italic"))
        notes.display = explanation and bool(view.explanation)
        typed = self.typed
        typed.disabled = True
        typed.display = False  # the verdict line repeats what was typed
        self.screen.set_focus(None)

    def toggle_source(self, view: CardView) -> None:
        """Show the card's source quote in place, or hide it again (e on a card that cites no
        paragraph of a source map)."""
        if view.source_quote:
            para = f" (paragraph {view.source_para})" if view.source_para else ""
            text = joined(("Source", "bold"), (para, "dim"), ": “", (view.source_quote, "italic"),
                          "”")
        else:
            text = plain("This card has no source quote.", "dim")
        source = self._static("source")
        source.update(text)
        source.display = not source.display
