"""Upgrading the bundled decks without loss: surviving entries keep their progress (also when
they move to another bundled deck), removed entries are retired, never deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import LONDON, Clock
from trainer.bundled import ensure_bundled
from trainer.stats import compute
from trainer.store import Store, open_store


def deck_file(key: str, cards: dict[str, str]) -> bytes:
    lines = ["schema_version = 1", "[deck]", f'id = "{key}"', f'name = "Deck {key}"',
             f'tags = ["{key}"]']
    for card_id, answer in cards.items():
        lines += ["[[cards]]", f'id = "{card_id}"', 'kind = "basic"',
                  f'prompt = "q {card_id}"', f'answer = "{answer}"']
    return "\n".join(lines).encode()


def ship(folder: Path, one: dict[str, str], two: dict[str, str]) -> None:
    (folder / "one.toml").write_bytes(deck_file("one", one))
    (folder / "two.toml").write_bytes(deck_file("two", two))


def keys(store: Store, deck: str) -> list[str]:
    return [c.key for c in store.cards.of_deck(store.decks.find(deck).id)]


def test_an_upgrade_retires_removed_entries_and_moves_cards_with_their_progress(
        tmp_path, db_url):
    folder = tmp_path / "decks"
    folder.mkdir()
    ship(folder, {"kept": "a", "moved": "b", "dropped": "c"}, {"other": "d"})
    store = open_store(db_url, settings=LONDON, clock=Clock())
    ensure_bundled(store, folder)
    ids = {c.key: c.id for c in store.cards.of_deck(store.decks.find("one").id)}
    for key in ("kept", "moved", "dropped"):
        store.reviews.record(ids[key], 4)
    before = {key: store.cards.state(cid) for key, cid in ids.items()}
    answers_before = compute(store)["history"]

    # the new version: "moved" is now in deck two, "dropped" is gone, "new" is added
    ship(folder, {"kept": "a", "fresh": "e"}, {"other": "d", "moved": "b"})
    reports = {r.key: r for r in ensure_bundled(store, folder)}
    assert reports["one"].retired == 1
    assert "1 retired" in reports["one"].line()

    assert store.cards.state(ids["kept"]) == before["kept"]
    moved = next(c for c in store.cards.of_deck(store.decks.find("two").id) if c.key == "moved")
    assert moved.id == ids["moved"]  # the same card: its state and history came along
    assert store.cards.state(moved.id) == before["moved"]
    # it carries its new deck's tag, not its old one's
    assert compute(store, tag="two")["counts"]["total"] == 2
    assert compute(store, tag="one")["counts"]["total"] == 2

    # the dropped card is out of every queue and count, and its review still counts
    overview = {d.key: d for d in store.decks.summaries().decks}
    assert overview["one"].cards == 2 and overview["two"].cards == 2
    assert ids["dropped"] not in store.cards.in_play(None)
    figures = compute(store)
    assert figures["counts"]["total"] == 4
    assert figures["history"] == answers_before
    assert sum(d["cards"] for d in figures["decks"]) == 4

    # it comes back, with its progress, if a later version brings it back
    ship(folder, {"kept": "a", "fresh": "e", "dropped": "c"}, {"other": "d", "moved": "b"})
    ensure_bundled(store, folder)
    assert {d.key: d.cards for d in store.decks.summaries().decks}["one"] == 3
    assert store.cards.state(ids["dropped"]) == before["dropped"]
    store.close()


def test_a_retired_card_is_not_due(tmp_path, db_url):
    folder = tmp_path / "decks"
    folder.mkdir()
    clock = Clock()
    ship(folder, {"a": "1", "b": "2"}, {"c": "3"})
    store = open_store(db_url, settings=LONDON, clock=clock)
    ensure_bundled(store, folder)
    ids = {c.key: c.id for c in store.cards.of_deck(store.decks.find("one").id)}
    store.reviews.record(ids["b"], 5)
    ship(folder, {"a": "1"}, {"c": "3"})
    ensure_bundled(store, folder)
    clock.advance(days=30)
    summary = {d.key: d for d in store.decks.summaries().decks}["one"]
    assert (summary.cards, summary.due, summary.new) == (1, 0, 1)
    store.close()


async def test_a_failed_refresh_of_the_bundled_decks_is_a_message_not_a_crash(monkeypatch):
    from tests.tui_helpers import make_app, settle, store_with
    from trainer import bundled
    from trainer.store.errors import CouldNotSave
    from trainer.tui.screens.deck_list import DeckListScreen

    def fail(store: Store) -> list:
        raise CouldNotSave("could not save: database or disk is full")

    monkeypatch.setattr(bundled, "ensure_bundled", fail)
    app = make_app(store_with())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeckListScreen)
        assert any("database or disk is full" in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("shipped", ["decks-2026-11", "decks-2026-12"])
def test_a_student_of_earlier_article_decks_keeps_every_surviving_cards_progress(tmp_path,
                                                                                  shipped):
    """The decks as shipped before a rewrite (tests/data/decks-2026-11, the first; -12, the
    second), studied, then upgraded to the decks shipped now: every card that survives (by
    its id: a cloze that became one card keeps its id and its first gap's progress) keeps
    its state, the others are retired, and every answer stays in the statistics."""
    from tests.test_bundled_decks import DECKS

    old = Path(__file__).parent / "data" / shipped
    clock = Clock()
    store = open_store(None, settings=LONDON, clock=clock)
    ensure_bundled(store, old)
    before = [c.id for d in store.decks.summaries().decks for c in store.cards.of_deck(d.id)]
    for cid in before:
        store.reviews.record(cid, 4)
    states = {cid: store.cards.state(cid) for cid in before}

    new = tmp_path / "decks"
    new.mkdir()
    for path in DECKS:
        (new / path.name).write_bytes(path.read_bytes())
    ensure_bundled(store, new)
    live = set(store.cards.in_play(None))  # neither suspended nor retired
    surviving = [cid for cid in before if cid in live]
    assert surviving
    for cid in surviving:
        assert store.cards.state(cid) == states[cid], cid
    # what was studied is still in the statistics, retired cards' reviews included
    assert compute(store)["today"]["answers"] == len(before)
    store.close()


def test_an_entry_that_becomes_a_cloze_keeps_its_progress_in_its_first_gap(tmp_path, db_url):
    from tests.helpers import import_bytes

    store = open_store(db_url, settings=LONDON, clock=Clock())
    head = 'schema_version = 1\n[deck]\nid = "k"\nname = "K"\n[[cards]]\nid = "x"\n'
    import_bytes(store, (head + 'kind = "basic"\nprompt = "Who?"\nanswer = "Mao"\n').encode())
    (card,) = store.cards.of_deck(store.decks.find("k").id)
    store.reviews.record(card.id, 5)
    studied = store.cards.state(card.id)
    import_bytes(store, (head + 'kind = "cloze"\ntext = "{{c1::Mao}} met {{c2::Stalin}}."\n')
                 .encode())
    first, second = store.cards.of_deck(store.decks.find("k").id)
    assert (first.key, first.id) == ("x#c1", card.id)
    assert store.cards.state(first.id) == studied
    assert store.cards.state(second.id).due is None  # the new gap is a new card
    # and back again
    import_bytes(store, (head + 'kind = "basic"\nprompt = "Who?"\nanswer = "Mao"\n').encode())
    assert store.cards.state(store.cards.of_deck(store.decks.find("k").id)[0].id) == studied
    store.close()


def test_a_retired_card_is_not_exported(tmp_path, capsys):
    from trainer.cli import main

    folder = tmp_path / "decks"
    folder.mkdir()
    ship(folder, {"kept": "a", "dropped": "c"}, {"other": "d"})
    store = open_store(None, settings=LONDON, clock=Clock())
    ensure_bundled(store, folder)
    ship(folder, {"kept": "a"}, {"other": "d"})
    ensure_bundled(store, folder)
    store.close()
    assert main(["export", "one"]) == 0
    out = capsys.readouterr().out
    assert 'id = "kept"' in out and "dropped" not in out
