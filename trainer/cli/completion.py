"""`trainer completion bash|zsh|tcsh`: the shell completion script, written from the parser
itself, with deck keys offered where a command takes a deck."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add completion to the command line."""
    p = add("completion", cmd_completion, "print shell completion for trainer: subcommands, "
            "options, deck keys (eval \"$(trainer completion bash)\")")
    p.add_argument("shell", choices=("bash", "zsh", "tcsh"))


# the arguments that name a deck (completed with the keys of the student's decks)
DECK_METAVARS = ("DECK", "DECK/KEY", "PATH|DECK")
# bash's completer of deck keys, asked of trainer itself as the student types
BASH_DECKS = """_trainer_decks() {
  compgen -W "$(trainer decks --keys 2>/dev/null)" -- "$1"
}
"""


def cmd_completion(args: argparse.Namespace) -> int:
    """The completion script for ``args.shell`` on stdout. shtab writes it from the parser
    itself, so it never falls behind a new option (a hand-written one would); deck keys come
    from `trainer decks --keys` as you type."""
    import shtab

    parser: argparse.ArgumentParser = args.root_parser
    decks = {"bash": "_trainer_decks", "zsh": "($(trainer decks --keys 2>/dev/null))"}
    _mark_completions(parser, decks, shtab.FILE)
    print(shtab.complete(parser, args.shell, preamble=BASH_DECKS if args.shell == "bash"
                         else ""))
    return 0


def _mark_completions(parser: argparse.ArgumentParser, decks: dict[str, str],
                      files: object) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _mark_completions(sub, decks, files)
        elif action.metavar in DECK_METAVARS:
            action.complete = decks  # type: ignore[attr-defined]
        elif action.type is Path:
            action.complete = files  # type: ignore[attr-defined]

