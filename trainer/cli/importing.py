"""The import commands: `trainer import` brings deck files in (TOML/JSON, CSV/TSV/TXT, Anki
.apkg) and reports what changed; `trainer watch` re-imports a file each time its author saves
it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.cli.common import confirm, open_from_args, refresh_bundled_decks, say
from trainer.errors import UserError
from trainer.render.words import clip, plural

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand
    from trainer.formats.model import ParsedDeck
    from trainer.importer import DeckReport
    from trainer.store import Store

NOTES = 20  # notes printed per deck; the rest are counted


def register(add: AddCommand) -> None:
    """Add import and watch to the command line."""
    p = add("import", cmd_import, "import deck files (TOML/JSON, CSV/TSV/TXT, Anki .apkg)")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--deck", metavar="NAME", help="import into the deck with this name")
    p.add_argument("--format", metavar="F", help="toml, json, csv, tsv, txt or apkg "
                   "(default: by the file's extension)")
    p.add_argument("--dry-run", action="store_true", help="report what would change; change "
                   "nothing")
    p.add_argument("--prune", action="store_true", help="retire cards that are no longer in "
                   "the file (their history stays in the statistics; a card the file holds "
                   "again comes back)")
    p.add_argument("--yes", action="store_true", help="prune without asking (needed when not "
                   "on a terminal)")

    p = add("watch", cmd_watch, "re-import a deck file whenever it is saved (for authors)")
    p.add_argument("paths", nargs="+", metavar="DIR|FILE", type=Path)


def cmd_import(args: argparse.Namespace) -> int:
    """Import deck files, then report each deck's changes (``--dry-run``:
    what would change, and its first cards); ``--prune`` asks before retiring cards."""
    from trainer import heap
    from trainer.importer import day_function, import_decks, load, stderr_progress

    with open_from_args(args) as store, heap.paused():
        refresh_bundled_decks(store)
        decks = load(args.paths, args.format, args.deck, day_function(store))
        if args.prune and not args.dry_run and not args.yes:
            _confirm_prune(args, store, import_decks(store, decks, dry_run=True))
        reports = import_decks(store, decks, prune=args.prune, dry_run=args.dry_run,
                               progress=stderr_progress())
    try:
        _report_import(args, reports)
        if args.dry_run:
            _preview(decks)
    except KeyboardInterrupt:  # the import is committed: it succeeded, whatever the report
        say("imported; the report was interrupted")
    return 0


def _confirm_prune(args: argparse.Namespace, store: Store, preview: list[DeckReport]) -> None:
    """Asked when --prune would retire cards: how many, and how many reviews they have."""
    ids = []
    for report in preview:
        if report.missing:
            gone = set(report.missing)
            ids += [c.id for c in store.cards.of_deck(store.decks.find(report.key).id)
                    if c.key in gone]
    if ids:
        confirm(args, f"retire {plural(len(ids), 'card')} no longer in the file (their "
                f"{plural(store.reviews.count(ids), 'review')} stay in the statistics)")


def _preview(decks: list[ParsedDeck]) -> None:
    """The first three cards of each deck, as they would be stored."""
    for deck in decks:
        say(f"{deck.name} [{deck.key}], the first cards:")
        for card in deck.cards[:3]:
            tags = f"  tags: {' '.join(card.tags)}" if card.tags else ""
            say(f"  {card.key} ({card.kind}): {clip(card.prompt, 40)} → "
                f"{clip(card.answer, 24)}{tags}")


def _report_import(args: argparse.Namespace, reports: list[DeckReport]) -> None:
    prefix = "would import" if args.dry_run else "imported"
    for report in reports:
        say(f"{prefix} {report.line()}")
        for note in report.notes[:NOTES]:
            say(f"  {note}")
        if len(report.notes) > NOTES:  # an .apkg whose cards lost their notes: 11,012 lines
            say(f"  ... and {len(report.notes) - NOTES} more notes like these")
        for key in report.missing[:20]:
            say(f"  not in the file: {key}")
        if len(report.missing) > 20:
            print(f"  ... and {len(report.missing) - 20} more not in the file")
    if args.dry_run:
        print("dry run: nothing was changed")


def cmd_watch(args: argparse.Namespace) -> int:
    """Re-import each deck file as it is saved, one line per re-import or error, until
    ctrl+c: an author sees a mistake the moment the file is saved. watchfiles (the Rust
    notify crate) batches an editor's save-as-rename-and-write into one change, as polling
    would not."""
    import watchfiles

    from trainer.importer import EXTENSIONS

    for path in args.paths:
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        say(f"watching {', '.join(map(str, args.paths))} (ctrl+c stops)")
        sys.stdout.flush()
        try:
            for changes in watchfiles.watch(*args.paths, debounce=300, raise_interrupt=False,
                                            force_polling=bool(os.environ.get(
                                                "TRAINER_WATCH_POLL"))):
                saved = sorted({Path(p) for change, p in changes
                                if change != watchfiles.Change.deleted
                                and Path(p).suffix.lower() in EXTENSIONS
                                and Path(p).is_file()})
                for path in saved:
                    say(reimport(store, path))
                sys.stdout.flush()
        except KeyboardInterrupt:
            pass
    return 0


def reimport(store: Store, path: Path) -> str:
    """Import one saved file; its report line, or its problem, in one line."""
    from trainer.importer import day_function, import_decks, load

    try:
        reports = import_decks(store, load([path], None, None, day_function(store)))
    except UserError as exc:
        return f"{path}: not imported: {'; '.join(exc.lines[:3])}"
    return "; ".join(f"{path.name}: {r.line()}" for r in reports)
