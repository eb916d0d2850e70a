"""Opening the study screens from the command line: `trainer` alone, `study`, `quiz`,
`browse` and `stats --tui` all start the same app on a different screen."""

from __future__ import annotations

import argparse
import os
import sys

from trainer.cli.common import open_from_args, refresh_bundled_decks
from trainer.errors import UserError


def launch(args: argparse.Namespace, start: str, deck: str | None = None,
           quiz_size: int = 20, query: str = "") -> int:
    """Run the app on the ``start`` screen (of ``deck``, a key or name, a parent's too, if
    given) until the student leaves it; its exit code. Refused, in one line, when not on a
    terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not os.environ.get("TRAINER_FORCE_TUI"):
        raise UserError("the study screen needs a terminal; use `trainer decks` or "
                        "`trainer stats` for text output")
    from trainer import heap

    with heap.starting():
        from trainer.tui.app import TrainerApp

        store = open_from_args(args)
        refresh_bundled_decks(store)
    from trainer.sessions.target import AllDecks, target_of

    with store:
        target = target_of(store.decks.tree(deck)) if deck else AllDecks()
        app = TrainerApp(store, start=start, target=target, load_bundled_decks=not deck,
                         exit_after_mount=getattr(args, "exit_after_mount", False),
                         quiz_size=quiz_size, query=query)
        app.run()
    return app.return_code or 0
