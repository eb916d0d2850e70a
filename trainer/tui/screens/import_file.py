"""The import dialog: a path with completion and validation; the import runs in a worker."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Static

from trainer.errors import UserError
from trainer.importer import EXTENSIONS, day_function, import_decks, load
from trainer.render.words import clip, visible
from trainer.tui.literal import joined, plain
from trainer.tui.navigation import TrainerModal


class PathSuggester(Suggester):
    """Completes the last part of a path from what is on disk (folders end in /)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first name on disk that ``value``'s last part begins, completing it; None when
        none does."""
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, _, stem = expanded.rpartition(os.sep)
        base = Path(folder or ".") if folder or not expanded.startswith(os.sep) else Path("/")
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in base.iterdir()
                           if p.name.startswith(stem) and not p.name.startswith("."))
        except OSError:
            return None
        for name in names:
            if name != stem:
                return value[: len(value) - len(stem)] + name
        return None


def typed_path(value: str) -> Path:
    """The path as typed or pasted: a file manager pastes it in quotes."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return Path(os.path.expanduser(value))


class DeckPath(Validator):
    """The import path names a deck file: it exists, is not a folder, and has a deck's
    extension."""

    def validate(self, value: str) -> ValidationResult:
        """A one-line failure saying what is wrong with the path, else success."""
        path = typed_path(value)
        if not value.strip():
            return self.failure("Type the path of a deck file")
        if not path.exists():
            return self.failure(f"No such file: {clip(str(path), 60)}")
        if path.is_dir():
            return self.failure("That is a folder; choose a deck file")
        if path.suffix.lower() not in EXTENSIONS:
            return self.failure("Not a deck file (.toml .json .csv .tsv .txt .apkg .colpkg)")
        return self.success()


class ImportScreen(TrainerModal[bool]):
    """The import dialog: a path with completion, the import in a worker, and what it did (or
    why nothing was imported); dismissed with True when anything was imported."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="import.close"),
        # the hint says tab completes, as in a shell
        Binding("tab", "complete", "Complete", id="import.complete", priority=True, show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.changed = False

    def compose(self) -> ComposeResult:
        """The title, the formats, the path's input, the result line and the keys."""
        with Vertical(id="import-dialog"):
            yield Static(joined(("Import a deck", "bold")), id="import-title")
            yield Static(plain("TOML or JSON decks, CSV/TSV/TXT (Anki text), Anki .apkg", "dim"))
            yield Input(id="import-path", placeholder="path/to/deck.toml",
                        suggester=PathSuggester(), validators=[DeckPath()],
                        validate_on=["submitted"])
            yield Static(id="import-result")
            yield Static(plain("enter: import · tab/→: complete · escape: close", "dim"))

    def on_mount(self) -> None:
        """The path's input takes the keys."""
        self.query_one(Input).cursor_blink = self.trainer.cursor_blink
        self.query_one(Input).focus()

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        result = self.query_one("#import-result", Static)
        if event.validation_result is not None and not event.validation_result.is_valid:
            result.update(plain(" ".join(event.validation_result.failure_descriptions), "red"))
            return
        result.update(plain("Importing…", "dim"))
        self.run_import(typed_path(event.value))

    @work(thread=True, exclusive=True, group="import")
    def run_import(self, path: Path) -> None:
        """Import ``path`` off the UI thread: every deck in it, or nothing with the reasons."""
        store = self.trainer.store
        try:
            decks = load([path], None, None, day_function(store))
            reports = import_decks(store, decks)
        except UserError as exc:
            self.app.call_from_thread(self._failed, exc.lines)
            return
        except Exception as exc:  # a reader's own failure ends the dialog's line, not the app
            from trainer.store.errors import database_problem

            detail = database_problem(exc)
            self.app.call_from_thread(self._failed, [
                f"database error: {detail}" if detail else
                f"{path.name}: trainer could not read this file ({type(exc).__name__})"])
            return
        self.app.call_from_thread(self._done, [r.line() for r in reports] +
                                  [n for r in reports for n in r.notes])

    def _failed(self, lines: list[str]) -> None:
        text = joined(("Nothing was imported:", "bold red"))
        for line in lines[:12]:
            text.append("\n")
            text.append(visible(line), style="red")
        if len(lines) > 12:
            text.append(f"\n… and {len(lines) - 12} more problems", style="red")
        self.query_one("#import-result", Static).update(text)

    def _done(self, lines: list[str]) -> None:
        self.changed = True
        text = Text()
        for i, line in enumerate(lines[:12]):
            if i:
                text.append("\n")
            text.append(visible(line), style="green" if i == 0 else "")
        self.query_one("#import-result", Static).update(text)
        self.query_one(Input).value = ""

    def action_complete(self) -> None:
        """Accept the path's suggested completion (tab, as in a shell)."""
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        field.action_cursor_right()  # at the end, this accepts the suggestion

    def action_close(self) -> None:
        """Close, saying whether anything was imported."""
        self.dismiss(self.changed)
