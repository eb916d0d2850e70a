"""The study commands: `trainer` alone (the deck list), `trainer study [DECK]` and
`trainer quiz [DECK]`, each opening the app on its screen."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from trainer.cli.launch import launch
from trainer.errors import UserError

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add study and quiz to the command line."""
    p = add("study", cmd_study, "open a study session (all due decks, or one)")
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck key or name")

    p = add("quiz", cmd_quiz, "quiz yourself without changing any schedule")
    p.add_argument("deck", nargs="?", metavar="DECK", help="deck key or name")
    p.add_argument("-n", type=int, default=20, metavar="N", help="questions (default 20)")


def run_tui(args: argparse.Namespace) -> int:
    """`trainer` with no command: the deck list, where a student starts."""
    return launch(args, "decks")


def cmd_study(args: argparse.Namespace) -> int:
    """A study session of every due deck, or of one: graded answers that schedule the
    cards."""
    return launch(args, "study", args.deck)


def cmd_quiz(args: argparse.Namespace) -> int:
    """``-n`` questions of a deck (or of all) whose answers change no schedule."""
    if args.n < 1:
        raise UserError("-n must be at least 1")
    return launch(args, "quiz", args.deck, quiz_size=args.n)
