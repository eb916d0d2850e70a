"""Flags, marks and tags a student notes on cards (Anki's ctrl+1…7, `*` and the tag editor):
found by `flag:N`, `is:marked` and `tag:`, each one undoable action, none a review-log row,
kept across a re-import of the deck's file; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.helpers import basic_deck, import_bytes, make_store
from trainer.query import QueryError, parse
from trainer.store.errors import StoreError, UndoRefused
from trainer.store.replay import rebuild_states


def keys(store, query: str) -> list[str]:
    return [c.key for c in store.search.cards(parse(query), limit=None).cards]


def log_rows(store) -> int:
    return len(store.reviews.log()[1])


def test_flags_are_found_by_number_and_colour_and_undone_newest_first(db_url):
    store, ids = make_store(db_url, n_cards=4)
    store.reviews.record(ids[0], 4)
    rows = log_rows(store)
    assert store.cards.flag([ids[0]], 1).card_ids == (ids[0],)
    assert store.cards.flag([ids[1], ids[2]], 4).card_ids == (ids[1], ids[2])
    assert store.cards.flag([ids[1]], 4).entry_id is None  # already so: nothing to undo
    assert keys(store, "flag:1") == keys(store, "flag:red") == ["d0"]
    assert keys(store, "flag:4") == keys(store, "FLAG:Blue") == ["d1", "d2"]
    assert keys(store, "flag:0") == ["d3"]
    assert keys(store, "-flag:0") == ["d0", "d1", "d2"]
    assert store.cards.get(ids[0]).flag == 1
    assert [c.flag for c in store.search.cards(parse(""), sort="flag", descending=True).cards
            ] == [4, 4, 1, 0]
    assert log_rows(store) == rows  # a note on the card, not its state: no log row
    assert rebuild_states(store) == 0
    assert store.undo.last().label == "flagging 2 cards blue"
    assert keys(store, "flag:4") == []
    store.cards.flag([ids[0]], 0)
    assert store.undo.last().label == "taking the flag off 'q0'"
    assert keys(store, "flag:red") == ["d0"]
    assert store.undo.last().label == "flagging 'q0' red"
    assert store.undo.last().label == "the grade 4 of 'q0'"  # then the log's actions
    with pytest.raises(StoreError, match="a flag is 0"):
        store.cards.flag([ids[0]], 8)
    store.close()


def test_marking_is_annis_marked_tag_and_is_found_by_is_marked(db_url):
    store, ids = make_store(db_url, n_cards=3)
    assert store.cards.mark([ids[0], ids[1]]).card_ids == (ids[0], ids[1])
    assert store.cards.mark([ids[1]]).card_ids == ()  # marked already
    assert keys(store, "is:marked") == keys(store, "tag:marked") == ["d0", "d1"]
    assert store.cards.get(ids[0]).marked and store.cards.get(ids[0]).tags == ("marked",)
    assert [c.marked for c in store.search.cards(parse("")).cards] == [True, True, False]
    assert store.cards.mark([ids[0]], marked=False).card_ids == (ids[0],)
    assert keys(store, "is:marked") == ["d1"] and keys(store, "-is:marked") == ["d0", "d2"]
    assert store.undo.last().label == "unmarking 'q0'"
    assert store.undo.last().label == "marking 2 cards"
    assert keys(store, "is:marked") == []
    assert log_rows(store) == 0
    store.close()


def test_editing_a_cards_tags_keeps_its_decks_and_says_what_changed(db_url):
    store, ids = make_store(db_url, n_cards=2)
    store.cards.set_tags(ids[0], ["hard", "verbs::irregular", "hard"])
    assert store.cards.get(ids[0]).tags == ("hard", "verbs::irregular")
    assert keys(store, "tag:verbs") == ["d0"] and keys(store, "tag:hard") == ["d0"]
    assert keys(store, "irregular") == ["d0"]  # the tags are words to find too
    store.cards.set_tags(ids[0], ["verbs::irregular"])
    store.cards.set_tags(ids[0], ["verbs::irregular", "marked", "easy"])
    assert store.cards.get(ids[0]).marked
    assert store.cards.set_tags(ids[0], ["verbs::irregular", "marked", "easy"]).entry_id is None
    store.cards.set_tags(ids[0], ["later"])
    with pytest.raises(StoreError, match="a tag over 200 characters"):
        store.cards.set_tags(ids[1], ["x" * 201])
    assert [store.undo.last().label for _ in range(4)] == [
        "retagging 'q0'", "tagging 'q0' marked easy", "untagging 'q0' hard",
        "tagging 'q0' hard verbs::irregular"]
    assert store.cards.get(ids[0]).tags == () and keys(store, "tag:*") == []
    store.close()


def test_a_sessions_own_undo_takes_back_its_entry_and_refuses_one_changed_since(db_url):
    store, ids = make_store(db_url, n_cards=2)
    red = store.cards.flag([ids[0]], 1).entry_id
    marked = store.cards.mark([ids[1]]).entry_id
    assert red is not None and marked is not None
    undone = store.undo.entry(red)  # not the newest: the session's own
    assert undone is not None and undone.label == "flagging 'q0' red"
    assert undone.card_ids == (ids[0],)
    assert store.cards.get(ids[0]).flag == 0 and store.cards.get(ids[1]).marked
    assert store.undo.entry(red) is None  # gone already
    green = store.cards.flag([ids[0]], 3).entry_id
    store.cards.flag([ids[0]], 5)  # pink since, from another window
    with pytest.raises(UndoRefused, match="flagged again since"):
        store.undo.entry(green)
    store.cards.set_tags(ids[1], ["marked", "other"])  # the tags changed since the mark
    with pytest.raises(UndoRefused, match="tags were changed since"):
        store.undo.entry(marked)
    assert store.cards.get(ids[0]).flag == 5 and store.cards.get(ids[1]).marked
    store.close()


def test_flags_marks_and_tags_outlive_reimporting_the_deck(db_url):
    """The student's notes are no deck author's: a re-import keeps them, also when it adds
    a card (which rewrote every tag of the deck from the file) or changes the marked one."""
    store, ids = make_store(db_url, n_cards=3)
    store.cards.mark([ids[0]])
    store.cards.set_tags(ids[1], ["mine"])
    store.cards.flag([ids[2]], 6)
    import_bytes(store, basic_deck("d", 4))  # one card more
    assert keys(store, "is:marked") == ["d0"]
    assert keys(store, "tag:mine") == ["d1"]
    assert keys(store, "flag:turquoise") == ["d2"]
    changed = basic_deck("d", 4).replace(b'answer = "a0"', b'answer = "a0 changed"')
    import_bytes(store, changed)  # the file wins for its content, not for the mark
    card = store.cards.get(ids[0])
    assert card.answer == "a0 changed" and card.marked
    assert keys(store, "is:marked") == ["d0"]
    import_bytes(store, changed)  # and the mark is no change of the file's: nothing to do
    assert store.cards.get(ids[0]).marked
    store.close()


@pytest.mark.parametrize(("query", "message"), [
    ("flag:8", "column 6: flag: is 0 (none) or 1-7 (red, orange, green, blue, pink, "
               "turquoise, purple)"),
    ("flag:crimson", "column 6: flag: is 0 (none) or 1-7"),
    ("is:flagged", "column 4: is: is one of new, learning, young, mature, due, suspended, "
                   "buried, leech, retired, marked"),
])
def test_a_bad_flag_search_says_what_it_takes(query, message):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert str(caught.value).startswith(message)


def test_the_browsers_flag_and_mark_take_off_what_every_card_has_already(db_url):
    from trainer.sessions.browse import BrowseSession

    store, ids = make_store(db_url, n_cards=3)
    session = BrowseSession(store)

    def act(pending) -> str:
        done = session.perform(pending)
        session.found(session.find(None))
        return "" if done is None else done.message

    session.found(session.find(None))
    assert act(session.flag(ids[:2], 2)) == "Flagged 2 cards orange"
    assert session.flag_of(ids[:2]) == 2 and session.flag_of(ids) == 0
    assert [r.flag for r in session.rows()] == [2, 2, 0]
    assert act(session.flag(ids, 2)) == "Flagged 1 card orange"  # not all had it
    assert act(session.flag(ids, 2)) == "Took the flag off 3 cards"  # all had it
    assert act(session.mark([ids[0]])) == "Marked 1 card"
    assert act(session.mark(ids)) == "Marked 2 cards"  # not all were: the rest marked
    assert [r.marked for r in session.rows()] == [True, True, True]
    assert act(session.mark(ids)) == "Unmarked 3 cards"
    assert act(session.set_tags(ids[1], "a  b")) == "Tags: a b"
    assert session.tags_of(ids[1]) == "a b" and act(session.set_tags(ids[1], "a b")) == ""
    assert session.tags_problem("ok " + "x" * 201) == "a tag over 200 characters"
    store.close()


def test_the_card_commands_show_each_cards_flag_mark_and_tags(db_url, capsys):
    import json

    from trainer.cli import main

    store, ids = make_store(db_url, n_cards=3)
    store.cards.flag([ids[1]], 5)
    store.cards.set_tags(ids[1], ["marked", "hard"])
    store.close()
    capsys.readouterr()
    assert main(["--db", db_url, "cards", "", "--json", "--sort", "flag"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(c["key"], c["flag"], c["marked"], c["tags"]) for c in found] == [
        ("d0", 0, False, []), ("d2", 0, False, []), ("d1", 5, True, ["marked", "hard"])]
    assert main(["--db", db_url, "card", "d/d1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["flag"], shown["marked"], shown["tags"]) == (5, True, ["marked", "hard"])
    assert main(["--db", db_url, "card", "d/d1"]) == 0
    assert "\nflag    pink\n" in capsys.readouterr().out
    assert main(["--db", db_url, "cards", "flag:pink is:marked"]) == 0
    assert capsys.readouterr().out.startswith("d/d1 ")
