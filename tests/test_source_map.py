"""The source map: which paragraphs of a deck's source the student has learned."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Static

from tests.helpers import LONDON, Clock, import_bytes
from tests.tui_helpers import make_app, settle, store_with
from trainer.cli import main
from trainer.stats.source_map import source_map
from trainer.store import open_store

DECK = """schema_version = 1
[deck]
id = "src"
name = "Sourced"

[[cards]]
id = "one"
kind = "basic"
prompt = "First?"
answer = "A"
source = { quote = "[b]first[/b] quote", para = 2 }

[[cards]]
id = "two"
kind = "basic"
prompt = "Second?"
answer = "B"
source = { quote = "second quote", para = 2 }

[[cards]]
id = "gaps"
kind = "cloze"
text = "{{c1::C}} and {{c2::D}}"
source = { quote = "a later quote", para = 4 }

[[cards]]
id = "bare"
kind = "basic"
prompt = "No source?"
answer = "E"
"""
TEXT = "Title\nThe first quote and the second quote.\nFurniture\nThen a later quote.\n"


def ids(store):
    return {c.key: c.id for c in store.cards.of_deck(store.decks.find("src").id)}


def test_paragraphs_in_order_with_their_mastery_and_recent_recall(db_url):
    clock = Clock()
    store = open_store(db_url, settings=LONDON, clock=clock)
    import_bytes(store, DECK.encode())
    card = ids(store)
    for _ in range(3):  # one: new -> learning -> young (reviewed on its due days)
        store.reviews.record(card["one"], 5)
        clock.advance(days=store.cards.state(card["one"]).interval)
    store.reviews.record(card["one"], 1)  # a young card forgotten: counts against recall
    store.reviews.record(card["gaps#c1"], 4)
    found = source_map(store, store.decks.find("src"))
    assert [p["para"] for p in found] == [2, 4]
    two, four = found
    assert [q["entry"] for q in two["quotes"]] == ["one", "two"]
    assert (two["cards"], two["new"], two["learning"]) == (2, 1, 1)
    # true retention: every answer but the first, the learning one included
    assert two["retention"] == {"passed": 2, "total": 3, "rate": 0.6667}
    assert (four["cards"], four["new"], four["learning"], len(four["quotes"])) == (2, 1, 1, 1)
    assert four["retention"]["rate"] is None  # a new card's first answer only
    store.close()


def test_trainer_map_prints_the_map_and_the_paragraphs_given_the_source(tmp_path, capsys):
    deck = tmp_path / "src.toml"
    deck.write_text(DECK)
    source = tmp_path / "text.txt"
    source.write_text(TEXT)
    assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    assert main(["map", "src"]) == 0
    out = capsys.readouterr().out
    assert "¶2" in out and "¶4" in out and "¶3" not in out
    assert "“[b]first[/b] quote” (one)" in out
    assert "The first quote and the second quote." not in out
    assert main(["map", "src", "--source", str(source)]) == 0
    assert "The first quote and the second quote." in capsys.readouterr().out
    assert main(["map", "src", "--json"]) == 0
    assert [p["cards"] for p in json.loads(capsys.readouterr().out)] == [2, 2]
    assert main(["map", "src", "--source", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt: cannot read" in capsys.readouterr().err


async def test_m_in_the_deck_list_and_e_on_a_study_card_open_the_map(tmp_path):
    deck = tmp_path / "src.toml"
    deck.write_text(DECK)
    store = store_with(deck)
    app = make_app(store, load_bundled_decks=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert "Source map" in str(app.screen.query_one("#map-title", Static).render())
        quotes = str(app.screen.query_one("#map-quotes", Static).render())
        assert "Paragraph 2" in quotes and "[b]first[/b] quote" in quotes  # literally
        await pilot.press("escape", "enter")  # study: the cards come in deck order
        await settle(pilot)
        for _ in range(2):  # the two cards on paragraph 2
            await pilot.press("space", "5")
            await settle(pilot)
        await pilot.press("space", "e")  # a gap of the entry on paragraph 4
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 1
        assert "Paragraph 4" in str(app.screen.query_one("#map-quotes", Static).render())
        await pilot.press("escape")
        assert app.screen.query_one("#prompt")  # back on the card
    store.close()
