"""The store's own errors, so that nothing above the store needs SQLAlchemy to name them."""

from __future__ import annotations

from trainer.errors import UserError


class StoreError(UserError):
    """A problem with the database a user can act on; one line each."""


class NotFound(StoreError):
    """No deck or card by that reference."""


class GradedElsewhere(StoreError):
    """The card changed since it was shown (another window graded it): nothing recorded."""


class UndoRefused(StoreError):
    """Undoing would break the log: a later change to the card depends on the one undone."""


def database_problem(exc: BaseException) -> str | None:
    """One line for a database that broke mid-command (a damaged page, a full disk, a lost
    server), or None when ``exc`` is not a database error."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    if not isinstance(exc, (SQLAlchemyError, sqlite3.Error, OSError)):
        return None
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return lines[0] if lines else exc.__class__.__name__
