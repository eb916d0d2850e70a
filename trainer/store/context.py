"""What the store's concern modules use of an open store: its connections, its clock and the
settings that interpret it. Each module's functions take a ``StoreContext`` (``Store`` is one),
so no module below the facade imports it back (an import-linter contract holds this).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import Connection
from sqlmodel import Session

from trainer.settings import Settings


class StoreContext(Protocol):
    """An open store as its concern modules see it (trainer.store.Store)."""

    @property
    def settings(self) -> Settings:
        """The time zone, the day's start, the lapse rule and the defaults the store applies."""

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql": the few statements that differ by backend ask."""

    @property
    def cache(self) -> dict[object, object]:
        """Statements compiled once and values read once per store (its hot paths)."""

    def transaction(self) -> AbstractContextManager[Connection]:
        """One write transaction: it commits on success, else rolls back."""

    def reading(self) -> AbstractContextManager[Connection]:
        """A read-only snapshot on a pooled connection."""

    def held(self) -> AbstractContextManager[Connection]:
        """The writing connection, for a one-statement read on SQLite's hot path."""

    def session(self) -> Session:
        """An ORM session for the ordinary reads."""

    def check_sound(self) -> None:
        """Refuse to write into a damaged database."""

    def now(self) -> datetime:
        """The store's clock."""

    def today(self) -> date:
        """The study day of ``now``."""

    def hour_of(self, moment: datetime) -> int:
        """The local hour of ``moment``."""
