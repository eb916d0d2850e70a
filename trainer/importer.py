"""Importing deck files: detect the format, parse every file, write through the store, report.

Nothing is written unless every file parses. The writing (atomic, keyed so that progress
survives a re-import) is trainer.store.imports'.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from trainer.errors import UserError
from trainer.formats.errors import DeckError
from trainer.formats.model import ParsedDeck
from trainer.store import Store, imports
from trainer.studyday import study_day

FORMATS = ("toml", "json", "csv", "tsv", "txt", "apkg", "colpkg")
EXTENSIONS = {
    ".toml": "toml", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".txt": "txt",
    ".apkg": "apkg", ".colpkg": "apkg",
}
PROGRESS_MIN = 2000


@dataclass
class DeckReport:
    key: str
    name: str
    origin: str
    new_deck: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(1 for n in self.notes if "skipped" in n)

    def line(self) -> str:
        text = (
            f"{self.name} [{self.key}]: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.pruned} pruned, {self.skipped} skipped"
        )
        if self.missing:
            text += f"; {len(self.missing)} not in the file (kept; --prune removes them)"
        return text


def detect_format(path: Path, forced: str | None) -> str:
    if forced:
        if forced not in FORMATS:
            raise UserError(f"unknown format {forced!r}; use one of {', '.join(FORMATS)}")
        return "apkg" if forced == "colpkg" else forced
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"{path}: unknown file type; say which with --format")
    return fmt


def parse_file(path: Path, fmt: str | None, deck_name: str | None,
               day_of: Callable[[datetime], date]) -> list[ParsedDeck]:
    from trainer.formats.apkg import parse_apkg
    from trainer.formats.delimited import parse_text
    from trainer.formats.native import parse_native

    kind = detect_format(path, fmt)
    origin = str(path)
    if sys.stderr.isatty() and path.is_file() and path.stat().st_size > 1_000_000:
        print(f"reading {path.name}…", file=sys.stderr, flush=True)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a deck file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    if kind in ("toml", "json"):
        decks = [parse_native(data, origin, kind)]
    elif kind == "apkg":
        if not data:
            raise DeckError(f"{origin}: the file is empty")
        decks = parse_apkg(data, origin, day_of)
    else:
        decks = parse_text(data, origin, deck_name, "\t" if kind == "tsv" else None)
        deck_name = None  # already applied
    if deck_name:
        from trainer.formats.delimited import slugify

        for deck in decks:
            deck.name, deck.key = deck_name, slugify(deck_name)
    return decks


def load(paths: Sequence[Path], fmt: str | None, deck_name: str | None,
         day_of: Callable[[datetime], date]) -> list[ParsedDeck]:
    """Parse every file; all problems of all files are raised together."""
    decks: list[ParsedDeck] = []
    problems: list[str] = []
    for path in paths:
        try:
            decks += parse_file(Path(path), fmt, deck_name, day_of)
        except UserError as exc:
            problems += exc.lines
    seen: dict[str, str] = {}
    for deck in decks:
        if deck.key in seen and seen[deck.key] != deck.origin:
            problems.append(f"{deck.origin}: deck {deck.key} is also imported from "
                            f"{seen[deck.key]}; import one file per deck")
        seen.setdefault(deck.key, deck.origin)
    if problems:
        raise DeckError(*problems)
    return _merge_same_key(decks)


def _merge_same_key(decks: list[ParsedDeck]) -> list[ParsedDeck]:
    merged: dict[str, ParsedDeck] = {}
    for deck in decks:
        if deck.key in merged:  # one file (an .apkg) with two deck names of the same slug
            merged[deck.key].cards += deck.cards
            merged[deck.key].notes += deck.notes
        else:
            merged[deck.key] = deck
    return list(merged.values())


def import_decks(
    store: Store,
    decks: list[ParsedDeck],
    *,
    prune: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[DeckReport]:
    """Apply parsed decks in one transaction; with ``dry_run`` nothing is kept."""
    counts = imports.write_decks(store, decks, prune=prune, dry_run=dry_run, progress=progress)
    return [
        DeckReport(deck.key, deck.name, deck.origin, new_deck=c.new_deck, added=c.added,
                   updated=c.updated, unchanged=c.unchanged, pruned=c.pruned,
                   missing=c.missing, notes=list(deck.notes))
        for deck, c in zip(decks, counts, strict=True)
    ]


def stderr_progress() -> Callable[[int, int], None] | None:
    """A progress bar on a terminal; None when stderr is piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < PROGRESS_MIN:
            return
        width = 30
        filled = width * done // max(total, 1)
        print(f"\rimporting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
              end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def day_function(store: Store) -> Callable[[datetime], date]:
    return lambda moment: study_day(moment, store.settings)
