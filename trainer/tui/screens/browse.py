"""The card browser (b in the deck list, `trainer browse [QUERY]`): search, a sortable table,
the selected card in full with its history, and actions on one card or many, each undoable
(u takes back the newest action of any session: the one undo stack, kept in the database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets.data_table import RowKey
from textual.worker import get_current_worker

from trainer.formats.limits import tag_problems
from trainer.query import QueryError, parse
from trainer.render.card_detail import HISTORY_HEADER, fields, history_lines, state_line
from trainer.render.words import clip, plural
from trainer.store.errors import StoreError
from trainer.store.search import FoundCard, SearchResult
from trainer.tui.literal import field_value, joined, plain, unchanged
from trainer.tui.screens.ask import AskModal, ConfirmModal
from trainer.tui.screens.base import TrainerScreen

COLUMNS = (("", "mark", 1), ("Prompt", "prompt", 0), ("Deck", "deck", 14), ("Kind", "kind", 6),
           ("Due", "due", 10), ("Ivl", "interval", 4), ("Ease", "ease", 4),
           ("Laps", "lapses", 4), ("Revs", "reviews", 4))
SORTABLE = ["deck", "prompt", "kind", "due", "interval", "ease", "lapses", "reviews"]
FIXED = sum(width + 2 for _, _, width in COLUMNS) + 3  # cell padding and the scrollbar
MAIN_FIELDS = 4  # card, kind, prompt (or text and gap), answer: above the state and history


class BrowseScreen(TrainerScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="browse.back"),
        Binding("slash", "search", "Search", id="browse.search"),
        Binding("space", "mark", "Mark", id="browse.mark"),
        Binding("a", "mark_all", "Mark all", id="browse.mark_all", show=False),
        Binding("s", "sort", "Sort", id="browse.sort"),
        Binding("exclamation_mark", "suspend", "Suspend", id="browse.suspend"),
        Binding("minus", "bury", "Bury", id="browse.bury"),
        Binding("R", "reset", "Reset", id="browse.reset"),
        Binding("d", "due", "Due in", id="browse.due"),
        Binding("m", "move", "Move", id="browse.move"),
        Binding("t", "tag", "Tag", id="browse.tag"),
        Binding("T", "untag", "Untag", id="browse.untag", show=False),
        Binding("delete", "retire", "Delete", id="browse.retire"),
        Binding("u", "undo", "Undo", id="browse.undo"),
        Binding("E", "edit", "Edit", id="browse.edit"),
        Binding("n", "add", "Add", id="browse.add"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.sort = "deck"
        self.descending = False
        self.result = SearchResult(0, [])
        self.marked: set[int] = set()
        self.session_id = f"browse-{uuid.uuid4().hex[:8]}"

    def compose(self) -> ComposeResult:
        yield Input(field_value(self.query_text), id="browse-query",
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
        return max(20, self.trainer.size.width - FIXED)

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        column = next(c for c in table.columns.values() if c.key.value == "prompt")
        if column.width != self._prompt_width():
            column.width = self._prompt_width()
            self._show(self.result)

    def on_mount(self) -> None:
        self.search()
        self.query_one(DataTable).focus()

    # -- searching --------------------------------------------------------------------------

    @on(Input.Submitted, "#browse-query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_text = unchanged(event.value, self.query_text)
        self.marked.clear()
        self.search()
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#browse-query", Input).focus()

    def search(self) -> None:
        try:
            node = parse(self.query_text)
        except QueryError as exc:
            self._status(plain(f"Search: {exc}", "red"))
            return
        self._run(node)

    @work(thread=True, exclusive=True, group="browse")
    def _run(self, node: object) -> None:
        try:
            result = self.trainer.store.search_cards(node, sort=self.sort,  # type: ignore[arg-type]
                                                     descending=self.descending)
        except StoreError as exc:
            self.trainer.call_from_thread(self._status, plain(str(exc), "red"))
            return
        if not get_current_worker().is_cancelled:  # a newer search has the screen
            self.trainer.call_from_thread(self._show, result)

    def _status(self, text: Text) -> None:
        self.query_one("#browse-status", Static).update(text)

    def _show(self, result: SearchResult) -> None:
        self.result = result
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for card in result.cards:
            table.add_row(*self._cells(card), key=str(card.id))
        shown = len(result.cards)
        order = f"sorted by {self.sort}{' (descending)' if self.descending else ''}"
        more = f", the first {shown} shown" if shown < result.total else ""
        marked = f" · {len(self.marked)} marked" if self.marked else ""
        self._status(plain(f"{plural(result.total, 'card')}{more} · {order}{marked}"))
        if result.cards:
            table.move_cursor(row=min(keep, shown - 1))
            self._describe(result.cards[table.cursor_row].id)
        else:
            self.query_one("#browse-detail", Static).update(plain("No card matches.", "dim"))

    def _cells(self, c: FoundCard) -> list[Text]:
        due = "new" if c.due is None else c.due.isoformat()
        if c.retired:
            due = "retired"
        elif c.suspended:
            due = "suspended"
        elif c.buried_until is not None and c.buried_until > self.trainer.store.today():
            due = "buried"
        style = "dim" if c.retired or c.suspended else ""
        # a cloze's gaps share their text: the gap's answer tells them apart
        prompt = f"[{c.answer}] {c.prompt}" if c.kind == "cloze" else c.prompt
        return [
            Text("•" if c.id in self.marked else "", style="bold"),
            plain(clip(" ".join(prompt.split()), self._prompt_width()), style),
            plain(clip(c.deck_key, 14), style), plain(c.kind, style), plain(due, style),
            Text(str(c.interval), justify="right"),
            Text(f"{c.easiness_x100 / 100:.2f}", justify="right"),
            Text(str(c.lapses), justify="right"), Text(str(c.reviews), justify="right"),
        ]

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key not in SORTABLE:
            return
        self.descending = not self.descending if key == self.sort else False
        self.sort = key
        self.search()

    def action_sort(self) -> None:
        self.sort = SORTABLE[(SORTABLE.index(self.sort) + 1) % len(SORTABLE)]
        self.descending = False
        self.search()

    # -- the selected card ------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._describe(int(event.row_key.value))

    @work(thread=True, exclusive=True, group="browse-detail")
    def _describe(self, card_id: int) -> None:
        store = self.trainer.store
        try:
            card = store.card(card_id)
            deck = store.deck(card.deck_id)
            state = store.state(card_id)
            history = store.card_history(card_id)
            retired = store.is_retired(card_id)
        except StoreError as exc:
            self.trainer.call_from_thread(self._detail, plain(str(exc), "red"))
            return
        text = Text()
        every = fields(card, deck.key)
        main = MAIN_FIELDS + (card.kind == "cloze")
        for label, value in every[:main]:
            text.append_text(joined((f"{label}: ", "bold"), value, "\n"))
        text.append_text(joined(("state: ", "bold"), state_line(state, retired)))
        text.append_text(joined(("\nhistory", "bold"), f" ({len(history)})\n"))
        if history:
            text.append(HISTORY_HEADER + "\n", style="dim")
            text.append("\n".join(history_lines(history)) + "\n")
        for label, value in every[main:]:
            text.append_text(joined((f"{label}: ", "bold"), value, "\n"))
        self.trainer.call_from_thread(self._detail, text)

    def _detail(self, text: Text) -> None:
        self.query_one("#browse-detail", Static).update(text)

    # -- marking ----------------------------------------------------------------------------

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        if not self.result.cards or table.cursor_row >= len(self.result.cards):
            return None
        return self.result.cards[table.cursor_row].id

    def _targets(self) -> list[int]:
        """The marked cards, else the one under the cursor."""
        if self.marked:
            return [c.id for c in self.result.cards if c.id in self.marked]
        current = self._current()
        return [] if current is None else [current]

    def action_mark(self) -> None:
        current = self._current()
        if current is None:
            return
        self.marked ^= {current}
        table = self.query_one(DataTable)
        table.update_cell(RowKey(str(current)), "mark",
                          Text("•" if current in self.marked else "", style="bold"))
        table.action_cursor_down()
        self._show_marked()

    def action_mark_all(self) -> None:
        everything = {c.id for c in self.result.cards}
        self.marked = set() if self.marked >= everything else everything
        self._show(self.result)

    def _show_marked(self) -> None:
        status = self.query_one("#browse-status", Static)
        text = str(status.render()).split(" · ")
        text = [t for t in text if not t.endswith("marked")]
        if self.marked:
            text.append(f"{len(self.marked)} marked")
        status.update(plain(" · ".join(text)))

    # -- actions ----------------------------------------------------------------------------

    def _act(self, verb: str, ids: list[int], do: Callable[[], str | None]) -> None:
        """Confirm when more than one card is affected, then act, say what was done (``do``'s
        words; None: nothing changed) and search again."""
        if not ids or not self.trainer.writable("change cards"):
            return

        def go(yes: bool | None = True) -> None:
            if not yes:
                return
            try:
                done = do()
            except StoreError as exc:
                self.notify(str(exc), severity="error", timeout=6)
                return
            if done is not None:
                self.notify(f"{done} · u to undo", timeout=3)
            self.marked.clear()
            self.search()

        if len(ids) > 1:
            self.trainer.push_screen(ConfirmModal(f"{verb} {len(ids)} cards?"), go)
        else:
            go()

    def _change(self, verb: str, change: str, ids: list[int], days: int = 0) -> None:
        store = self.trainer.store

        def do() -> str | None:
            n = store.change_many(ids, change, days=days,  # type: ignore[arg-type]
                                  session_id=self.session_id)
            if not n:
                self.notify(f"Nothing to {verb.lower()}: already so.", timeout=3)
                return None
            return f"{verb}: {plural(n, 'card')}"
        self._act(verb, ids, do)

    def _flag_of(self, ids: list[int], test: Callable[[FoundCard], bool]) -> bool:
        cards = [c for c in self.result.cards if c.id in set(ids)]
        return bool(cards) and all(test(c) for c in cards)

    def action_suspend(self) -> None:
        ids = self._targets()
        if self._flag_of(ids, lambda c: c.suspended):
            self._change("Unsuspend", "unsuspend", ids)
        else:
            self._change("Suspend", "suspend", ids)

    def action_bury(self) -> None:
        ids = self._targets()
        today = self.trainer.store.today()
        if self._flag_of(ids, lambda c: c.buried_until is not None and c.buried_until > today):
            self._change("Unbury", "unbury", ids)
        else:
            self._change("Bury", "bury", ids)

    def action_reset(self) -> None:
        self._change("Reset to new", "reset", self._targets())

    def action_due(self) -> None:
        ids = self._targets()
        if not ids:
            return

        def check(value: str) -> str | None:
            ok = value.isdigit() and int(value) <= 36_500
            return None if ok else "a whole number of days from 0 (today) to 36,500"

        def asked(value: str | None) -> None:
            if value is not None:
                self._change(f"Due in {value} days", "reschedule", ids, int(value))
        self.trainer.push_screen(AskModal(f"Due in how many days ({plural(len(ids), 'card')})?",
                                          "0 is today", check), asked)

    def action_move(self) -> None:
        ids = self._targets()
        if not ids:
            return
        store = self.trainer.store

        def check(value: str) -> str | None:
            try:
                store.find_deck(value)
            except StoreError as exc:
                return str(exc)
            return None

        def asked(value: str | None) -> None:
            if value is None:
                return
            deck = store.find_deck(value)

            def do() -> str:
                moved = store.move_many(ids, deck.id)
                return f"Moved {plural(len(moved), 'card')} to {deck.key}"
            self._act(f"Move to {deck.key}", ids, do)
        self.trainer.push_screen(AskModal(f"Move {plural(len(ids), 'card')} to which deck?",
                                          "a deck's key or name", check), asked)

    def _tagging(self, add: bool) -> None:
        ids = self._targets()
        if not ids:
            return
        store = self.trainer.store

        def check(value: str) -> str | None:
            if add:
                return "; ".join(tag_problems(value)) or None
            return None if value.split() == [value] else "a tag is one word without spaces"

        def asked(tag: str | None) -> None:
            if tag is None:
                return

            def do() -> str | None:
                changed = store.tag_many(ids, tag, add)
                if not changed:
                    return None
                return f"{'Tagged' if add else 'Untagged'} {plural(len(changed), 'card')} {tag}"
            self._act(f"{'Tag' if add else 'Untag'} {tag}:", ids, do)
        verb = "Add which tag to" if add else "Remove which tag from"
        self.trainer.push_screen(AskModal(f"{verb} {plural(len(ids), 'card')}?", "a-tag",
                                          check), asked)

    def action_tag(self) -> None:
        self._tagging(True)

    def action_untag(self) -> None:
        self._tagging(False)

    def action_retire(self) -> None:
        ids = self._targets()
        store = self.trainer.store

        def do() -> str | None:
            changed = store.retire_many(ids)
            if not changed:
                return None
            return f"Deleted (retired) {plural(len(changed), 'card')}"
        self._act("Delete (retire, reviews kept)", ids, do)

    def action_edit(self) -> None:
        current = self._current()
        if current is not None and self.trainer.writable("edit cards"):
            self.trainer.edit_card(current, self._edited)

    def action_add(self) -> None:
        current = self._current()
        if not self.trainer.writable("add cards"):
            return
        store = self.trainer.store
        if current is not None:
            self.trainer.add_card(store.deck(store.card(current).deck_id), self._edited)
            return

        def asked(value: str | None) -> None:
            if value:
                self.trainer.add_card(store.find_deck(value), self._edited)

        def check(value: str) -> str | None:
            try:
                store.find_deck(value)
            except StoreError as exc:
                return str(exc)
            return None
        self.trainer.push_screen(AskModal("Add a card to which deck?", "a deck's key or name",
                                          check), asked)

    def _edited(self, saved: bool | None) -> None:
        if saved:
            self.search()
            current = self._current()
            if current is not None:
                self._describe(current)

    def action_undo(self) -> None:
        if self.trainer.take_back_newest() is not None:
            self.search()

    def action_back(self) -> None:
        if self.query_one("#browse-query", Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.dismiss()
