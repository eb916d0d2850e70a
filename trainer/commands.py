"""Subcommand handlers. Each one validates its input and raises UserError on bad input."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from trainer.errors import UserError

AddCommand = Callable[..., argparse.ArgumentParser]


def register(add: AddCommand) -> None:
    """Add every subcommand to the parser; ``add(name, handler, help)`` returns its subparser."""


def run_tui(args: argparse.Namespace) -> int:
    raise UserError("the study screen is not built yet; see `trainer --help`")
