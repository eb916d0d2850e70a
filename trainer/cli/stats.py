"""The progress commands: `trainer stats` (every figure, as text, JSON or the statistics
screen) and `trainer map` (a deck's source, paragraph by paragraph, with how well each is
known)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, refresh_bundled_decks
from trainer.cli.launch import launch
from trainer.errors import UserError
from trainer.render.words import json_text, visible

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add stats and map to the command line."""
    p = add("stats", cmd_stats, "progress statistics (text, --json, or --tui)")
    p.add_argument("--deck", metavar="DECK", help="one deck with the decks under it (key or "
                   "name; a parent's name too)")
    p.add_argument("--tag", metavar="TAG", help="one tag")
    p.add_argument("--period", choices=("today", "7d", "30d", "1y", "all"), default="1y")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="every figure as JSON "
                       "(docs/stats-json.md)")
    shape.add_argument("--tui", action="store_true", help="open the statistics screen")

    p = add("map", cmd_map, "a deck's source, paragraph by paragraph: the quotes its cards "
            "cite and how well you know each paragraph")
    p.add_argument("deck", metavar="DECK", help="deck key or name (a parent's: its decks')")
    p.add_argument("--source", type=Path, metavar="FILE",
                   help="the source text, to show each paragraph in full")
    p.add_argument("--json", action="store_true", help="the paragraphs as JSON")


def cmd_stats(args: argparse.Namespace) -> int:
    """The statistics of every deck, one deck or one tag over a period: a text report, every
    figure as JSON (docs/stats-json.md), or the statistics screen."""
    if args.deck and args.tag:
        raise UserError("give --deck or --tag, not both")
    if args.tui:  # on the deck (a parent's decks) or on all; a tag is chosen there
        return launch(args, "stats", args.deck)
    from trainer.render.report import render
    from trainer.stats import compute

    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        deck = store.decks.tree(args.deck) if args.deck else None
        if args.tag is not None and args.tag not in store.cards.tags():
            raise UserError(f"no card has the tag {args.tag!r}; `trainer cards QUERY` with "
                            "tag:PATTERN finds tags")
        figures = compute(store, deck, args.tag, args.period)
    if args.json:
        print(json_text(figures))
    else:
        sys.stdout.write(visible(render(figures)))
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    """A deck's source map: each paragraph its cards quote and how well the student knows it,
    with the paragraph's text when --source is given; or JSON."""
    from trainer.lint import paragraphs
    from trainer.render.source_map import render_map
    from trainer.stats.source_map import source_map

    text = None
    if args.source is not None:
        try:
            text = paragraphs(args.source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise UserError(f"{args.source}: cannot read: {reason}") from None
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        tree = store.decks.tree(args.deck)
        found = source_map(store, tree)
    if args.json:
        print(json_text(found))
    else:
        sys.stdout.write(visible(render_map(tree.label, found, text)))
    return 0
