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
from trainer.formats.limits import check_decks
from trainer.formats.model import ParsedDeck
from trainer.store import Store
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
    retired: int = 0
    missing: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kinds_changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(1 for n in self.notes if "skipped" in n)

    def line(self) -> str:
        text = (
            f"{self.name} [{self.key}]: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.pruned} pruned, {self.skipped} skipped"
        )
        if self.retired:
            text += f", {self.retired} retired (no longer in the deck; their reviews kept)"
        if self.missing:
            text += f"; {len(self.missing)} not in the file (kept; --prune retires them)"
        if self.kinds_changed:
            text += (f"; kind changed: {', '.join(self.kinds_changed[:5])}"
                     f"{' …' if len(self.kinds_changed) > 5 else ''}")
        if self.replaced:
            text += (f"; the file replaced {len(self.replaced)} local edit"
                     f"{'s' if len(self.replaced) > 1 else ''}: {', '.join(self.replaced[:10])}")
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
    try:
        if kind in ("toml", "json"):
            decks = [parse_native(data, origin, kind)]
        elif kind == "apkg":
            if not data:
                raise DeckError(f"{origin}: the file is empty")
            decks = parse_apkg(data, origin, day_of)
        else:
            decks = parse_text(data, origin, deck_name, "\t" if kind == "tsv" else None)
            deck_name = None  # already applied
    except UserError:
        raise
    except RecursionError:
        raise DeckError(f"{origin}: nested too deeply to be a deck") from None
    except MemoryError:
        raise DeckError(f"{origin}: too large to import") from None
    except Exception:
        # a reader's own failure on bytes it did not expect: Python's words about it
        # ("'ord'", "a bytes-like object is required") tell a student nothing
        name = {"apkg": "an Anki package", "toml": "a TOML deck", "json": "a JSON deck"}.get(
            kind, f"a {kind.upper()} deck")
        raise DeckError(f"{origin}: cannot be read as {name}: it is damaged, or not what its "
                        "name says") from None
    if deck_name:
        from trainer.formats.delimited import slugify

        for deck in decks:
            deck.name, deck.key, deck.named = deck_name, slugify(deck_name), True
    check_decks(decks)
    return decks


def load(paths: Sequence[Path], fmt: str | None, deck_name: str | None,
         day_of: Callable[[datetime], date]) -> list[ParsedDeck]:
    """Parse every file; all problems of all files are raised together."""
    decks: list[ParsedDeck] = []
    problems: list[str] = []
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = deck_files(path)
            if not found:
                problems.append(f"{path}: no deck files in this folder "
                                f"({', '.join(sorted(EXTENSIONS))})")
            files += found
        else:
            files.append(path)
    for path in files:
        try:
            decks += parse_file(path, fmt, deck_name, day_of)
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


def deck_files(folder: Path) -> list[Path]:
    """Every deck file under ``folder``, by path; hidden files and folders left out."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(folder).parts))


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
    family: bool = False,
) -> list[DeckReport]:
    """Apply parsed decks in one transaction; with ``dry_run`` nothing is kept; ``family``:
    see trainer.store.imports."""
    _to_existing(store, decks)
    counts = store.decks.write(decks, prune=prune, dry_run=dry_run, progress=progress,
                               family=family)
    return [
        DeckReport(deck.key, deck.name, deck.origin, new_deck=c.new_deck, added=c.added,
                   updated=c.updated, unchanged=c.unchanged, pruned=c.pruned,
                   retired=c.retired, missing=c.missing, replaced=c.replaced,
                   kinds_changed=c.kinds_changed,
                   notes=list(deck.notes))
        for deck, c in zip(decks, counts, strict=True)
    ]


def _to_existing(store: Store, decks: list[ParsedDeck]) -> None:
    """A deck named rather than keyed (a CSV's #deck:, --deck, an Anki deck) goes into the
    deck that name means as a DECK argument: a key, an exact name, a unique name whatever its
    case. So re-importing a CSV export, or `import --deck "Existing Name"`, finds the deck."""
    from trainer.store.errors import NotFound, StoreError

    for deck in decks:
        if not deck.named:
            continue
        for ref in (deck.name, deck.key):
            try:
                found = store.decks.find(ref)
            except NotFound:
                continue
            except StoreError as exc:  # an ambiguous name: say so rather than guess
                raise UserError(f"{deck.origin}: {exc}") from None
            # a named file carries no deck metadata: the deck keeps its own
            deck.key, deck.name = found.key, found.name
            deck.description, deck.source, deck.tags = found.description, found.source, list(
                found.tags)
            deck.new_per_day, deck.reviews_per_day = found.new_per_day, found.reviews_per_day
            break


def stderr_progress() -> Callable[[int, int], None] | None:
    """A progress bar on a terminal; None when stderr is piped."""
    if not sys.stderr.isatty():
        return None

    shown: list[tuple[int, int]] = []

    def show(done: int, total: int) -> None:
        # a deck's last chunk and the deck's end report the same count: the bar ends once
        if total < PROGRESS_MIN or shown[-1:] == [(done, total)]:
            return
        shown[:] = [(done, total)]
        width = 30
        filled = width * done // max(total, 1)
        print(f"\rimporting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
              end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def day_function(store: Store) -> Callable[[datetime], date]:
    return lambda moment: study_day(moment, store.settings)
