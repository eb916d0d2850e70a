"""Snapshots of a flagged and marked card while studying, and of the browser's flag column,
at 80x24 and 100x30: pinned clock, seeded shuffles, no cursor blink."""

from __future__ import annotations

import pytest

from tests.tui_helpers import DATA, make_app, store_with

SIZES = [(80, 24), (100, 30)]


def flagged_app(start: str):
    store = store_with(DATA / "snap.toml")
    ids = {c.key: c.id for c in store.cards.of_deck(store.decks.find("snap").id)}
    store.cards.flag([ids["basic"]], 1)  # red
    store.cards.mark([ids["basic"], ids["cloze#c1"]])
    store.cards.flag([ids["typed"]], 6)  # turquoise
    store.cards.flag([ids["choice"]], 7)  # purple
    return make_app(store, load_bundled_decks=False, start=start, deck_key="snap")


async def _wait(pilot) -> None:
    from textual.worker import WorkerCancelled

    for _ in range(3):  # a newer search cancels an older one (exclusive workers)
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_flagged_marked_card_while_studying(snap_compare, size):
    assert snap_compare(flagged_app("study"), terminal_size=size, press=["space"],
                        run_before=_wait)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_browsers_flag_column(snap_compare, size):
    assert snap_compare(flagged_app("browse"), terminal_size=size, run_before=_wait)


def test_the_flag_picker(snap_compare):
    assert snap_compare(flagged_app("study"), terminal_size=(100, 30), press=["f"],
                        run_before=_wait)
