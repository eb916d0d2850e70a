"""The same limits on every path in: an import, `trainer add` (flags and a snippet on stdin),
the in-app editor and $EDITOR, a deck created or renamed, a tag from the browser. One checker
(trainer.formats.limits), one line a problem, nothing stored beyond them."""

from __future__ import annotations

import io
import json
import re
import stat

import pytest
from textual.widgets import DataTable, TextArea

from tests.helpers import basic_deck, import_bytes
from tests.tui_helpers import make_app, settle, store_with
from trainer.cli import main
from trainer.errors import UserError
from trainer.store import open_store
from trainer.store.errors import StoreError

GAPS = " ".join(f"{{{{c{i}::w{i}}}}}" for i in range(1, 1001))

# (case, the card's fields, what the one line says)
CARDS = [
    ("nul", {"prompt": "a\x00b", "answer": "x"}, "prompt: contains a NUL character"),
    # TOML and JSON refuse a lone surrogate themselves: their own line says so
    ("surrogate", {"prompt": "p", "answer": "x\udcff"},
     "answer: (contains a lone surrogate|.*unicode string)|Unicode scalar value"),
    ("long field", {"prompt": "p", "answer": "a" * 200_000},
     "answer: longer than 100,000 characters"),
    ("long tag", {"prompt": "p", "answer": "a", "tags": ["t" * 300]},
     "a tag over 200 characters"),
    ("gaps", {"kind": "cloze", "text": GAPS}, "1000 cloze gaps; at most 200 in one note"),
]


def flags(fields: dict) -> list[str]:
    out = ["--id", "bad", *(["--kind", fields["kind"]] if "kind" in fields else [])]
    for name in ("prompt", "answer", "text"):
        if name in fields:
            out += [f"--{name}", fields[name]]
    for tag in fields.get("tags", []):
        out += ["--tag", tag]
    return out


def snippet(fields: dict) -> str:
    body = {"id": "bad", "kind": "basic", **fields}
    return "\n".join(f"{k} = {json.dumps(v)}" for k, v in body.items())


@pytest.fixture
def deck(tmp_path, _isolated_home):
    good = tmp_path / "d.toml"
    good.write_bytes(basic_deck("d", 2))
    assert main(["import", str(good)]) == 0
    return _isolated_home / "trainer.db"


def card_count() -> int:
    with open_store() as store:
        return len(store.cards.of_deck(store.decks.find("d").id, retired=True))


@pytest.mark.parametrize(("case", "fields", "message"), CARDS, ids=[c[0] for c in CARDS])
@pytest.mark.parametrize("path", ["import", "add flags", "add stdin"])
def test_every_path_refuses_what_an_import_refuses(deck, tmp_path, capsys, monkeypatch, path,
                                                   case, fields, message):
    capsys.readouterr()
    if path == "import":
        card = {"id": "bad", "kind": "basic", **fields}
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"schema_version": 1, "deck": {"id": "d", "name": "Deck d"},
                                   "cards": [card]}), errors="surrogatepass")
        code = main(["import", str(bad)])
    elif path == "add flags":
        code = main(["add", "d", *flags(fields)])
    else:
        monkeypatch.setattr("sys.stdin", io.StringIO(snippet(fields)))
        code = main(["add", "d"])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(message, err) and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert card_count() == 2


@pytest.mark.parametrize(("case", "fields", "message"), CARDS, ids=[c[0] for c in CARDS])
async def test_the_editor_refuses_it_too(case, fields, message):
    from trainer.tui.screens.edit_card import EditCardScreen

    store = store_with()
    import_bytes(store, basic_deck("d", 2))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.add_card(store.decks.find("d"))
        await settle(pilot)
        assert isinstance(app.screen, EditCardScreen)
        app.screen.query_one(TextArea).text = snippet(fields).replace(
            "\udcff", "\\udcff").replace("\x00", "\\u0000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditCardScreen)
        assert re.search(message, str(app.screen.query_one("#edit-problems").render()))
    assert len(store.cards.of_deck(store.decks.find("d").id)) == 2
    store.close()


NAMES = [
    ("long", "n" * 100_000, "longer than 500 characters"),
    ("nul", "a\x00b", "contains a NUL character"),
    ("surrogate", "a\udcffb", "contains a lone surrogate"),
    ("empty", "  ", "cannot be empty"),
]


@pytest.mark.parametrize(("case", "name", "message"), NAMES, ids=[n[0] for n in NAMES])
@pytest.mark.parametrize("command", ["rename", "create", "import --deck"])
def test_a_deck_name_has_the_same_limits_everywhere(deck, tmp_path, capsys, command, case,
                                                    name, message):
    capsys.readouterr()
    if command == "rename":
        code = main(["deck", "rename", "d", "--name", name])
    elif command == "create":
        code = main(["deck", "create", "other", "--name", name])
    else:
        tsv = tmp_path / "x.tsv"
        tsv.write_text("hello\tworld\n")
        code = main(["import", str(tsv), "--deck", name])
    err = capsys.readouterr().err
    if case == "empty" and command != "rename":
        return  # an empty --name means the key; an empty --deck, the file's name
    assert code == 1, err
    assert message in err and len(err.splitlines()) == 1
    with open_store() as store:
        assert [d.name for d in store.decks.summaries().decks] == ["Deck d"]


def test_a_deck_key_has_the_same_limits_everywhere(deck, capsys):
    capsys.readouterr()
    assert main(["deck", "create", "k" * 101]) == 1
    assert main(["deck", "rename", "d", "--key", "k" * 101]) == 1
    err = capsys.readouterr().err
    assert err.count("longer than 100 characters") == 2


def test_the_store_refuses_them_whoever_asks(db_url):
    store = open_store(db_url)
    import_bytes(store, basic_deck("d", 2))
    deck = store.decks.find("d")
    ids = [c.id for c in store.cards.of_deck(deck.id)]
    for act in (lambda: store.cards.tag_many(ids, "t" * 1_000_000),
                lambda: store.cards.tag_many(ids, "a\x00"),
                lambda: store.decks.rename(deck.id, name="n" * 100_000),
                lambda: store.decks.create("k" * 200, "K"),
                lambda: store.decks.create("ok", "n" * 600)):
        with pytest.raises(StoreError):
            act()
    assert store.cards.tags() == [] and [d.key for d in store.decks.summaries().decks] == ["d"]
    store.close()


async def test_the_browser_asks_again_for_a_tag_over_the_limit():
    from tests.tui_helpers import type_text
    from trainer.tui.widgets.dialogs import AskModal

    store = store_with()
    import_bytes(store, basic_deck("d", 2))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#ask-input").value = "t" * 300
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AskModal)
        assert "over 200" in str(app.screen.query_one("#ask-problem").render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")  # not bound in the browser: the table still has focus
        assert app.screen.query_one(DataTable).row_count == 2
        del type_text
    assert store.cards.tags() == []
    store.close()


async def test_the_rename_dialog_asks_again_for_a_name_over_the_limit():
    from trainer.tui.widgets.dialogs import AskModal

    store = store_with()
    import_bytes(store, basic_deck("d", 2))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#ask-input").value = "n" * 100_000
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AskModal)
        assert "longer than 500" in str(app.screen.query_one("#ask-problem").render())
    assert store.decks.find("d").name == "Deck d"
    store.close()


def fake_editor(tmp_path, monkeypatch, script: str) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\n" + script + "\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)


EDITORS = [
    ("invalid utf-8", "printf 'prompt = \"\\377\"\\n' > \"$1\"", "not UTF-8 text (byte 0xff)"),
    ("removed the file", "rm \"$1\"", "the editor removed the file"),
    ("huge answer", "head -c 10000000 /dev/zero | tr '\\0' a > \"$1\"",
     "longer than 1,000,000 characters"),
]


@pytest.mark.parametrize(("case", "script", "message"), EDITORS, ids=[e[0] for e in EDITORS])
async def test_what_an_editor_saves_that_the_form_cannot_hold_is_one_line(
        tmp_path, monkeypatch, case, script, message):
    from trainer.tui.screens.edit_card import EditCardScreen

    fake_editor(tmp_path, monkeypatch, script)
    store = store_with()
    import_bytes(store, basic_deck("d", 2))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.add_card(store.decks.find("d"))
        await settle(pilot)
        before = app.screen.query_one(TextArea).text
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, EditCardScreen)
        assert message in str(app.screen.query_one("#edit-problems").render())
        assert app.screen.query_one(TextArea).text == before  # nothing was taken
    store.close()


async def test_a_control_character_the_editor_writes_raw_comes_back_escaped(tmp_path,
                                                                            monkeypatch):
    fake_editor(tmp_path, monkeypatch,
                "printf 'id = \"new-card\"\\nkind = \"basic\"\\nprompt = \"a\\033]2;x\\007\"\\n"
                "answer = \"b\"\\n' > \"$1\"")
    store = store_with()
    import_bytes(store, basic_deck("d", 2))
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.add_card(store.decks.find("d"))
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        text = app.screen.query_one(TextArea).text
        assert "\x1b" not in text and "\\u001b]2;x\\u0007" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert store.cards.of_deck(store.decks.find("d").id)[-1].prompt == "a\x1b]2;x\x07"
    store.close()


@pytest.mark.parametrize(("snippet", "message"), [
    ("id = \"x\"\na = " + "[" * 100_000, "nested too deeply"),
    ('id = "x"\nkind = "basic"\nprompt = "p"\nanswer = "a"\n'
     'source = { quote = "q", para = ' + "9" * 5000 + " }\n", "a number too long to be one"),
], ids=["nested", "digits"])
def test_a_snippet_toml_cannot_read_is_one_line(deck, capsys, monkeypatch, snippet, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(snippet))
    capsys.readouterr()
    assert main(["add", "d"]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1 and "Exceeds the limit" not in err


def test_a_user_error_is_what_the_checker_raises():
    from trainer.formats.limits import check_decks
    from trainer.formats.model import ParsedDeck

    with pytest.raises(UserError) as caught:
        check_decks([ParsedDeck(key="k", name="n" * 600, origin="f")])
    assert caught.value.lines == ["f: deck k: deck name: longer than 500 characters"]


def test_a_driver_error_is_one_line_whatever_the_driver():
    import psycopg

    from trainer.store.errors import database_problem

    error = psycopg.errors.ProgramLimitExceeded(
        "index row requires 11472 bytes, maximum size is 8191")
    assert database_problem(error) == "index row requires 11472 bytes, maximum size is 8191"


def test_a_refusal_by_the_server_itself_is_could_not_save(db_url):
    """Past every limit of ours, a write the database refuses (here PostgreSQL's index row
    size, reached through the driver's own cursor) is one line, never the driver's error."""
    from trainer.store import driver
    from trainer.store.errors import CouldNotSave
    from trainer.store.schema import tag_t

    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has no index row limit")
    store = open_store(db_url)
    import_bytes(store, basic_deck("d", 1))
    card = store.cards.of_deck(store.decks.find("d").id)[0]
    with pytest.raises(CouldNotSave, match="could not save: index row"), \
            store.transaction() as conn:
        driver.bulk_insert(conn, tag_t, ("card_id", "tag"), [(card.id, "t" * 1_000_000)])
    assert store.cards.tags() == []
    store.close()
