"""The card browser: search, sort, the selected card's detail, each action and its undo, and
the card commands."""

from __future__ import annotations

import json
from datetime import timedelta

from textual.widgets import DataTable, Static

from tests.helpers import basic_deck, import_bytes
from tests.tui_helpers import make_app, settle, store_with, type_text
from trainer.cli import main
from trainer.query import parse
from trainer.store.replay import rebuild_states
from trainer.tui.screens.browse import BrowseScreen


def seeded():
    store = store_with()
    import_bytes(store, basic_deck("d", 4))
    import_bytes(store, basic_deck("e", 1))
    return store


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def status(app) -> str:
    return str(app.screen.query_one("#browse-status", Static).render())


def detail(app) -> str:
    return str(app.screen.query_one("#browse-detail", Static).render())


async def search(pilot, text: str) -> None:
    await pilot.press("slash", "end", "ctrl+u")
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def test_search_sort_and_the_selected_cards_history():
    store = seeded()
    ids = [c.id for c in store.cards.of_deck(store.decks.find("d").id)]
    store.reviews.record(ids[1], 4)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")  # from the first deck: its cards
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert status(app).startswith("4 cards")
        await search(pilot, "a1 or a3")
        assert [r[2] for r in rows(app)] == ["q1", "q3"]
        assert "card: d/d1" in detail(app)
        assert "scheduled" in detail(app) and "0d → 1d" in detail(app)  # its history
        await search(pilot, "deck:nosuch*")
        assert status(app).startswith("0 cards")
        await search(pilot, "is:bogus")
        assert "Search: column 4: is: is one of" in status(app)
        await search(pilot, "")
        await pilot.press("s")  # sorted by prompt, then the same again descending by header
        await settle(pilot)
        assert [r[2] for r in rows(app)] == ["q0", "q0", "q1", "q2", "q3"]
        assert "sorted by prompt" in status(app)
    store.close()


async def test_every_action_and_its_undo():
    store = seeded()
    d = store.decks.find("d")
    ids = [c.id for c in store.cards.of_deck(d.id)]
    store.reviews.record(ids[0], 5)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)

        async def act(*keys: str) -> None:
            await pilot.press(*keys)
            await settle(pilot)

        took_back: list[str] = []

        async def undo() -> None:
            await act("u")
            took_back.append(str(list(app._notifications)[-1].message))

        await act("exclamation_mark")  # the card under the cursor: no confirmation
        assert store.cards.state(ids[0]).suspended
        assert rows(app)[0][5] == "suspended"
        await undo()
        assert not store.cards.state(ids[0]).suspended

        await act("space", "space", "minus")  # two selected: confirm first
        assert "Bury 2 cards?" in str(app.screen.query_one(Static).render())
        await act("n")
        assert store.cards.state(ids[0]).buried_until is None
        await act("minus", "y")  # still selected after a "no"
        assert all(store.cards.state(i).buried_until for i in ids[:2])
        await undo()
        assert not any(store.cards.state(i).buried_until for i in ids[:2])
        await act("up", "up")  # selecting moved the cursor down

        await act("R")
        assert store.cards.state(ids[0]).due is None and store.cards.state(ids[0]).reviews == 0
        await undo()
        assert store.cards.state(ids[0]).repetitions == 1

        await act("d")
        await type_text(pilot, "x")
        await act("enter")
        assert "a whole number of days" in str(app.screen.query_one("#ask-problem",
                                                                        Static).render())
        await act("backspace")
        await type_text(pilot, "3")
        await act("enter")
        assert store.cards.state(ids[0]).due == store.today() + timedelta(days=3)
        await undo()
        assert store.cards.state(ids[0]).due == store.today() + timedelta(days=1)

        await act("m")
        await type_text(pilot, "e")
        await act("enter")
        assert store.cards.get(ids[0]).deck_id == store.decks.find("e").id
        await undo()
        assert store.cards.get(ids[0]).deck_id == d.id

        await act("t")
        await type_text(pilot, "hard")
        await act("enter")
        assert store.search.ids(parse("tag:hard")) == [ids[0]]
        await undo()
        assert store.search.ids(parse("tag:hard")) == []

        await act("delete")
        assert len(rows(app)) == 3 and store.cards.is_retired(ids[0])
        assert store.search.ids(parse("is:retired")) == [ids[0]]
        await undo()
        assert len(rows(app)) == 4 and not store.cards.is_retired(ids[0])
        assert took_back == [
            "Took back the suspension of 'q0'", "Took back the burying of 2 cards",
            "Took back the reset of 'q0'", "Took back the rescheduling of 'q0'",
            "Took back moving 'q0' to deck 'Deck e'", "Took back tagging 'q0' hard",
            "Took back deleting 'q0'"]
        # the browser's undo is the one undo stack: it goes on to what came before it (a
        # grade), after the browser closes too
        await undo()
        assert took_back[-1] == "Took back the grade 5 of 'q0'"
        assert store.cards.state(ids[0]).repetitions == 0
        await act("u")
        assert any("Nothing to undo" in str(n.message) for n in app._notifications)
        assert rebuild_states(store) == 0  # every change left the log replayable
    store.close()


def test_the_card_commands(tmp_path, capsys):
    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 3))
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    assert main(["cards", "a1 or a2"]) == 0
    out = capsys.readouterr()
    assert [line.split()[0] for line in out.out.splitlines()] == ["d/d1", "d/d2"]
    assert "2 cards" in out.err
    assert main(["cards", "deck:d", "--json"]) == 0
    assert [c["key"] for c in json.loads(capsys.readouterr().out)] == ["d0", "d1", "d2"]
    assert main(["suspend", "a1 or a2"]) == 0
    assert capsys.readouterr().out.strip() == "2 of 2 matching cards suspended"
    assert main(["suspend", "a1"]) == 0
    assert capsys.readouterr().out.strip() == "0 of 1 matching cards suspended"
    assert main(["card", "d/d1"]) == 0
    out = capsys.readouterr().out
    assert "prompt  q1" in out and "suspended" in out and "suspend" in out.split("history")[1]
    assert main(["card", "d/d1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"]["suspended"] is True
    assert main(["unsuspend", "is:suspended"]) == 0
    assert capsys.readouterr().out.strip() == "2 of 2 matching cards unsuspended"
    assert main(["reset", "deck:d", "--yes"]) == 0
    assert capsys.readouterr().out.strip() == "0 of 3 matching cards reset to new"
    assert main(["cards", "prop:ivl>"]) == 1
    assert "column 6: prop: is written like" in capsys.readouterr().err
    assert main(["card", "d1"]) == 1
    assert "give DECK/KEY" in capsys.readouterr().err
    assert main(["card", "d/nosuch"]) == 1
    assert "no card 'nosuch' in that deck" in capsys.readouterr().err
