"""Edit a card's entry, or add one, as the small TOML snippet a deck file would hold for it
(E in the browser and on a study card; n in the browser and the deck list). The snippet is
checked by the deck file's own model: each problem is shown below it, naming its field.
ctrl+e opens it in $EDITOR instead."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import tomllib
from pathlib import Path

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static, TextArea

from trainer.editing import SnippetError, entry_snippet, new_snippet, read_snippet
from trainer.files import scratch_dir, scratch_prefix
from trainer.formats.limits import MAX_ENTRY, MAX_TEXT
from trainer.render.words import escaped, plural
from trainer.rules import CardKind
from trainer.store import Deck
from trainer.store.errors import StoreError
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerScreen


class EditCardScreen(TrainerScreen[bool]):
    """Dismissed with True when something was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit.save", priority=True),
        Binding("ctrl+e", "editor", "$EDITOR", id="edit.editor", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit.cancel", priority=True),
    ]

    def __init__(self, deck: Deck, entry: str | None = None, kind: CardKind = "basic",
                 new_id: str = "new-card", key: str | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.entry = entry  # None: a new entry
        self.key = key  # the card asked for, of a note with several
        self.snippet_id: str | None = None
        # a new entry's template; an edit's snippet is read when the screen is composed
        self.original = new_snippet(new_id, kind) if entry is None else ""

    def compose(self) -> ComposeResult:
        """The entry as a deck file's snippet to edit (read now), its problems, and the keys."""
        if self.entry is not None:
            self.original = entry_snippet(
                self.trainer.store.cards.of_entry(self.deck.id, self.entry), self.key)
            self.snippet_id = str(tomllib.loads(self.original)["id"])
        what = f"Edit {self.entry}" if self.entry else "Add a card"
        with Vertical(id="edit-body"):
            yield Static(joined((what, "bold"), f" in {self.deck.name} [{self.deck.key}]"),
                         id="edit-title")
            yield TextArea(self.original, id="edit-text", soft_wrap=True, tab_behavior="indent")
            yield Static(id="edit-problems")
            yield Static(plain("The fields of a deck file's [[cards]] entry (docs/deck-format.md)"
                               ". Progress is kept; the id cannot change. ctrl+s saves, ctrl+e "
                               "opens $EDITOR, escape cancels.", "dim"), id="edit-help")
        yield Footer()

    def on_mount(self) -> None:
        """The snippet takes the keys."""
        self.query_one(TextArea).focus()

    def _problems(self, lines: list[str]) -> None:
        self.query_one("#edit-problems", Static).update(
            plain("\n".join(lines), "red") if lines else plain(""))

    def action_save(self) -> None:
        """Save the snippet (in a writable window): added or changed cards, their progress kept;
        a problem is shown line by line and nothing is saved."""
        if not self.trainer.writable("edit cards"):
            return
        text = self.query_one(TextArea).text
        store = self.trainer.store
        try:
            cards = read_snippet(text, self.deck, keep_id=self.snippet_id)
            if self.entry is None:
                added = store.cards.add_entry(self.deck.id, cards)
                message = f"Added {cards[0].entry}: {plural(added, 'card')}"
            else:
                counts = store.cards.edit_entry(self.deck.id, self.entry, cards)
                parts = [f"{plural(n, 'card')} {what}" for n, what in (
                    (counts.updated, "changed"), (counts.added, "added"),
                    (counts.retired, "retired")) if n]
                message = f"Saved {self.entry}: " + (", ".join(parts) or "nothing changed")
        except SnippetError as exc:
            self._problems(exc.lines)
            return
        except StoreError as exc:
            self._problems([str(exc)])
            return
        self.notify(message, timeout=4)
        self.dismiss(True)

    def action_editor(self) -> None:
        """The snippet in $EDITOR (or $VISUAL, else vi); what it saves comes back here."""
        if self.app.is_web:  # `trainer serve`: the editor would run on the server, unseen
            self._problems(["no $EDITOR in a browser: edit the card here"])
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:  # in the data folder (0700): the snippet is the student's cards
            with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False,
                                             encoding="utf-8", dir=scratch_dir(),
                                             prefix=scratch_prefix()) as f:
                f.write(self.query_one(TextArea).text)
                path = Path(f.name)
        except OSError as exc:
            self._problems([f"cannot write the snippet for {editor}: {exc.strerror or exc}"])
            return
        try:
            try:
                command = [*shlex.split(editor), str(path)]
                try:
                    with self.app.suspend():
                        done = subprocess.run(command, check=False)
                except SuspendNotSupported:  # no terminal to hand over (a headless test)
                    done = subprocess.run(command, check=False, stdin=subprocess.DEVNULL,
                                          capture_output=True)
            except (OSError, ValueError) as exc:  # not there, or an unclosed quote in it
                self._problems([f"cannot run {editor}: {getattr(exc, 'strerror', None) or exc}"])
                return
            if done.returncode:
                self._problems([f"{editor} exited with {done.returncode}; nothing was taken"])
                return
            self._take(path)
        finally:
            path.unlink(missing_ok=True)

    def _take(self, path: Path) -> None:
        """What the editor saved, into the form; a problem line, taking nothing, when it is
        not text the form can hold."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._problems(["the editor removed the file; nothing was taken"])
            return
        except OSError as exc:
            self._problems([f"cannot read what the editor saved: {exc.strerror or exc}; "
                            "nothing was taken"])
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self._problems([f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                            "nothing was taken"])
            return
        if len(text) > MAX_ENTRY:
            self._problems([f"longer than {MAX_ENTRY:,} characters (a field holds at most "
                            f"{MAX_TEXT:,}); nothing was taken"])
            return
        # a control character the editor wrote raw is shown as its escape: the same
        # character inside a TOML string, never obeyed by the terminal
        self.query_one(TextArea).text = escaped(text)
        self._problems([])

    def action_cancel(self) -> None:
        """Close, saving nothing."""
        self.dismiss(False)
