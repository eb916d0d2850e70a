"""The deck table; enter studies the selected deck, and the footer says so."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class DeckTable(DataTable[object]):
    """The deck table; enter studies the selected deck, and the footer says so."""

    BINDINGS = [Binding("enter", "select_cursor", "Study", id="decks.select")]
