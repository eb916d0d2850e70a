"""Undo that outlives the session: the newest action of any session (a grade, a suspension, an
edit, a browser action, a deck's deletion) is taken back after the session ends and after a
restart, newest first, each saying what it took back, and refused with a reason when a later
change depends on it. Store tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.helpers import LONDON, Clock, basic_deck, import_bytes, make_store
from trainer.cli import main
from trainer.editing import entry_snippet, read_snippet
from trainer.store import Store, open_store
from trainer.store.errors import UndoRefused
from trainer.store.replay import rebuild_states, rollup_rows


def snapshot(store: Store) -> dict[str, object]:
    """Everything an undo must give back as it was: decks and their former keys, cards with
    their content and place, states, tags, the log and the daily rollup."""
    with store.reading() as conn:
        def rows(sql: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in conn.execute(text(sql))]

        decks = rows("SELECT id, key, name, retired FROM deck ORDER BY id")
        aliases = rows("SELECT key, deck_id FROM deck_alias ORDER BY key")
        cards = rows("SELECT * FROM card ORDER BY id")
        tags = rows("SELECT card_id, tag FROM card_tag ORDER BY card_id, tag")
    return {
        "decks": decks, "aliases": aliases, "tags": tags,
        "cards": cards,
        "states": {c[0]: (store.cards.state(c[0]), store.cards.is_retired(c[0])) for c in cards},
        "log": store.reviews.log(),
        "rollup": rollup_rows(store),
    }


def reopen(store: Store, url: str, clock: Clock) -> Store:
    """The store closed and a new one opened on the same database: a restart."""
    store.close()
    return open_store(url, settings=LONDON, clock=clock)


def test_undo_after_a_restart_takes_back_the_last_grade(db_url):
    clock = Clock()
    store, ids = make_store(db_url, 3, clock=clock)
    store.reviews.record(ids[0], 5, session_id="monday")
    before = snapshot(store)
    store.reviews.record(ids[1], 4, answer_ms=1200, session_id="monday")
    assert snapshot(store) != before
    store = reopen(store, db_url, clock)

    undone = store.undo.last()
    assert undone is not None and undone.label == "the grade 4 of 'q1'"
    assert undone.card_ids == (ids[1],)
    assert snapshot(store) == before  # state, log and rollup as before the grade
    assert rebuild_states(store) == 0
    store = reopen(store, db_url, clock)
    assert store.undo.last().label == "the grade 5 of 'q0'"
    assert store.undo.last() is None
    assert store.cards.history(ids[0]) == [] and rollup_rows(store) == []
    store.close()


def _edit(store: Store, deck_key: str, entry: str, old: str, new: str) -> None:
    deck = store.decks.find(deck_key)
    snippet = entry_snippet(store.cards.of_entry(deck.id, entry))
    assert old in snippet
    store.cards.edit_entry(deck.id, entry, read_snippet(snippet.replace(old, new), deck,
                                                        keep_id=entry))


def test_undo_takes_back_actions_newest_first_across_kinds(db_url):
    """A grade, then a deck's deletion, then an edit: three undos take them back in reverse
    order, each saying what it took back, and everything is as it was."""
    clock = Clock()
    store, ids = make_store(db_url, 3, clock=clock)
    import_bytes(store, basic_deck("e", 2))
    start = snapshot(store)
    store.reviews.record(ids[0], 5, session_id="s")
    graded = snapshot(store)
    store.decks.delete(store.decks.find("e").id)
    deleted = snapshot(store)
    _edit(store, "d", "d1", '"a1"', '"a1, edited"')
    assert store.cards.get(ids[1]).answer == "a1, edited"
    store = reopen(store, db_url, clock)

    assert store.undo.last().label == "the edit of 'q1'"
    assert store.cards.get(ids[1]).answer == "a1" and snapshot(store) == deleted
    assert store.undo.last().label == "the deletion of deck 'Deck e' (2 cards)"
    assert snapshot(store) == graded
    assert store.undo.last().label == "the grade 5 of 'q0'"
    assert snapshot(store) == start
    assert store.undo.last() is None
    store.close()


def _retire(store: Store, ids: list[int]) -> None:
    store.cards.retire_many(ids[:2])


def _unretire(store: Store, ids: list[int]) -> None:
    store.cards.retire_many(ids[:2], retired=False)


def _move(store: Store, ids: list[int]) -> None:
    store.cards.move_many(ids[1:], store.decks.find("e").id)


def _tag(store: Store, ids: list[int]) -> None:
    store.cards.tag_many(ids, "hard")


def _untag(store: Store, ids: list[int]) -> None:
    store.cards.tag_many(ids, "hard", add=False)


def _add(store: Store, ids: list[int]) -> None:
    deck = store.decks.find("d")
    store.cards.add_entry(deck.id, read_snippet(
        'id = "gaps"\nkind = "cloze"\ntext = "{{c1::Mao}} met {{c2::Stalin}}."\n', deck))


def _edit_cloze(store: Store, ids: list[int]) -> None:
    """A gap removed (its card retired), one added (a new card), the text changed."""
    _edit(store, "d", "gaps", "{{c2::Stalin}}.", "{{c3::Stalin}} in {{c4::Moscow}}.")


def _edit_kind(store: Store, ids: list[int]) -> None:
    """A studied basic card turned into a cloze: its key follows the entry, its tags change."""
    deck = store.decks.find("d")
    store.cards.edit_entry(deck.id, "d0", read_snippet(
        'id = "d0"\nkind = "cloze"\ntext = "{{c1::a0}} answers q0"\ntags = ["hard"]\n',
        deck, keep_id="d0"))


def _delete_deck(store: Store, ids: list[int]) -> None:
    store.decks.delete(store.decks.find("d").id)


def _undelete_deck(store: Store, ids: list[int]) -> None:
    store.decks.undelete(store.decks.find("d", deleted=True).id)


def _rename(store: Store, ids: list[int]) -> None:
    store.decks.rename(store.decks.find("d").id, key="mine", name="My deck")


def _bulk(store: Store, ids: list[int]) -> None:
    store.cards.change_many(ids, "suspend", session_id="browse-1")


def _nothing(store: Store, ids: list[int]) -> None:
    pass


GRADE = "the grade 4 of 'q0'"


@pytest.mark.parametrize(("setup", "act", "label", "then"), [
    (_nothing, _retire, "deleting 2 cards", GRADE),
    (_retire, _unretire, "bringing back 2 cards", "deleting 2 cards"),
    (_nothing, _move, "moving 3 cards to deck 'Deck e'", GRADE),
    (_nothing, lambda store, ids: store.cards.tag_many(ids[:1], "hard"), "tagging 'q0' hard",
     GRADE),
    (_nothing, _tag, "tagging 4 cards hard", GRADE),
    (_tag, _untag, "untagging 4 cards hard", "tagging 4 cards hard"),
    (_nothing, _add, "adding 'gaps' (2 cards)", GRADE),
    (_add, _edit_cloze, "the edit of 'gaps'", "adding 'gaps' (2 cards)"),
    (_nothing, _edit_kind, "the edit of 'q0'", GRADE),
    (_nothing, _delete_deck, "the deletion of deck 'Deck d' (4 cards)", GRADE),
    (_delete_deck, _undelete_deck, "bringing back deck 'Deck d' (4 cards)",
     "the deletion of deck 'Deck d' (4 cards)"),
    (_nothing, _rename, "renaming deck 'Deck d' [d] to 'My deck' [mine]", GRADE),
    (_nothing, _bulk, "the suspension of 4 cards", GRADE),
])
def test_each_action_is_taken_back_exactly(db_url, setup, act, label, then):
    clock = Clock()
    store = open_store(db_url, settings=LONDON, clock=clock)
    import_bytes(store, basic_deck("d", 4).replace(b'name = "Deck d"',
                                                   b'name = "Deck d"\ntags = ["dtag"]'))
    import_bytes(store, basic_deck("e", 2))
    ids = store.cards.in_play(store.decks.find("d").id)
    store.reviews.record(ids[0], 4)
    setup(store, ids)
    before = snapshot(store)
    act(store, ids)
    assert snapshot(store) != before
    store = reopen(store, db_url, clock)
    undone = store.undo.last()
    assert undone is not None and undone.label == label
    assert snapshot(store) == before
    assert rebuild_states(store) == 0
    assert store.undo.last().label == then
    store.close()


def test_undoing_a_grade_is_refused_with_a_reason_when_a_later_change_depends_on_it(db_url):
    clock = Clock()
    store, ids = make_store(db_url, 3, clock=clock)
    # a grade, then the deck switched to FSRS: the switch worked the card's state out from
    # that grade, and is not itself on the undo stack
    store.reviews.record(ids[0], 5)
    store.options.switch_scheduler(store.decks.find("d").id, "fsrs")
    state = store.cards.state(ids[0])
    with pytest.raises(UndoRefused) as refused:
        store.undo.last()
    message = str(refused.value)
    assert message.startswith("cannot undo the grade 5 of 'q0': ") and "\n" not in message
    assert "scheduler" in message
    assert store.cards.state(ids[0]) == state and len(store.cards.history(ids[0])) == 2
    store.close()


def test_undoing_an_edit_is_refused_when_the_card_changed_since(db_url):
    """An edit, then the card changed by re-importing its file: taking the edit back would
    throw the file's version away."""
    store, ids = make_store(db_url, 3)
    _edit(store, "d", "d1", '"a1"', '"a1, edited"')
    import_bytes(store, basic_deck("d", 3).replace(b'"q1"', b'"q1 from the file"'))
    with pytest.raises(UndoRefused, match=r"^cannot undo the edit of 'q1': the card was "
                                          r"changed since"):
        store.undo.last()
    assert store.cards.get(ids[1]).prompt == "q1 from the file"
    store.close()


def test_a_session_scoped_undo_keeps_the_stack_in_order(tmp_path):
    """A study session takes back its own grade under a newer edit; the grade given again
    afterwards is newer than the edit (on SQLite the log reuses the freed row id)."""
    clock = Clock()
    store, ids = make_store(f"sqlite:///{tmp_path / 'o.db'}", 3, clock=clock)
    store.reviews.record(ids[0], 5, session_id="s")
    _edit(store, "d", "d1", '"a1"', '"a1, edited"')
    store.undo.last_review("s")
    store.reviews.record(ids[0], 3, session_id="s")
    assert store.undo.last().label == "the grade 3 of 'q0'"
    assert store.undo.last().label == "the edit of 'q1'"
    assert store.undo.last() is None
    store.close()


def test_the_undo_journal_migrates_both_ways(db_url):
    """0020 adds the journal of actions that write no log row; down, the table goes (and the
    log's grades stay undoable), up again, it is back and empty."""
    from tests.test_store_migrations import downgraded

    clock = Clock()
    store, ids = make_store(db_url, 3, clock=clock)
    store.reviews.record(ids[0], 5)
    store.cards.tag_many(ids, "hard")
    states = {cid: store.cards.state(cid) for cid in ids}
    store.close()
    with downgraded(db_url, "0019") as connection:
        assert "undo_journal" not in inspect(connection).get_table_names()
    store = open_store(db_url, settings=LONDON, clock=clock)
    assert {cid: store.cards.state(cid) for cid in ids} == states
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM undo_journal")).scalar() == 0
    engine.dispose()
    assert store.undo.last().label == "the grade 5 of 'q0'"  # the tag's entry went down
    store.cards.tag_many(ids, "hard", add=False)
    assert store.undo.last().label == "untagging 3 cards hard"
    store.close()


def test_trainer_undo_says_what_it_took_back(tmp_path, capsys):
    path = tmp_path / "d.toml"
    path.write_bytes(basic_deck("d", 2))
    assert main(["import", str(path)]) == 0
    assert main(["suspend", "deck:d", "--yes"]) == 0
    capsys.readouterr()
    assert main(["undo"]) == 0
    assert capsys.readouterr().out == "took back the suspension of 2 cards\n"
    assert main(["cards", "is:suspended"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["undo"]) == 0
    assert capsys.readouterr().out == "nothing to undo\n"


def test_trainer_undo_shows_user_text_literally(tmp_path, capsys):
    store = open_store(settings=LONDON, clock=Clock())
    import_bytes(store, basic_deck("d", 1).replace(b'"q0"', b'"\\u001b[31mred"'))
    store.reviews.record(store.cards.in_play(None)[0], 4)
    store.close()
    assert main(["undo"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and out.startswith("took back the grade 4 of '") and "red'" in out
