"""Editing, adding, renaming and deleting in the TUI."""

from __future__ import annotations

import stat

from textual.widgets import DataTable, Static, TextArea

from tests.helpers import basic_deck, import_bytes
from tests.tui_helpers import make_app, settle, store_with, type_text
from trainer.tui.screens.deck_list import DeckListScreen
from trainer.tui.screens.edit_card import EditCardScreen


def seeded():
    store = store_with()
    import_bytes(store, basic_deck("d", 3))
    return store


def problems(app) -> str:
    return str(app.screen.query_one("#edit-problems", Static).render())


async def test_the_edit_form_shows_a_bad_field_then_saves_a_good_one():
    store = seeded()
    d0 = store.cards.of_deck(store.decks.find("d").id)[0]
    store.reviews.record(d0.id, 5)
    studied = store.cards.state(d0.id)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EditCardScreen)
        area = app.screen.query_one(TextArea)
        assert 'answer = "a0"' in area.text
        area.text = area.text.replace('answer = "a0"', 'answer = ""')
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditCardScreen)  # refused, and says where
        assert problems(app).startswith("answer: ")
        area.text = area.text.replace('answer = ""', 'answer = "a0, fixed"').replace(
            'id = "d0"', 'id = "other"')
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "id: stays 'd0'" in problems(app)
        area.text = area.text.replace('id = "other"', 'id = "d0"')
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditCardScreen)
        assert "card: d/d0" in str(app.screen.query_one("#browse-detail", Static).render())
    assert store.cards.get(d0.id).answer == "a0, fixed"
    assert store.cards.state(d0.id) == studied  # progress kept
    store.close()


async def test_editing_in_editor_with_a_fake_editor(tmp_path, monkeypatch):
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\nsed -i 's/q1/q1, as the editor left it/' \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    store = seeded()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("down", "E")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "q1, as the editor left it" in app.screen.query_one(TextArea).text
        await pilot.press("ctrl+s")
        await settle(pilot)
    d1 = store.cards.of_deck(store.decks.find("d").id)[1]
    assert d1.prompt == "q1, as the editor left it"
    store.close()


async def test_add_a_card_from_the_deck_list():
    store = seeded()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        area = app.screen.query_one(TextArea)
        assert 'id = "new-card"' in area.text
        area.text = area.text.replace('prompt = ""', 'prompt = "Who?"').replace(
            'answer = ""', 'answer = "Mao"')
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        row = [str(c) for c in app.screen.query_one(DataTable).get_row_at(0)]
        assert row[4] == "4"  # the deck's cards
    added = store.cards.of_deck(store.decks.find("d").id)[-1]
    assert (added.key, added.prompt, added.answer) == ("new-card", "Who?", "Mao")
    store.close()


async def test_rename_and_delete_a_deck_and_bring_it_back():
    store = seeded()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "My deck")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "mine")
        await pilot.press("enter")
        await settle(pilot)
        assert store.decks.find("d").key == "mine"  # the old key still finds it
        assert "My deck" in str(app.screen.query_one(DataTable).get_row_at(0)[0])
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert store.decks.summaries().decks == []
        await pilot.press("u")
        await settle(pilot)
        assert [d.cards for d in store.decks.summaries().decks] == [3]
    store.close()


async def test_the_command_palette_offers_the_apps_own_commands():
    from trainer.tui.screens.browse import BrowseScreen
    from trainer.tui.screens.study import StudyScreen

    store = seeded()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "browse deck d")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "study deck d")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
    store.close()


async def test_nested_decks_show_as_a_tree_and_a_parent_studies_its_children():
    from trainer.tui.screens.study import StudyScreen

    store = store_with()
    for key, name, n in (("geo", "Geo", 1), ("geo-capitals", "Geo::Capitals", 2),
                         ("lone-child", "Lone::Child", 3)):
        import_bytes(store, basic_deck(key, n, name=name))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [(r[0], r[1], r[4]) for r in rows] == [
            ("Geo", "3", "3"), ("  Capitals", "2", "2"), ("Lone", "3", "3"),
            ("  Child", "3", "3"), ("All decks", "6", "6")]
        await pilot.press("enter")  # Geo: its own card and its subdeck's
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert len(app.screen.session.queue) == 3
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Lone, only a name: its child's cards
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert len(app.screen.session.queue) == 3
    store.close()
