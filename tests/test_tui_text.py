"""Text is text on every screen: a deck whose every field holds terminal escapes (OSC 52 writes
the clipboard, OSC 2 the title, CSI clears the screen, C1 is a one-byte CSI) and Textual markup
(`[@click=app.quit]` quits when clicked) is walked through every screen and dialog; what the app
would write to the terminal holds none of them raw, and no span of it carries an action."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Input

from tests.tui_helpers import make_app, settle, store_with, type_text
from trainer.tui.screens.deck_list import DeckListScreen

# (name, what it is, what must never reach the terminal)
PAYLOADS = [
    ("osc52", "\x1b]52;c;aGk=\x07", "\x1b]52"),
    ("osc2", "\x1b]2;pwned\x07", "\x1b]2;"),
    ("csi", "\x1b[2J", "\x1b[2J"),
    ("c1", "\x9b2J", "\x9b"),
    ("bel", "\x07", "\x07"),
]
CLICK = "[@click=app.quit]x[/]"
BOLD = "[b]bold[/b]"
EVIL = "".join(p for _, p, _ in PAYLOADS) + f" {CLICK} {BOLD}"


def evil(word: str) -> str:
    return f"{word} {EVIL}"


def evil_deck(tmp_path):
    tag = "t" + "".join(p for _, p, _ in PAYLOADS) + CLICK.replace(" ", "")
    source = {"quote": evil("quote"), "para": 1}
    cards = [
        {"id": "b1", "kind": "basic", "prompt": evil("prompt"), "answer": evil("answer"),
         "explanation": evil("why"), "tags": [tag]},
        {"id": "z1", "kind": "cloze", "text": f"{evil('cloze')} {{{{c1::{evil('gap')}}}}} end",
         "explanation": evil("why"), "tags": [tag]},
        {"id": "c1", "kind": "choice", "prompt": evil("pick"), "answer": evil("right"),
         "distractors": [evil("d1"), evil("d2")], "explanation": evil("why"), "tags": [tag]},
        {"id": "t1", "kind": "typed", "prompt": evil("type"), "answer": "ok",
         "accept": [evil("also")], "explanation": evil("why"), "tags": [tag],
         "source": source},
        {"id": "q1", "kind": "basic", "prompt": evil("quoted"), "answer": evil("a"),
         "source": {"quote": evil("unmapped"), "para": 1}},
    ]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({"schema_version": 1, "deck": {
        "id": "evil", "name": evil("Deck"), "description": evil("about")}, "cards": cards}))
    return path


def terminal(app) -> tuple[str, list[str]]:
    """What the app writes to the terminal for the whole current screen (and its toasts and
    the screens under a dialog), and every action a click on it would run."""
    update = app.screen._compositor.render_full_update()
    actions = [str(seg.style.meta) for line in update.strips for strip in line
               for seg in strip
               if seg.style is not None and seg.style.meta and "@click" in seg.style.meta]
    return update.render_segments(app.console), actions


def assert_literal(app, where: str, *, shows_user_text: bool = True) -> None:
    out, actions = terminal(app)
    for name, _, raw in PAYLOADS:
        assert raw not in out, f"{where}: {name} reached the terminal raw"
    assert not actions, f"{where}: user text became a clickable action: {actions[:3]}"
    if shows_user_text:
        assert "␛" in out, f"{where}: the user's text is not on the screen"


@pytest.fixture
def app_with_evil(tmp_path):
    store = store_with(evil_deck(tmp_path))
    app = make_app(store, load_bundled_decks=False)
    yield app, tmp_path
    store.close()


async def test_study_and_its_cloze_reveal_show_every_field_literally(app_with_evil):
    app, _ = app_with_evil
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        assert_literal(app, "deck list")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        seen = set()
        while hasattr(screen, "session") and not screen.session.finished:
            view = screen.session.view()
            seen.add(view.kind)
            assert_literal(app, f"study {view.kind} question")
            if view.kind == "typed":
                await type_text(pilot, "no")
                await pilot.press("enter")
            elif view.kind == "choice":
                await pilot.press("1")
            else:
                await pilot.press("space")
            await settle(pilot)
            assert_literal(app, f"study {view.kind} answer")
            if view.source_para is None or view.prompt.startswith("quoted"):
                await pilot.press("e")  # the quote in place, or the source map
                await settle(pilot)
                assert_literal(app, f"study {view.kind} source")
                if app.screen is not screen:
                    await pilot.press("escape")
                    await settle(pilot)
            await pilot.press("5")
            await settle(pilot)
            assert app.is_running  # no action fired
        assert seen == {"basic", "cloze", "choice", "typed"}
        assert_literal(app, "summary")


async def test_quiz_shows_every_field_literally(app_with_evil):
    app, _ = app_with_evil
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        screen = app.screen
        while hasattr(screen, "quiz") and not screen.quiz.finished:
            view = screen.quiz.view()
            assert_literal(app, f"quiz {view.kind} question")
            if view.kind == "typed":
                await type_text(pilot, "no")
                await pilot.press("enter")
            elif view.kind == "choice":
                await pilot.press("1")
            else:
                await pilot.press("space")
                await settle(pilot)
                assert_literal(app, f"quiz {view.kind} revealed")
                await pilot.press("n")
                continue
            await settle(pilot)
            assert_literal(app, f"quiz {view.kind} checked")
            await pilot.press("enter")
            await settle(pilot)
        assert_literal(app, "quiz result")
        assert app.is_running


async def test_the_palette_names_decks_without_obeying_them(app_with_evil):
    app, _ = app_with_evil
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Study Deck")
        await settle(pilot)
        await pilot.pause(0.3)
        assert_literal(app, "command palette")
        out, _ = terminal(app)
        assert "[@click=app.quit]" in out
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert type(app.screen).__name__ == "StudyScreen"


async def test_dialogs_and_messages_show_deck_names_literally(app_with_evil):
    app, _ = app_with_evil
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("r")  # the rename dialog, filled with the name
        await settle(pilot)
        assert_literal(app, "rename dialog")
        await pilot.press("enter")  # the name unchanged: the same name, not the shown one
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert_literal(app, "renamed toast")
        assert app.store.decks.find("evil").name == evil("Deck")
        await pilot.press("delete")
        await settle(pilot)
        assert_literal(app, "delete dialog")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert_literal(app, "deck options")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert_literal(app, "source map")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert_literal(app, "statistics", shows_user_text=False)
        app.screen.query_one("#stats-scope").action_show_overlay()  # the decks and tags
        await settle(pilot)
        assert_literal(app, "statistics scope list")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert_literal(app, "help", shows_user_text=False)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        assert app.is_running


async def test_the_browser_and_the_editor_show_cards_literally(app_with_evil):
    app, _ = app_with_evil
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert_literal(app, "browser")
        for _ in range(4):
            await pilot.press("down")
            await settle(pilot)
            assert_literal(app, "browser detail")
        await pilot.press("t")
        await settle(pilot)
        assert_literal(app, "tag dialog", shows_user_text=False)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("space", "space")  # two selected: the confirmation names them
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert_literal(app, "confirm dialog", shows_user_text=False)
        await pilot.press("y")
        await settle(pilot)
        assert_literal(app, "suspended toast")
        await pilot.press("E")
        await settle(pilot)
        assert_literal(app, "edit screen")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#browse-query", Input).has_focus is False
        assert app.screen.query_one(DataTable).row_count
        assert app.is_running


async def test_an_imported_report_and_a_refused_file_show_names_literally(tmp_path):
    store = store_with()
    app = make_app(store, load_bundled_decks=False)
    bad = tmp_path / "bad.toml"
    bad.write_text(f'schema_version = 1\n[deck]\nid = "x"\nname = {json.dumps(EVIL)}\n'
                   f'[[cards]]\nid = "a"\nkind = "basic"\nprompt = {json.dumps(EVIL)}\n'
                   f'{json.dumps(EVIL)} = 1\n')
    good = evil_deck(tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        for path in (bad, good):
            await pilot.press("i")
            await settle(pilot)
            await type_text(pilot, str(path))
            await pilot.press("enter")
            await settle(pilot)
            assert_literal(app, f"import dialog ({path.name})")
            await pilot.press("escape")
            await settle(pilot)
        assert_literal(app, "deck list after import")
    store.close()
