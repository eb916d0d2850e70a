"""The source map (m in the deck list, e on a study card): the deck's source paragraph by
paragraph, how well the student knows each, and the quotes its cards cite."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from trainer.errors import UserError
from trainer.render.source_map import BAR_MARKS, BAR_WIDTH, bar_runs, retention_line
from trainer.render.words import pct, plural
from trainer.stats.source_map import MATURITIES, Paragraph, share, source_map
from trainer.store import Deck, DeckTree
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen

COLOURS = {"new": "grey50", "learning": "red", "young": "yellow", "mature": "green"}


def coloured_bar(paragraph: Paragraph) -> Text:
    """A paragraph's mastery bar: its cards' runs of new, learning, young and mature, each in
    its colour and mark."""
    bar = Text()
    for which, n in bar_runs(paragraph):
        bar.append(BAR_MARKS[which] * n, style=COLOURS[which])
    return bar


class SourceMapScreen(TrainerScreen[None]):
    """A deck's source text paragraph by paragraph: how many cards cite each, how well they
    are known, and the quotes of the one selected."""

    BINDINGS = [Binding("escape", "back", "Back", id="map.back")]

    def __init__(self, deck: Deck | DeckTree, para: int | None = None) -> None:
        """``deck``: one deck, or a deck or parent with the decks under it (their paragraphs
        together)."""
        super().__init__()
        self.deck = deck
        self.focus_para = para
        self.paragraphs: list[Paragraph] = []

    def compose(self) -> ComposeResult:
        """The title, the paragraphs' table, the bar's legend and the quotes' pane."""
        with Vertical(id="map-body"):
            yield Static(joined(("Source map: ", "bold"), self.deck.name), id="map-title")
            table: DataTable[Text] = DataTable(id="map-table", cursor_type="row",
                                               zebra_stripes=True)
            table.add_column("¶", key="para", width=4)
            table.add_column("Cards", key="cards", width=5)
            table.add_column("Mastery", key="bar", width=BAR_WIDTH)
            for which in MATURITIES:
                table.add_column(Text(which.capitalize(), justify="right"), key=which, width=8)
            table.add_column("30-day recall", key="recall", width=13)
            yield table
            yield Static(plain("bar: █ mature  ▒ young  ░ learning  · new", "dim"),
                         id="map-legend")
            with VerticalScroll(id="map-quotes-pane"):
                yield Static(plain("Loading…"), id="map-quotes")
        yield Footer()

    def on_mount(self) -> None:
        """Read the map."""
        self.load()

    @work(thread=True, exclusive=True, group="map")
    def load(self) -> None:
        """Read the deck's map off the UI thread, then show it."""
        try:
            found = source_map(self.trainer.store, self.deck)
        except UserError as exc:  # a store's refusal, or decks quoting different sources
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, paragraphs: list[Paragraph]) -> None:
        self.paragraphs = paragraphs
        table = self.query_one(DataTable)
        table.clear()
        for p in paragraphs:
            r = p["retention"]
            table.add_row(
                Text(str(p["para"]), justify="right"), Text(str(p["cards"]), justify="right"),
                coloured_bar(p),
                *[Text(pct(share(p, which)), justify="right") for which in MATURITIES],
                Text(pct(r["rate"]) + (f" of {r['total']}" if r["total"] else ""),
                     justify="right"),
                key=str(p["para"]))
        if not paragraphs:
            self.query_one("#map-quotes", Static).update(
                plain("No card of this deck cites a paragraph of its source."
                      if isinstance(self.deck, Deck) or not self.deck.subdecks
                      else "No card of these decks cites a paragraph of their source."))
            return
        row = next((i for i, p in enumerate(paragraphs) if p["para"] == self.focus_para), 0)
        table.move_cursor(row=row)
        self._describe(row)
        table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if not 0 <= row < len(self.paragraphs):
            return
        p = self.paragraphs[row]
        text = joined((f"Paragraph {p['para']}", "bold"),
                      f": {plural(p['cards'], 'card')}, {retention_line(p)}\n")
        for q in p["quotes"]:
            text.append("\n“")
            text.append_text(plain(q["quote"], "italic"))
            text.append("”  ")
            text.append_text(plain(q["entry"], "dim"))
        self.query_one("#map-quotes", Static).update(text)

    def action_back(self) -> None:
        """Back to the screen it was opened from."""
        self.dismiss()
