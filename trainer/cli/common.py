"""What every command group shares: the store a command opens, the bundled decks' refresh,
the confirmation a destructive command asks for, a line for a person, a retention argument."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from trainer.errors import UserError
from trainer.render.words import visible

if TYPE_CHECKING:
    from typing import Protocol

    from trainer.store import Store

    class AddCommand(Protocol):
        """What each group's ``register`` is given: ``add(name, handler, help)`` makes the
        subcommand, with its ``--db``, and returns its parser for the group's own
        arguments."""

        def __call__(self, name: str, handler: Handler, help_text: str
                     ) -> argparse.ArgumentParser:
            """The subcommand ``name``, run by ``handler``, described by ``help_text``."""


Handler = Callable[[argparse.Namespace], int]  # a subcommand: its arguments in, its exit code


def say(text: str) -> None:
    """A line for a person: deck names, keys and paths shown, never obeyed by the terminal."""
    print(visible(text))


def open_from_args(args: argparse.Namespace) -> Store:
    """The database the command's ``--db`` names (else $TRAINER_DB, else the default), opened
    and brought up to date; the bundled decks are not touched (``refresh_bundled_decks``)."""
    from trainer import heap
    from trainer.store import open_store

    store = open_store(getattr(args, "db", None))
    heap.settle()  # the store's start-up objects live as long as the command
    return store


def refresh_bundled_decks(store: Store) -> None:
    """The bundled decks loaded on first use, and refreshed after an upgrade of trainer: the
    first step of every command that shows or changes decks and cards, so that a student's
    first command already finds them. A failure to load them is a warning line, never the
    command's failure."""
    from trainer import heap
    from trainer.bundled import ensure_bundled
    from trainer.store.errors import StoreError

    try:
        ensure_bundled(store)
    except (StoreError, UserError) as exc:
        print(f"trainer: the bundled decks were not loaded: {visible(str(exc))}",
              file=sys.stderr)
    heap.settle()  # what the refresh imported lives as long as the command


def confirm(args: argparse.Namespace, what: str) -> None:
    """A destructive command goes on only when the student says so: --yes, or y at a prompt
    on a terminal. ``what`` says what it will do, to how many cards and reviews."""
    if getattr(args, "yes", False):
        return
    if not sys.stdin.isatty():
        raise UserError(f"this would {what}; add --yes to do it (not asked: not on a "
                        "terminal)")
    try:
        answer = input(visible(f"This will {what}. Go on? [y/N] "))
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise UserError("nothing was changed")


def retention(text: str) -> float:
    """An FSRS desired retention as an argument (a deck's option, a simulation's): 0.70 to
    0.99, else argparse's usage error."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.7 <= value <= 0.99:
        raise argparse.ArgumentTypeError(f"must be from 0.70 to 0.99, not {text!r}")
    return value
