"""The deck list: today's new / due / repeat counts per deck, and where every session starts."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from trainer.formats.limits import key_problems, name_problems
from trainer.render.deck_tree import SEP, deck_tree
from trainer.render.words import clip
from trainer.sessions.target import AllDecks, OneDeck, ParentName, StudyTarget, tree_of
from trainer.settings import Settings
from trainer.store.errors import StoreError
from trainer.store.records import Deck, DeckSummary, DeckTree, Overview
from trainer.studyday import study_day
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen
from trainer.tui.widgets.deck_table import DeckTable
from trainer.tui.widgets.dialogs import AskModal, ConfirmModal

TOTAL_KEY = "__total__"  # the "All decks" row's key
PARENT_ROW = "__parent__:"  # a parent that is only a name: its row's key, before its name
# four count columns of 6 and "Last studied" of 12, one cell of padding each side of every
# column, the body's padding and the scrollbar
FIXED_COLUMNS = 4 * 8 + 14 + 2 + 4


def _ago(moment: datetime | None, today: date, settings: Settings) -> str:
    """How long ago, in study days: a deck studied at 18:00 in New York was studied "today"
    at 21:00 there, although the UTC date has changed."""
    if moment is None:
        return "never"
    days = (today - study_day(moment, settings)).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


class DeckListScreen(TrainerScreen[None]):
    """Where every session starts: each deck (nested under its parents) with today's new, due
    and repeat counts, "All decks" below them; its keys study, quiz, browse and manage the
    selected deck. In a read-only window it says which other window studies."""

    BINDINGS = [
        Binding("a", "study_all", "Study all", id="decks.study_all"),
        Binding("q", "quiz", "Quiz", id="decks.quiz"),
        Binding("s", "stats", "Statistics", id="decks.stats"),
        Binding("i", "import_file", "Import", id="decks.import"),
        Binding("o", "options", "Options", id="decks.options"),
        Binding("m", "source_map", "Source map", id="decks.source_map"),
        Binding("b", "browse", "Browse", id="decks.browse"),
        Binding("n", "add_card", "Add card", id="decks.add_card"),
        Binding("c", "create_deck", "New deck", id="decks.create", show=False),
        Binding("r", "rename_deck", "Rename", id="decks.rename", show=False),
        Binding("delete", "delete_deck", "Delete deck", id="decks.delete", show=False),
        Binding("ctrl+z", "undo", "Undo", id="decks.undo", show=False),
        Binding("u", "undo", "Undo", id="decks.undo_u", show=False),
    ]

    def compose(self) -> ComposeResult:
        """The title, the deck table (its columns, no rows yet) and the status line."""
        with Vertical(id="decks-body"):
            title = joined(("trainer", "bold"), "  your decks for today")
            holder = self.trainer.holder
            if holder is not None:
                title.append(f"\nread-only: another window ({holder.describe()}) is studying "
                             "this database", style="bold yellow")
            yield Static(title, id="decks-title")
            table = DeckTable(id="deck-table", cursor_type="row", zebra_stripes=True)
            table.add_column("Deck", key="name", width=self._name_width())
            for label in ("New", "Due", "Repeat", "Cards"):
                table.add_column(Text(label, justify="right"), key=label.lower(), width=6)
            table.add_column("Last studied", key="last", width=12)
            yield table
            yield Static(plain("Loading decks…"), id="decks-status")
        yield Footer()

    def _name_width(self) -> int:
        """What the other columns leave of the terminal's width (every column shows at 80)."""
        return max(16, min(40, self.app.size.width - FIXED_COLUMNS))

    def on_resize(self) -> None:
        """The names take the width the counts leave."""
        table = self.query_one(DataTable)
        column = table.columns[ColumnKey("name")]
        if column.width != self._name_width():
            column.width = self._name_width()
            if self._overview is not None:  # the names are cut to the width again
                self._show(self._overview)

    def on_screen_resume(self) -> None:
        """Count again each time the list shows: a session, an import or an edit changed them."""
        # also when first shown: loading on mount as well read every count twice at start
        self.load()

    @work(thread=True, exclusive=True, group="deck-list")
    def load(self) -> None:
        """Read every deck's counts off the UI thread, then show them."""
        try:
            overview = self.trainer.store.decks.summaries()
        except StoreError as exc:
            self.app.call_from_thread(
                self.query_one("#decks-status", Static).update, plain(str(exc), "bold red"))
            return
        self.app.call_from_thread(self._show, overview)

    _overview: Overview | None = None
    _wanted: str | None = None  # the row to select once the list is read again
    _targets: dict[str, StudyTarget]  # each row's key: what the row studies

    def _show(self, overview: Overview) -> None:
        self._overview = overview
        table = self.query_one(DataTable)
        selected = None
        if table.row_count:
            try:
                selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            except CellDoesNotExist:
                selected = None
        table.clear()
        self._targets = {TOTAL_KEY: AllDecks()}
        store = self.trainer.store
        today = store.today()
        # "All decks" is what studying all of them gives, not the rows' sum: the overall daily
        # limit may cut it
        totals = {"new": overview.new, "due": overview.due, "repeat": overview.repeat,
                  "cards": sum(d.cards for d in overview.decks)}
        tree = deck_tree([(d.name, d.key, {"new": d.new, "due": d.due, "repeat": d.repeat,
                                           "cards": d.cards}, d) for d in overview.decks])
        for row in tree:
            key = row.key if row.key is not None else PARENT_ROW + row.path
            self._targets[key] = OneDeck(row.key) if row.key is not None else ParentName(row.path)
            counts = row.counts
            own = row.own if isinstance(row.own, DeckSummary) else None
            indent = "  " * row.depth  # clip() would fold it away
            table.add_row(
                plain(indent + clip(row.label, self._name_width() - len(indent)),
                      "" if own else "italic"),
                *[Text(str(counts[k]), justify="right", style=style) for k, style in
                  (("new", "bold blue" if counts["new"] else "dim"),
                   ("due", "bold green" if counts["due"] else "dim"),
                   ("repeat", "bold red" if counts["repeat"] else "dim"),
                   ("cards", ""))],
                plain(_ago(own.last_studied, today, store.settings) if own else ""),
                key=key,
            )
        if overview.decks:
            table.add_row(
                plain("All decks", "bold"),
                *[Text(str(totals[k]), justify="right", style="bold")
                  for k in ("new", "due", "repeat", "cards")],
                plain(""),
                key=TOTAL_KEY,
            )
        if self._wanted is not None and self._wanted in table.rows:
            selected = self._wanted  # the row an action asked for (a renamed parent's)
        self._wanted = None
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        status = self.query_one("#decks-status", Static)
        if not overview.decks:
            status.update(plain("No decks yet. Press i to import a deck file."))
        else:
            left = totals["new"] + totals["due"] + totals["repeat"]
            status.update(plain(
                f"{left} cards to study today" if left else "All done for today. Well done!"
            ))
        table.focus()
        if self.trainer.exit_after_mount:  # the benchmark's launch figure ends here
            self.app.call_after_refresh(self.trainer.drawn_and_exit)
        else:
            self.app.call_after_refresh(self.trainer.backup_daily)  # once the list is drawn

    def _selected(self) -> StudyTarget | None:
        """What the selected row studies; None with no rows."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else self._targets[key]

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_study()

    def action_study(self) -> None:
        """Study the selected row: a deck with its subdecks, a parent's subdecks, or all."""
        target = self._selected()
        if target is not None:
            self.trainer.start_study(target)

    def action_study_all(self) -> None:
        """Study every deck's cards due today."""
        self.trainer.start_study(AllDecks())

    def action_quiz(self) -> None:
        """A quiz on the selected row's cards: a deck with its subdecks, a parent's, all."""
        target = self._selected()
        if target is not None:
            self.trainer.start_quiz(target)

    def action_stats(self) -> None:
        """The statistics of the selected row: a deck with its subdecks, a parent's, all."""
        self.trainer.open_stats(self._selected())

    def action_options(self) -> None:
        """The selected deck's options, or a parent's (the default of the decks under it)."""
        tree = self._tree("Options belong")
        if tree is not None:
            self.trainer.open_options(tree, self._imported)

    def _tree(self, what: str) -> DeckTree | None:
        """The selected deck with the decks under it, or a parent that is only a name with
        its decks; None, saying so, on "All decks". ``what``: the message's subject and verb
        ("Renaming belongs")."""
        target = self._selected()
        if target is None:
            return None
        if isinstance(target, AllDecks):
            self.notify(f"{what} to a deck or a parent: select one first.", timeout=3)
            return None
        try:
            return tree_of(self.trainer.store, target)
        except StoreError as exc:  # deleted or renamed in another window since
            self.notify(str(exc), severity="error", timeout=6)
            self.load()
            return None

    def _one_deck(self, what: str) -> Deck | None:
        """The selected deck; None, saying so, on "All decks" or a parent that is only a
        name. ``what``: the message's subject and verb ("A new card belongs")."""
        target = self._selected()
        if target is None:
            return None
        if not isinstance(target, OneDeck):
            self.notify(f"{what} to one deck: select it first.", timeout=3)
            return None
        return self.trainer.store.decks.find(target.key)

    def action_add_card(self) -> None:
        """A new card in the selected deck."""
        deck = self._one_deck("A new card belongs")
        if deck is not None and self.trainer.writable("add cards"):
            self.trainer.add_card(deck, self._imported)

    def action_create_deck(self) -> None:
        """Ask for a new deck's key, then create the deck (empty, named as its key)."""
        if not self.trainer.writable("create a deck"):
            return
        store = self.trainer.store

        def check(value: str) -> str | None:
            problems = key_problems(value)
            if problems:
                return f"a key: {problems[0]}"
            if any(d.key == value for d in store.decks.summaries().decks):
                return f"a deck {value!r} is already there"
            return None

        def asked(key: str | None) -> None:
            if key:
                store.decks.create(key, key)
                self.notify(f"Created {key}; r renames it, n adds a card.", timeout=4)
                self.load()
        self.app.push_screen(AskModal("New deck: its key", "my-notes", check), asked)

    def action_rename_deck(self) -> None:
        """Ask for the selected deck's new name, then its key (the old key still finds it on
        import); a parent's new name alone when it is only a name. The decks under it follow
        the new name."""
        tree = self._tree("Renaming belongs")
        if tree is None or not self.trainer.writable("rename a deck"):
            return
        store = self.trainer.store
        deck = tree.deck

        def renamed_parent(name: str | None) -> None:
            if not name or name == tree.name:
                return
            try:
                n = store.decks.rename_parent(tree.name, name)
            except StoreError as exc:
                self.notify(str(exc), severity="error", timeout=6)
                return
            self.notify(f"Renamed {tree.name} to {name}: {n} decks under it · ctrl+z takes "
                        "it back", timeout=5)
            self._wanted = PARENT_ROW + name
            self.load()

        def named(name: str | None) -> None:
            if not name or deck is None:
                return

            def keyed(key: str | None) -> None:
                if key is None:
                    return
                try:
                    renamed = store.decks.rename(deck.id, name=name, key=key or deck.key)
                except StoreError as exc:
                    self.notify(str(exc), severity="error", timeout=6)
                    return
                under = (f" and {len(tree.subdecks)} decks under it"
                         if tree.subdecks and renamed.name != deck.name else "")
                self.notify(f"Renamed to {renamed.name} [{renamed.key}]{under}", timeout=4)
                self._wanted = renamed.key
                self.load()
            self.app.push_screen(AskModal(
                "Its key (the old one still finds it on import)", "", value=deck.key), keyed)

        def check_name(value: str) -> str | None:
            problems = name_problems(value)
            return f"a deck's name: {'; '.join(problems)}" if problems else None

        under = f" and the {len(tree.subdecks)} decks under it" if tree.subdecks else ""
        self.app.push_screen(AskModal(f"Rename {tree.name}{under}", "", check_name,
                                      value=tree.name),
                             named if deck is not None else renamed_parent)

    def action_delete_deck(self) -> None:
        """Delete the selected deck, or a parent, with every deck under it, after asking:
        their cards are retired, their history kept, and ctrl+z brings them all back."""
        tree = self._tree("Deleting belongs")
        if tree is None or not self.trainer.writable("delete a deck"):
            return
        store = self.trainer.store

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if tree.deck is not None and not tree.subdecks:
                retired = store.decks.delete(tree.deck.id)
                what = tree.name
            else:
                retired = store.decks.delete_many(tree.ids, tree.name)
                what = f"{tree.name} ({len(tree.decks)} decks)"
            self.notify(f"Deleted {what}: {len(retired)} cards retired, their history "
                        "kept · ctrl+z brings it back", timeout=6)
            self.load()
        question = (f"Delete {tree.name}? Its cards are retired; their history stays."
                    if not tree.subdecks else
                    f"Delete {tree.name} and the {len(tree.subdecks)} decks under it? Their "
                    "cards are retired; their history stays.")
        self.app.push_screen(ConfirmModal(question), answered)

    def action_undo(self) -> None:
        """The newest action of any session, after the session ended and after a restart:
        a grade, a suspension, an edit, a browser's action, a deck's deletion."""
        if self.trainer.take_back_newest() is not None:
            self.load()

    def action_browse(self) -> None:
        """The browser, searching for the selected row's cards, a parent's with every deck
        under it (every card with no rows)."""
        target = self._selected()
        query = "" if target is None else target.search
        if isinstance(target, OneDeck) and self._overview is not None:
            name = next((d.name for d in self._overview.decks if d.key == target.key), None)
            if name is not None and any(d.name.startswith(name + SEP)
                                        for d in self._overview.decks):
                query = f'{query} or deck:"{name}{SEP}*"'  # with the decks under it
        self.trainer.open_browser(query)

    def action_source_map(self) -> None:
        """The selected deck's source map, or a parent's: its decks' paragraphs."""
        tree = self._tree("The source map belongs")
        if tree is not None:
            self.trainer.open_source_map(tree)

    def action_import_file(self) -> None:
        """The import dialog; the list is read again after an import."""
        self.trainer.open_import(self._imported)

    def _imported(self, changed: bool | None) -> None:
        if changed:
            self.load()
