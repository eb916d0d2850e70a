"""The store's own errors, so that nothing above the store needs SQLAlchemy to name them."""

from __future__ import annotations

from pathlib import Path

from trainer.errors import UserError


class StoreError(UserError):
    """A problem with the database a user can act on; one line each."""


class NotFound(StoreError):
    """No deck or card by that reference."""


class ChangedElsewhere(StoreError):
    """The card changed since it was shown (another window graded it, a command suspended,
    buried or reset it): nothing recorded; the message says what happened."""


class UndoRefused(StoreError):
    """Undoing would break the log: a later change to the card depends on the one undone."""


class Damaged(StoreError):
    """The database (or the file being read) is damaged: SQLite found it malformed, or not a
    database, or its integrity check failed."""


class CouldNotSave(StoreError):
    """A write that the database refused (a full disk, a lock held too long, a lost server);
    it was rolled back, and may be tried again."""


REASONS = (
    ("database or disk is full", "the disk is full"),
    ("disk i/o error", "the disk failed to write"),
    ("database is locked", "another program held the database for more than 10 seconds"),
    ("readonly database", "the database file is read-only"),
    ("no such table", "the database file was replaced or emptied"),
    ("server closed the connection", "the connection to the database server was lost"),
    ("terminating connection", "the database server ended the connection"),
    ("connection refused", "the database server refused the connection"),
)


def plain_reason(detail: str) -> str:
    """The reason a database gave, in the words a student reads."""
    lowered = detail.lower()
    return next((words for key, words in REASONS if key in lowered), detail)


def database_problem(exc: BaseException) -> str | None:
    """One line for a database that broke mid-command (a damaged page, a full disk, a lost
    server), or None when ``exc`` is not a database error."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    kinds: tuple[type[BaseException], ...] = (SQLAlchemyError, sqlite3.Error, OSError)
    try:  # the driver's own errors, raised where the store talks to its cursor directly
        import psycopg

        kinds += (psycopg.Error,)
    except ImportError:
        pass
    if not isinstance(exc, kinds):
        return None
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return lines[0] if lines else exc.__class__.__name__


def is_damage(exc: BaseException) -> bool:
    """Whether a database error says the file is damaged (malformed, not a database)."""
    import sqlite3

    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(orig).lower()
    return "malformed" in text or "not a database" in text


def restore_hint(database: Path | None) -> str:
    """Where a student with a damaged database goes next."""
    where = f" (the daily ones are in {database.parent / 'backups'})" if database else ""
    return f"restore a backup with `trainer restore FILE`{where}"
