"""`trainer export DECK -o FILE.apkg`: a card's flag becomes Anki's flag (cards.flags) and
its mark Anki's `marked` tag, as Anki's own importer (the `anki` package) reads them."""

from __future__ import annotations

from tests.helpers import import_bytes
from tests.tui_helpers import store_with
from trainer.cli import main

DECK = b"""schema_version = 1
[deck]
id = "flags"
name = "Flags"

[[cards]]
id = "red"
kind = "basic"
prompt = "Flagged red"
answer = "1"

[[cards]]
id = "both"
kind = "basic"
prompt = "Flagged purple and marked"
answer = "2"
tags = ["people"]

[[cards]]
id = "gaps"
kind = "cloze"
text = "{{c1::One}} gap flagged, {{c2::the other}} not."
"""


def test_anki_reads_each_cards_flag_and_the_marked_tag(tmp_path):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    store = store_with()
    import_bytes(store, DECK)
    ids = {c.key: c.id for c in store.cards.of_deck(store.decks.find("flags").id)}
    store.cards.flag([ids["red"]], 1)
    store.cards.flag([ids["both"], ids["gaps#c2"]], 7)
    store.cards.mark([ids["both"]])
    store.close()

    package = tmp_path / "flags.apkg"
    assert main(["export", "flags", "-o", str(package)]) == 0
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)))
        found = {}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            found[(card.note().fields[0], card.ord)] = card
        assert found[("Flagged red", 0)].user_flag() == 1
        both = found[("Flagged purple and marked", 0)]
        assert both.user_flag() == 7
        assert sorted(both.note().tags) == ["marked", "people"]
        gaps = "{{c1::One}} gap flagged, {{c2::the other}} not."
        assert (found[(gaps, 0)].user_flag(), found[(gaps, 1)].user_flag()) == (0, 7)
        # Anki's own searches find them as trainer's do
        assert len(col.find_cards("flag:7")) == 2 and len(col.find_cards("tag:marked")) == 1
    finally:
        col.close()
