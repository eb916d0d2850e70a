"""`trainer undo`: take back the newest action of any session, a study window's or a
command's, and say what it took back."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, refresh_bundled_decks, say

if TYPE_CHECKING:
    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add undo to the command line."""
    add("undo", cmd_undo, "take back the newest action of any session (a grade, a "
        "suspension, an edit, a deck's deletion, …) and say what it took back")


def cmd_undo(args: argparse.Namespace) -> int:
    """One line: what it took back, or that there was nothing; a refusal is an error line."""
    with open_from_args(args) as store:
        refresh_bundled_decks(store)
        undone = store.undo.last()
    say("nothing to undo" if undone is None else f"took back {undone.label}")
    return 0
