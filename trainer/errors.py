"""Errors a user can act on. The CLI prints their lines to stderr and exits 1, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a failed operation; ``lines`` are printed one per problem."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = [line for line in lines if line]


class SettingsError(ValueError):
    """A config file that cannot be used; the message is one line per problem. Here, not in
    trainer.settings, so that `trainer --version` and `--help` need not import pydantic."""
