"""Shared test helpers: a pinned clock, and stores seeded through the product's import path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from trainer.formats.native import parse_native
from trainer.importer import day_function, import_decks, load
from trainer.settings import Settings
from trainer.store import Store, open_store

LONDON = Settings(timezone="Europe/London")
DATA = Path(__file__).parent / "data"


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def basic_deck(key: str, n_cards: int, name: str | None = None) -> bytes:
    """A native deck of ``n_cards`` basic cards, ``{key}0`` … (prompts q0 …, answers a0 …)."""
    lines = ["schema_version = 1", "", "[deck]", f'id = "{key}"',
             f'name = "{name or "Deck " + key}"']
    for i in range(n_cards):
        lines += ["", "[[cards]]", f'id = "{key}{i}"', 'kind = "basic"', f'prompt = "q{i}"',
                  f'answer = "a{i}"']
    return "\n".join(lines).encode()


def import_bytes(store: Store, data: bytes, fmt: str = "toml") -> None:
    """Import a deck file's bytes the way `trainer import` does."""
    import_decks(store, [parse_native(data, f"test.{fmt}", fmt)])


def import_files(store: Store, *paths: Path) -> None:
    import_decks(store, load(list(paths), None, None, day_function(store)))


def make_store(url: str, n_cards: int = 5, clock: Clock | None = None,
               settings: Settings = LONDON, deck_key: str = "d") -> tuple[Store, list[int]]:
    """A store holding one imported deck of ``n_cards`` basic cards; their ids in deck order."""
    store = open_store(url, settings=settings, clock=clock or Clock())
    import_bytes(store, basic_deck(deck_key, n_cards))
    ids = [c.id for c in store.cards.of_deck(store.decks.find(deck_key).id)]
    return store, ids
