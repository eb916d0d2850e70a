"""Editing and adding cards in the app, re-import that respects edits, and deck management."""

from __future__ import annotations

import pytest

from tests.helpers import LONDON, Clock, basic_deck, import_bytes
from trainer.cli import main
from trainer.editing import SnippetError, entry_snippet, new_snippet, read_snippet
from trainer.query import parse
from trainer.store import open_store
from trainer.store.errors import StoreError

DECK = """schema_version = 1
[deck]
id = "d"
name = "Deck d"
tags = ["dtag"]

[[cards]]
id = "who"
kind = "basic"
prompt = "Who met Stalin?"
answer = "Mao Zedung"

[[cards]]
id = "gaps"
kind = "cloze"
text = "{{c1::Mao}} met {{c2::Stalin}} in {{c3::Moscow}}."
"""


def seeded(db_url=None):
    store = open_store(db_url, settings=LONDON, clock=Clock())
    import_bytes(store, DECK.encode())
    return store, store.decks.find("d")


def card_of(store, deck, key):
    return next(c for c in store.cards.of_deck(deck.id) if c.key == key)


def test_editing_keeps_progress_and_a_cloze_edit_edits_its_note(db_url):
    store, deck = seeded(db_url)
    who = card_of(store, deck, "who")
    store.reviews.record(who.id, 5)
    studied = store.cards.state(who.id)
    snippet = entry_snippet(store.cards.of_entry(deck.id, "who"))
    assert 'answer = "Mao Zedung"' in snippet and 'id = "who"' in snippet
    fixed = read_snippet(snippet.replace("Zedung", "Zedong"), deck, keep_id="who")
    counts = store.cards.edit_entry(deck.id, "who", fixed)
    assert (counts.updated, counts.added, counts.retired) == (1, 0, 0)
    assert store.cards.get(who.id).answer == "Mao Zedong" and store.cards.state(who.id) == studied
    assert store.search.ids(parse("zedong")) == [who.id]  # searchable as edited

    gaps = {c.key: c.id for c in store.cards.of_entry(deck.id, "gaps")}
    edited = read_snippet('id = "gaps"\nkind = "cloze"\n'
                          'text = "{{c1::Mao}} met {{c3::Stalin}} in 1949 ({{c4::Moscow}})."\n',
                          deck, keep_id="gaps")
    counts = store.cards.edit_entry(deck.id, "gaps", edited)
    assert (counts.added, counts.retired) == (1, 1)  # c4 is new; c2 is gone
    assert store.cards.is_retired(gaps["gaps#c2"]) and not store.cards.is_retired(gaps["gaps#c1"])
    assert [c.key for c in store.cards.of_entry(deck.id, "gaps")] == ["gaps#c1", "gaps#c3",
                                                                      "gaps#c4"]
    assert store.search.ids(parse("tag:dtag")) == store.search.ids(parse("deck:d"))
    store.close()


def test_a_snippet_is_checked_as_a_deck_file_is(db_url):
    store, deck = seeded(db_url)
    with pytest.raises(SnippetError) as caught:
        read_snippet('id = "who"\nkind = "basic"\nprompt = "Who?"\nanswer = ""\n', deck, "who")
    assert caught.value.lines[0].startswith("answer: ")
    with pytest.raises(SnippetError, match="id: stays 'who'"):
        read_snippet('id = "whom"\nkind = "basic"\nprompt = "Who?"\nanswer = "M"\n', deck,
                     "who")
    with pytest.raises(SnippetError, match="colour: unknown field"):
        read_snippet('id = "x"\nkind = "basic"\nprompt = "?"\nanswer = "M"\ncolour = 1\n', deck)
    with pytest.raises(SnippetError, match="not valid TOML"):
        read_snippet('id = "x\n', deck)
    store.close()


def test_adding_an_entry(db_url):
    store, deck = seeded(db_url)
    cards = read_snippet(new_snippet("new-one", "typed").replace('prompt = ""', 'prompt = "Q?"')
                         .replace('answer = ""', 'answer = "A"'), deck)
    assert store.cards.add_entry(deck.id, cards) == 1
    added = card_of(store, deck, "new-one")
    assert store.cards.of_deck(deck.id)[-1].key == "new-one" and added.kind == "typed"
    assert store.cards.state(added.id).due is None
    with pytest.raises(StoreError, match="already has an entry 'new-one'"):
        store.cards.add_entry(deck.id, cards)
    store.close()


def test_reimport_keeps_an_edit_unless_the_file_changed(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_text(DECK)
    assert main(["import", str(path)]) == 0
    store = open_store()
    deck = store.decks.find("d")
    who = card_of(store, deck, "who")
    store.cards.edit_entry(deck.id, "who", read_snippet(
        entry_snippet(store.cards.of_entry(deck.id, "who")).replace("Zedung", "Zedong"), deck,
        "who"))
    store.close()
    capsys.readouterr()
    assert main(["import", str(path)]) == 0  # the file is as it was: the edit stays
    out = capsys.readouterr().out
    assert "0 updated" in out and "local edit" not in out
    store = open_store()
    assert store.cards.get(who.id).answer == "Mao Zedong"
    store.close()
    path.write_text(DECK.replace("Who met Stalin?", "Who met Stalin first?"))
    assert main(["import", str(path)]) == 0  # the file changed: it wins, and says so
    assert "the file replaced 1 local edit: who" in capsys.readouterr().out
    store = open_store()
    assert store.cards.get(who.id).prompt == "Who met Stalin first?"
    assert store.cards.get(who.id).answer == "Mao Zedung"
    store.close()


def test_rename_then_reimport_finds_the_renamed_deck(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_text(DECK)
    assert main(["import", str(path)]) == 0
    assert main(["deck", "rename", "d", "--key", "history", "--name", "My history"]) == 0
    assert "renamed d to history (My history)" in capsys.readouterr().out
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["decks", "--json"]) == 0
    import json

    decks = json.loads(capsys.readouterr().out)
    assert [(d["key"], d["name"], d["cards"]) for d in decks] == [("history", "My history", 4)]
    assert main(["cards", "deck:d"]) == 0  # the former key still finds it
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_delete_and_undelete_a_deck(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_text(DECK)
    assert main(["import", str(path)]) == 0
    store = open_store()
    who = card_of(store, store.decks.find("d"), "who")
    store.reviews.record(who.id, 4)
    store.close()
    capsys.readouterr()
    assert main(["deck", "delete", "d", "--yes"]) == 0
    assert "deleted d: 4 cards retired" in capsys.readouterr().out
    assert main(["decks", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert main(["stats", "--json"]) == 0
    import json

    assert json.loads(capsys.readouterr().out)["today"]["answers"] == 1  # history counts
    assert main(["deck", "undelete", "d"]) == 0
    assert "4 cards back" in capsys.readouterr().out
    assert main(["decks", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["cards"] == 4


def test_create_a_deck_and_add_a_card_from_the_command_line(tmp_path, capsys, monkeypatch):
    import io

    assert main(["deck", "create", "notes", "--name", "My notes"]) == 0
    assert main(["add", "notes", "--id", "q1", "--prompt", "Who?", "--answer", "Mao"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO('id = "q2"\nkind = "cloze"\n'
                                                 'text = "{{c1::Mao}} and {{c2::Stalin}}"\n'))
    assert main(["add", "notes"]) == 0
    capsys.readouterr()
    assert main(["cards", "deck:notes"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [
        "notes/q1", "notes/q2#c1", "notes/q2#c2"]
    assert main(["add", "notes", "--id", "q3", "--prompt", "Who?"]) == 1
    assert "answer" in capsys.readouterr().err
    assert main(["deck", "create", "notes"]) == 1
    assert "already" in capsys.readouterr().err


def test_deck_names_match_whatever_their_case_and_an_unknown_tag_is_an_error(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_text(DECK)
    assert main(["import", str(path)]) == 0
    assert main(["deck", "create", "e", "--name", "DECK D"]) == 0
    capsys.readouterr()
    assert main(["deck", "options", "Deck d"]) == 0  # the exact name
    assert main(["deck", "options", "deck e"]) == 1  # no such name, whatever the case
    assert main(["deck", "rename", "e", "--name", "Other"]) == 0
    capsys.readouterr()
    assert main(["deck", "options", "deck d"]) == 0  # the one name it can be
    assert "Deck d [d]" in capsys.readouterr().out
    assert main(["deck", "rename", "e", "--name", "deck D"]) == 0
    capsys.readouterr()
    assert main(["deck", "options", "DECK d"]) == 1
    assert "ambiguous; use a key: d, e" in capsys.readouterr().err
    assert main(["stats", "--tag", "dtag"]) == 0
    capsys.readouterr()
    assert main(["stats", "--tag", "nosuch"]) == 1
    assert "no card has the tag 'nosuch'" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "1001", "-1", "x"])
def test_leech_lapses_has_the_limits_config_toml_has(tmp_path, capsys, value):
    """config.toml refuses leech_lapses = 0 (a card would be a leech before any lapse); the
    CLI and the options screen took it."""
    deck = tmp_path / "d.toml"
    deck.write_bytes(basic_deck("d", 2))
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as code:
        main(["deck", "options", "d", "--leech-lapses", value])
    assert code.value.code == 2
    assert "from 1 to 1000" in capsys.readouterr().err
    assert main(["deck", "options", "d", "--leech-lapses", "1000"]) == 0


def test_the_store_refuses_leech_lapses_outside_config_limits(db_url):
    from trainer.store import open_store

    store = open_store(db_url)
    import_bytes(store, basic_deck("d", 1))
    deck = store.decks.find("d")
    for bad in (0, 1001):
        with pytest.raises(ValueError, match="from 1 to 1000"):
            store.options.set(deck.id, leech_lapses=bad)
    assert store.options.of(deck.id).leech_lapses == 8
    store.close()
