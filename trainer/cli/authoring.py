"""The authoring commands: `trainer lint` checks deck files (or stored decks) for what a
student should not meet, and `trainer schema` prints the JSON Schema native deck files follow."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, refresh_bundled_decks, say
from trainer.errors import UserError

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand
    from trainer.formats.model import ParsedDeck


def register(add: AddCommand) -> None:
    """Add schema and lint to the command line."""
    add("schema", cmd_schema, "print the JSON Schema of native deck files")
    p = add("lint", cmd_lint, "check deck files (or decks) for what a student should not meet")
    p.add_argument("targets", nargs="+", metavar="PATH|DECK", help="a deck file, or a deck's "
                   "key or name")
    p.add_argument("--source", metavar="FILE", type=Path, help="the text the cards quote "
                   "(paragraphs are its non-empty lines)")


def cmd_lint(args: argparse.Namespace) -> int:
    """Each finding on a line, then the count; exit 1 when any is an error, so that a script
    or a commit hook can stop on it."""
    from trainer.lint import lint

    decks = _lint_targets(args)
    source = None
    if args.source is not None:
        try:
            source = args.source.read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{args.source}: cannot read: {exc.strerror}") from None
    findings = lint(decks, source)
    for finding in findings:
        say(finding.line())
    errors = sum(f.error for f in findings)
    say(f"{len(decks)} decks: {errors} errors, {len(findings) - errors} warnings")
    return 1 if errors else 0


def _lint_targets(args: argparse.Namespace) -> list[ParsedDeck]:
    from trainer.formats.model import DeckFile
    from trainer.formats.native import to_parsed
    from trainer.importer import load

    decks: list[ParsedDeck] = []
    for target in args.targets:
        path = Path(target)
        if path.suffix and (path.exists() or "/" in target):
            decks += load([path], None, path.stem if path.suffix in (".csv", ".tsv", ".txt")
                          else None, lambda moment: moment.date())
            continue
        from trainer.exporter import native_document

        with open_from_args(args) as store:  # a parent: every deck under it
            refresh_bundled_decks(store)
            documents = [(deck, native_document(deck, store.cards.of_deck(deck.id)))
                         for deck in store.decks.tree(target).decks]
        decks += [to_parsed(DeckFile.model_validate(document), f"deck {deck.key}")
                  for deck, document in documents]
    return decks


def cmd_schema(args: argparse.Namespace) -> int:
    """The JSON Schema of native deck files, for an editor's completion and checks."""
    import json

    from trainer.formats.native import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0
