"""The export commands: `trainer export` writes a deck as TOML, JSON, CSV or an Anki
package; `trainer export-reviews` writes the review log as CSV. Neither may overwrite the
live database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, refresh_bundled_decks, say
from trainer.errors import UserError
from trainer.render.words import escaped, visible

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add export and export-reviews to the command line."""
    p = add("export", cmd_export, "export a deck")
    p.add_argument("deck", metavar="DECK", help="deck key or name")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write here, not stdout")
    p.add_argument("--format", choices=("toml", "json", "csv", "apkg"), default=None,
                   help="default: by the output's extension, else toml; apkg: an Anki package "
                   "with the cards' scheduling and review history (needs -o)")

    p = add("export-reviews", cmd_export_reviews, "write the review log as CSV")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write here, not stdout")


def _database_files(args: argparse.Namespace) -> list[Path]:
    """The live database's files (SQLite), which no output may replace."""
    from trainer.paths import resolve_db_url
    from trainer.store import database_files, sqlite_path

    path = sqlite_path(resolve_db_url(getattr(args, "db", None)))
    return [] if path is None else database_files(path)


def cmd_export(args: argparse.Namespace) -> int:
    """A deck in the format asked for (else the output's extension's, else TOML), to a file
    or stdout; CSV notes on stderr what its rows cannot hold."""
    from trainer.exporter import to_csv, to_json, to_toml

    fmt = args.format
    if fmt is None and args.output is not None:
        fmt = {".json": "json", ".csv": "csv", ".apkg": "apkg"}.get(
            args.output.suffix.lower(), "toml")
    fmt = fmt or "toml"
    if fmt == "apkg":
        return _export_apkg(args)
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        deck = store.decks.find(args.deck)
        cards = store.cards.of_deck(deck.id)
    text = {"toml": to_toml, "json": to_json, "csv": to_csv}[fmt](deck, cards)
    if fmt == "csv":
        from trainer.exporter import csv_losses

        for line in csv_losses(cards):
            print(f"trainer: note: {visible(line)}", file=sys.stderr)
    if args.output is None:
        sys.stdout.write(terminal_data(text, fmt))
        return 0
    from trainer import files

    files.write_text(args.output, text, protected=_database_files(args))
    say(f"exported {deck.name} [{deck.key}]: {len(cards)} cards to {args.output}")
    return 0


def terminal_data(text: str, fmt: str) -> str:
    """An export on stdout: TOML and JSON with every control character escaped (the same
    data to a parser); CSV, which has no escapes, shown visible on a terminal and exact in a
    pipe or a redirection (a program reads it there, as it reads a file)."""
    if fmt in ("toml", "json"):
        return escaped(text)
    return visible(text) if sys.stdout.isatty() else text


def _export_apkg(args: argparse.Namespace) -> int:
    from functools import partial

    from trainer.anki_export import write_apkg
    from trainer.studyday import day_start

    if args.output is None:
        raise UserError("an Anki package is a file: give -o FILE.apkg")
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        deck = store.decks.find(args.deck)
        cards = store.cards.of_deck(deck.id)
        states = store.cards.deck_states(deck.id)
        history = store.cards.deck_history(deck.id)
        today = store.today()
        starts = partial(day_start, settings=store.settings)
    from trainer import files

    try:
        with files.output(args.output, protected=_database_files(args)) as temporary:
            report = write_apkg(temporary, deck, cards, states, history, today, starts)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    say(f"exported {deck.name} [{deck.key}] to {args.output}: {report.notes} notes, "
        f"{report.cards} cards, {report.reviews} reviews")
    if report.notes_on_choice:
        say(f"  {len(report.notes_on_choice)} multiple-choice cards became basic cards with "
            f"their options listed (Anki has no such card): "
            f"{', '.join(report.notes_on_choice[:5])}")
    return 0


def cmd_export_reviews(args: argparse.Namespace) -> int:
    """Every review as a CSV row, to a file or stdout: a student's history for a spreadsheet
    or another program."""
    import csv

    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        header, rows = store.reviews.log()
    if args.output is not None:
        from trainer import files

        with (files.output(args.output, protected=_database_files(args)) as temporary,
              temporary.open("w", newline="", encoding="utf-8") as written):
            writer = csv.writer(written)
            writer.writerow(header)
            writer.writerows(rows)
        say(f"wrote {len(rows)} reviews to {args.output}")
        return 0
    try:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
    except BrokenPipeError:  # `| head -1`: ended quietly, as every command's output is (cli)
        raise
    except OSError as exc:
        raise UserError(f"cannot write the review log: {exc.strerror}") from None
    return 0
