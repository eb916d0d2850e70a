"""The ``trainer`` command: one module per group of subcommands (studying, decks, cards,
importing, exporting, statistics, the scheduler, backups, undo, serving to a browser), each
adding its own to the parser that ``entry`` builds. Every subcommand accepts ``--db`` before
or after its name."""

from trainer.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
