"""Helpers for driving the TUI in tests: a pinned clock, a store, and typing."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import Clock
from trainer.importer import day_function, import_decks, load
from trainer.settings import Settings
from trainer.store import Store, open_store
from trainer.tui.app import TrainerApp

DATA = Path(__file__).parent / "data"
UTC = Settings(timezone="UTC")


def store_with(*deck_files: Path, clock: Clock | None = None, url: str | None = None) -> Store:
    store = open_store(url, settings=UTC, clock=clock or Clock())
    if deck_files:
        import_decks(store, load(list(deck_files), None, None, day_function(store)))
    return store


def make_app(store: Store, **kw: object) -> TrainerApp:
    kw.setdefault("cursor_blink", False)
    kw.setdefault("seed", 7)
    return TrainerApp(store, **kw)


async def type_text(pilot, text: str) -> None:
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, check) -> None:
    """Settle until ``check()`` holds (a worker's result can arrive after a first settle):
    at most 50 rounds, no clock involved; the caller asserts what it waited for."""
    for _ in range(50):
        await settle(pilot)
        if check():
            return
