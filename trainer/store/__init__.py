"""The store: SQLModel tables, the engine factory, migrations and the repository."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from trainer.settings import Settings, load_settings
from trainer.store.engine import prepare_engine
from trainer.store.repo import UNLIMITED, Limits, QueueItem, StateRow, Store, UndoneReview


def open_store(
    url: str | None = None,
    settings: Settings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Store:
    """Open (creating or upgrading) the database at ``url``; None means --db/TRAINER_DB/default."""
    settings = settings or load_settings()
    engine, backup = prepare_engine(url)
    return Store(engine, settings, clock, backup)


__all__ = [
    "UNLIMITED", "Limits", "QueueItem", "StateRow", "Store", "UndoneReview", "open_store",
]
