"""Shared test helpers: a pinned clock and a store with a small deck."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trainer.settings import Settings
from trainer.store import Store, open_store

LONDON = Settings(timezone="Europe/London")


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def make_store(url: str, n_cards: int = 5, clock: Clock | None = None,
               settings: Settings = LONDON, deck_key: str = "d") -> tuple[Store, list[int]]:
    store = open_store(url, settings=settings, clock=clock or Clock())
    deck_id = store.create_deck(deck_key, f"Deck {deck_key}")
    store.add_cards(
        deck_id,
        [{"key": f"{deck_key}{i}", "kind": "basic", "prompt": f"q{i}", "answer": f"a{i}"}
         for i in range(n_cards)],
    )
    with store.reading() as conn:
        from sqlalchemy import text

        ids = list(conn.execute(
            text("SELECT id FROM card WHERE deck_id = :d ORDER BY position"), {"d": deck_id}
        ).scalars())
    return store, ids
