"""Flagging, marking and tagging a card while studying and in the browser, as an Anki user
does (ctrl+1…7, or f and a number where the terminal keeps ctrl+1…7; `*`; `t`), each shown
on the card and undone by ctrl+z / u."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from tests.helpers import basic_deck, import_bytes
from tests.tui_helpers import make_app, settle, store_with, type_text
from trainer.query import parse
from trainer.store.replay import rebuild_states
from trainer.tui.screens.browse import BrowseScreen
from trainer.tui.screens.study import StudyScreen
from trainer.tui.widgets.flag_picker import FlagModal

TYPED = b"""schema_version = 1
[deck]
id = "t"
name = "Typed"

[[cards]]
id = "year"
kind = "typed"
prompt = "Which year?"
answer = "1949"
"""


def kind_line(app) -> str:
    return str(app.screen.query_one("#card-kind", Static).render())


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def keys(store, query: str) -> list[str]:
    return [c.key for c in store.search.cards(parse(query), limit=None).cards]


async def test_flag_mark_and_tag_while_studying_then_undo_each_newest_first():
    store = store_with()
    import_bytes(store, basic_deck("d", 3))
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="d")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        card = screen.session.current.card_id
        await pilot.press("ctrl+1")  # on the question side
        await settle(pilot)
        assert "⚑ red flag" in kind_line(app) and "Flagged red" in messages(app)[-1]
        assert keys(store, "flag:1") == ["d0"]
        await pilot.press("ctrl+1")  # the same flag again takes it off
        await settle(pilot)
        assert "flag" not in kind_line(app) and keys(store, "-flag:0") == []
        await pilot.press("space")  # the answer side: every note leaves it showing
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FlagModal)
        await pilot.press("3")
        await settle(pilot)
        assert "⚑ green flag" in kind_line(app) and keys(store, "flag:green") == ["d0"]
        await pilot.press("asterisk")
        await settle(pilot)
        assert "★ marked" in kind_line(app) and keys(store, "is:marked") == ["d0"]
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.query_one(Input).value == "marked "  # its own tags, to add to
        await type_text(pilot, "hard two words")
        await pilot.press("enter")
        await settle(pilot)
        assert keys(store, "tag:hard") == ["d0"] and keys(store, "tag:words") == ["d0"]
        assert messages(app)[-1].startswith("Tags: marked hard two words")
        assert screen.mode == "grading" and screen.session.current.card_id == card
        assert len(store.reviews.log()[1]) == 0  # notes on the card: no log row

        await pilot.press("u")  # the answer side's undo, newest first
        await settle(pilot)
        assert keys(store, "tag:hard") == [] and screen.mode == "grading"
        assert messages(app)[-1] == "Took back tagging 'q0' hard two words"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert keys(store, "is:marked") == [] and "marked" not in kind_line(app)
        assert messages(app)[-1] == "Took back marking 'q0'"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert messages(app)[-1] == "Took back flagging 'q0' green"
        assert "flag" not in kind_line(app)
        await pilot.press("ctrl+z")  # the flag taken off earlier comes back
        await settle(pilot)
        assert messages(app)[-1] == "Took back taking the flag off 'q0'"
        assert "⚑ red flag" in kind_line(app)

        await pilot.press("5")  # graded: the next card, its own (no) notes
        await settle(pilot)
        assert screen.session.current.card_id != card and "flag" not in kind_line(app)
        await pilot.press("ctrl+7")
        await settle(pilot)
        assert "⚑ purple flag" in kind_line(app)
        await pilot.press("ctrl+z", "ctrl+z")  # the purple flag, then the grade
        await settle(pilot)
        assert screen.session.current.card_id == card and "⚑ red flag" in kind_line(app)
        assert store.cards.state(card).reviews == 0
    assert rebuild_states(store) == 0
    store.close()


async def test_a_flag_another_window_took_back_is_not_taken_back_twice():
    store = store_with()
    import_bytes(store, basic_deck("d", 3))
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="d")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "4")  # a grade, then a flag on the next card
        await settle(pilot)
        await pilot.press("ctrl+2")
        await settle(pilot)
        assert store.undo.last().label == "flagging 'q1' orange"  # `trainer undo`, say
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert messages(app)[-1] == ("Nothing to undo: the last action was taken back "
                                     "elsewhere.")
        assert store.cards.state(app.screen.session.history[0].item.card_id).reviews == 1
        await pilot.press("ctrl+z")  # the grade, as the session's own next action
        await settle(pilot)
        assert messages(app)[-1] == "Took back the grade 4 of 'q0'"
    store.close()


async def test_a_typed_answer_keeps_its_keys_and_ctrl_numbers_still_flag():
    store = store_with()
    import_bytes(store, TYPED)
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="t")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, "*ft")
        await pilot.press("ctrl+4")
        await settle(pilot)
        assert app.screen.query_one("#typed", Input).value == "*ft"
        assert keys(store, "flag:blue") == ["year"] and keys(store, "is:marked") == []
        assert "⚑ blue flag" in kind_line(app)
    store.close()


async def test_help_lists_the_keys_of_flags_marks_and_tags():
    from trainer.tui.screens.help import HelpScreen

    store = store_with()
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one(Static).render())
        for words in ("ctrl+1…7", "f, then 0-7", "mark or unmark", "edit the card's tags"):
            assert words in shown
    store.close()


async def test_a_tag_a_deck_file_could_not_hold_is_refused_in_the_dialog():
    store = store_with()
    import_bytes(store, basic_deck("d", 1))
    app = make_app(store, load_bundled_decks=False, start="study", deck_key="d")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one(Input).value = "x" * 201
        await pilot.press("enter")
        await settle(pilot)
        assert "a tag over 200 characters" in str(
            app.screen.query_one("#ask-problem", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert store.cards.get(store.cards.of_deck(store.decks.find("d").id)[0].id).tags == ()
    store.close()
def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_flag_mark_and_tag_in_the_browser_found_by_a_search_and_undone():
    store = store_with()
    import_bytes(store, basic_deck("d", 4))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)

        async def act(*keys_: str) -> None:
            await pilot.press(*keys_)
            await settle(pilot)

        await act("ctrl+1")  # the card under the cursor
        assert rows(app)[0][1] == "⚑" and keys(store, "flag:red") == ["d0"]
        cell = app.screen.query_one(DataTable).get_row_at(0)[1]
        assert "#ef4444" in str(cell.spans[0].style)  # Anki's red
        assert "flag: red" in str(app.screen.query_one("#browse-detail", Static).render())
        await act("down", "space", "space", "f")  # two selected: the picker, then confirm
        await act("4")
        assert "Flag blue 2 cards?" in str(app.screen.query_one(Static).render())
        await act("y")
        assert keys(store, "flag:4") == ["d1", "d2"]
        await act("asterisk")  # the cursor's card (the selection went with the action)
        assert keys(store, "is:marked") == ["d3"] and rows(app)[3][1] == " ★"
        await act("up", "up", "up", "t")
        await type_text(pilot, "hard")
        await act("enter")
        assert keys(store, "tag:hard") == ["d0"]

        await act("slash", "end")
        await type_text(pilot, " flag:1")  # after the deck's search
        await act("enter")
        assert [r[2] for r in rows(app)] == ["q0"]
        took_back = []
        for _ in range(4):
            await act("u")
            took_back.append(messages(app)[-1])
        assert took_back == ["Took back tagging 'q0' hard", "Took back marking 'q3'",
                             "Took back flagging 2 cards blue", "Took back flagging 'q0' red"]
        assert rows(app) == []  # the search again: no card is flagged red now
        assert keys(store, "-flag:0 or is:marked or tag:hard") == []
    store.close()
