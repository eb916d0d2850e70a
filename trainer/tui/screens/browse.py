"""The card browser (b in the deck list, `trainer browse [QUERY]`): search, a sortable table,
the selected card in full with its history, and actions on one card or many, each undoable
(u takes back the newest action of any session: the one undo stack, kept in the database).
The browser's state and actions are a BrowseSession's; this screen shows them and asks."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets.data_table import RowKey
from textual.worker import get_current_worker

from trainer.query import Node, QueryError
from trainer.render.card_detail import HISTORY_HEADER
from trainer.render.words import clip, plural
from trainer.rules import FLAG_COLOURS, flag_name
from trainer.sessions.browse import BrowseRow, BrowseSession, CardDetail, Pending
from trainer.store.errors import StoreError
from trainer.store.records import SearchResult
from trainer.tui.literal import field_value, joined, plain, unchanged
from trainer.tui.navigation import TrainerScreen
from trainer.tui.widgets.dialogs import AskModal, ConfirmModal
from trainer.tui.widgets.flag_picker import FLAG_SIGN, FlagModal, cell

COLUMNS = (("", "select", 1), (FLAG_SIGN, "flag", 2), ("Prompt", "prompt", 0),
           ("Deck", "deck", 14), ("Kind", "kind", 6), ("Due", "due", 10),
           ("Ivl", "interval", 4), ("Ease", "ease", 4), ("Laps", "lapses", 4),
           ("Revs", "reviews", 4))
FIXED = sum(width + 2 for _, _, width in COLUMNS) + 3  # cell padding and the scrollbar


class BrowseScreen(TrainerScreen[None]):
    """The browser: a search box, the table of cards found, the selected card in full; each
    key dispatches to the BrowseSession, asking first when an action changes many cards."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="browse.back"),
        Binding("slash", "search", "Search", id="browse.search"),
        Binding("space", "select", "Select", id="browse.select"),
        Binding("a", "select_all", "Select all", id="browse.select_all", show=False),
        Binding("s", "sort", "Sort", id="browse.sort"),
        Binding("exclamation_mark", "suspend", "Suspend", id="browse.suspend"),
        Binding("minus", "bury", "Bury", id="browse.bury"),
        Binding("R", "reset", "Reset", id="browse.reset"),
        Binding("d", "due", "Due in", id="browse.due"),
        Binding("m", "move", "Move", id="browse.move"),
        Binding("t", "tag", "Tags", id="browse.tag"),
        Binding("T", "untag", "Untag", id="browse.untag", show=False),
        Binding("delete", "retire", "Delete", id="browse.retire"),
        Binding("u", "undo", "Undo", id="browse.undo"),
        Binding("E", "edit", "Edit", id="browse.edit"),
        Binding("n", "add", "Add", id="browse.add"),
        # Anki's flags and mark (the help lists them: the footer is full already); f picks a
        # flag where ctrl+1…7 never arrive (tmux, most terminals)
        *[Binding(f"ctrl+{n}", f"flag({n})", flag_name(n).capitalize(), show=False,
                  id=f"browse.flag{n}") for n in range(1, len(FLAG_COLOURS) + 1)],
        Binding("f", "pick_flag", "Flag", id="browse.pick_flag", show=False),
        Binding("asterisk", "mark", "Mark", id="browse.mark", show=False),
    ]

    def __init__(self, session: BrowseSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        """The search box, the status line, the table and the detail pane under it."""
        yield Input(field_value(self.session.query_text), id="browse-query",
                    placeholder="search: words, \"a phrase\", deck:KEY tag:T is:due prop:ivl>10 "
                                "… (docs/search.md)")
        yield Static(id="browse-status")
        table: DataTable[Text] = DataTable(id="browse-table", cursor_type="row",
                                           zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width or self._prompt_width())
        yield table
        with VerticalScroll(id="browse-detail-pane"):
            yield Static(id="browse-detail")
        yield Footer()

    def _prompt_width(self) -> int:
        return max(20, self.app.size.width - FIXED)

    def on_resize(self) -> None:
        """The prompts take the width the other columns leave."""
        table = self.query_one(DataTable)
        column = next(c for c in table.columns.values() if c.key.value == "prompt")
        if column.width != self._prompt_width():
            column.width = self._prompt_width()
            self._show(self.session.result)

    def on_mount(self) -> None:
        """The first search, with the table ready for keys."""
        self.search()
        self.query_one(DataTable).focus()

    # -- searching --------------------------------------------------------------------------

    @on(Input.Submitted, "#browse-query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.session.new_query(unchanged(event.value, self.session.query_text))
        self.search()
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        """To the search box."""
        self.query_one("#browse-query", Input).focus()

    def search(self) -> None:
        """Search again (in a worker); a search that does not parse says why instead."""
        try:
            node = self.session.parsed()
        except QueryError as exc:
            self._status(plain(f"Search: {exc}", "red"))
            return
        self._run(node)

    @work(thread=True, exclusive=True, group="browse")
    def _run(self, node: Node | None) -> None:
        try:
            result = self.session.find(node)
        except StoreError as exc:
            self.app.call_from_thread(self._status, plain(str(exc), "red"))
            return
        if not get_current_worker().is_cancelled:  # a newer search has the screen
            self.app.call_from_thread(self._show, result)

    def _status(self, text: Text) -> None:
        self.query_one("#browse-status", Static).update(text)

    def _show(self, result: SearchResult) -> None:
        self.session.found(result)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for row in self.session.rows():
            table.add_row(*self._cells(row), key=str(row.card_id))
        self._status(plain(self.session.status()))
        if result.cards:
            table.move_cursor(row=min(keep, len(result.cards) - 1))
            self._describe(result.cards[table.cursor_row].id)
        else:
            self.query_one("#browse-detail", Static).update(plain("No card matches.", "dim"))

    def _cells(self, row: BrowseRow) -> list[Text]:
        style = "dim" if row.dim else ""
        return [
            Text("•" if row.selected else "", style="bold"), cell(row.flag, row.marked),
            plain(clip(row.prompt, self._prompt_width()), style),
            plain(clip(row.deck, 14), style), plain(row.kind, style), plain(row.due, style),
            Text(str(row.interval), justify="right"), Text(row.ease, justify="right"),
            Text(str(row.lapses), justify="right"), Text(str(row.reviews), justify="right"),
        ]

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if self.session.sort_by(str(event.column_key.value)):
            self.search()

    def action_sort(self) -> None:
        """Sort by the next column."""
        self.session.next_sort()
        self.search()

    # -- the selected card ------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._describe(int(event.row_key.value))

    @work(thread=True, exclusive=True, group="browse-detail")
    def _describe(self, card_id: int) -> None:
        try:
            detail = self.session.detail(card_id)
        except StoreError as exc:
            self.app.call_from_thread(self._detail, plain(str(exc), "red"))
            return
        self.app.call_from_thread(self._detail, self._detail_text(detail))

    @staticmethod
    def _detail_text(detail: CardDetail) -> Text:
        text = Text()
        for label, value in detail.main:
            text.append_text(joined((f"{label}: ", "bold"), value, "\n"))
        text.append_text(joined(("state: ", "bold"), detail.state))
        text.append_text(joined(("\nhistory", "bold"), f" ({len(detail.history)})\n"))
        if detail.history:
            text.append(HISTORY_HEADER + "\n", style="dim")
            text.append("\n".join(detail.history) + "\n")
        for label, value in detail.rest:
            text.append_text(joined((f"{label}: ", "bold"), value, "\n"))
        return text

    def _detail(self, text: Text) -> None:
        self.query_one("#browse-detail", Static).update(text)

    # -- selecting ----------------------------------------------------------------------------

    def _current(self) -> int | None:
        return self.session.card_at(self.query_one(DataTable).cursor_row)

    def _targets(self) -> list[int]:
        """The selected cards, else the one under the cursor."""
        return self.session.targets(self._current())

    def action_select(self) -> None:
        """Select the card under the cursor (or leave it out again), and go to the next."""
        current = self._current()
        if current is None:
            return
        selected = self.session.toggle_select(current)
        table = self.query_one(DataTable)
        table.update_cell(RowKey(str(current)), "select",
                          Text("•" if selected else "", style="bold"))
        table.action_cursor_down()
        status = self.query_one("#browse-status", Static)
        status.update(plain(self.session.selected_status(str(status.render()))))

    def action_select_all(self) -> None:
        """Select every card shown, or none when they all were."""
        self.session.select_all()
        self._show(self.session.result)

    # -- actions ----------------------------------------------------------------------------

    def _act(self, pending: Pending) -> None:
        """Confirm when more than one card is affected, then act, say what was done and
        search again."""
        if not pending.ids or not self.trainer.writable("change cards"):
            return

        def go(yes: bool | None = True) -> None:
            if not yes:
                return
            try:
                done = self.session.perform(pending)
            except StoreError as exc:
                self.notify(str(exc), severity="error", timeout=6)
                return
            if done is not None:
                self.notify(done.message + (" · u to undo" if done.undoable else ""),
                            timeout=3)
            self.search()

        if len(pending.ids) > 1:
            self.app.push_screen(ConfirmModal(pending.question), go)
        else:
            go()

    def action_suspend(self) -> None:
        """Suspend the cards, or unsuspend them when all are."""
        self._act(self.session.suspend(self._targets()))

    def action_bury(self) -> None:
        """Bury the cards until tomorrow, or unbury them when all are."""
        self._act(self.session.bury(self._targets()))

    def action_reset(self) -> None:
        """Make the cards new again."""
        self._act(self.session.reset(self._targets()))

    def action_due(self) -> None:
        """Ask in how many days the cards are due, then reschedule them."""
        ids = self._targets()
        if not ids:
            return

        def asked(value: str | None) -> None:
            if value is not None:
                self._act(self.session.reschedule(ids, value))
        self.app.push_screen(AskModal(f"Due in how many days ({plural(len(ids), 'card')})?",
                                          "0 is today", self.session.days_problem), asked)

    def action_move(self) -> None:
        """Ask for a deck, then move the cards there."""
        ids = self._targets()
        if not ids:
            return

        def asked(value: str | None) -> None:
            if value is not None:
                self._act(self.session.move(ids, value))
        self.app.push_screen(AskModal(f"Move {plural(len(ids), 'card')} to which deck?",
                                          "a deck's key or name", self.session.deck_problem),
                                 asked)

    def _tagging(self, add: bool) -> None:
        ids = self._targets()
        if not ids:
            return
        if add and not self.session.selected:  # one card: its tags, to edit
            self._edit_tags(ids[0])
            return

        def asked(tag: str | None) -> None:
            if tag is not None:
                self._act(self.session.tag(ids, tag, add))
        verb = "Add which tag to" if add else "Remove which tag from"
        self.app.push_screen(AskModal(f"{verb} {plural(len(ids), 'card')}?", "a-tag",
                                          lambda value: self.session.tag_problem(value, add)),
                                 asked)

    def _edit_tags(self, card_id: int) -> None:
        tags = self.session.tags_of(card_id)

        def asked(value: str | None) -> None:
            if value is not None and value != tags:
                self._act(self.session.set_tags(card_id, value))
        self.app.push_screen(AskModal("The card's tags, separated by spaces", "a-tag another",
                                      self.session.tags_problem, tags, extend=True), asked)

    def action_tag(self) -> None:
        """The card's tags to edit; with cards selected, a tag to add to them."""
        self._tagging(True)

    def action_untag(self) -> None:
        """Ask for a tag, then remove it from the cards."""
        self._tagging(False)

    def action_flag(self, colour: int) -> None:
        """Flag the cards (ctrl+1…7, Anki's colours); their flag again takes it off."""
        self._act(self.session.flag(self._targets(), colour))

    def action_pick_flag(self) -> None:
        """Pick a flag by its number (f): for a terminal that keeps ctrl+1…7 to itself."""
        ids = self._targets()
        if not ids:
            return
        current = self.session.flag_of(ids)

        def picked(colour: int | None) -> None:
            if colour is not None and (colour or current):
                self._act(self.session.flag(ids, colour or current))
        what = "the card" if len(ids) == 1 else plural(len(ids), "card")
        self.app.push_screen(FlagModal(current, what), picked)

    def action_mark(self) -> None:
        """Mark the cards (*, Anki's `marked` tag), or unmark them when all are."""
        self._act(self.session.mark(self._targets()))

    def action_retire(self) -> None:
        """Delete the cards (retired: their reviews stay, undo brings them back)."""
        self._act(self.session.retire(self._targets()))

    def action_edit(self) -> None:
        """Edit the card under the cursor."""
        current = self._current()
        if current is not None and self.trainer.writable("edit cards"):
            self.trainer.edit_card(current, self._edited)

    def action_add(self) -> None:
        """Add a card: to the deck of the card under the cursor, else to a deck asked for."""
        current = self._current()
        if not self.trainer.writable("add cards"):
            return
        store = self.trainer.store
        if current is not None:
            self.trainer.add_card(self.session.deck_of(current), self._edited)
            return

        def asked(value: str | None) -> None:
            if value:
                self.trainer.add_card(store.decks.find(value), self._edited)
        self.app.push_screen(AskModal("Add a card to which deck?", "a deck's key or name",
                                          self.session.deck_problem), asked)

    def _edited(self, saved: bool | None) -> None:
        if saved:
            self.search()
            current = self._current()
            if current is not None:
                self._describe(current)

    def action_undo(self) -> None:
        """Take back the newest action of any session (the one undo stack)."""
        if self.trainer.take_back_newest(self.session.undo) is not None:
            self.search()

    def action_back(self) -> None:
        """From the search box to the table; from the table, back where the browser opened."""
        if self.query_one("#browse-query", Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss()
