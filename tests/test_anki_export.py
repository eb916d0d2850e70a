"""`trainer export DECK --format apkg`: Anki's own importer (the `anki` package) accepts the
file, with every card, its tags, its SM-2 state and its review history."""

from __future__ import annotations

from tests.helpers import Clock, import_bytes
from tests.tui_helpers import store_with
from trainer.cli import main

DECK = """schema_version = 1
[deck]
id = "out"
name = "Out <deck>"

[[cards]]
id = "basic"
kind = "basic"
prompt = "Who met <Stalin>?"
answer = "Mao & co"
explanation = "In Moscow."
tags = ["people", "cold-war::1949"]

[[cards]]
id = "typed"
kind = "typed"
prompt = "When?"
answer = "1949"

[[cards]]
id = "gaps"
kind = "cloze"
text = "{{c1::Mao}} met {{c2::Stalin}}."

[[cards]]
id = "pick"
kind = "choice"
prompt = "Which river?"
answer = "Amur"
distractors = ["Volga", "Don"]

[[cards]]
id = "later"
kind = "basic"
prompt = "Unseen"
answer = "new"
"""


def test_anki_imports_the_package_with_cards_tags_state_and_history(tmp_path, capsys):
    # Anki's importer re-bases due days on the real clock: trainer's runs from now too
    from datetime import UTC, datetime

    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from trainer.studyday import study_day

    clock = Clock(datetime.now(UTC))
    store = store_with(clock=clock)
    real_today = study_day(clock.now, store.settings)
    import_bytes(store, DECK.encode())
    ids = {c.key: c.id for c in store.cards.of_deck(store.decks.find("out").id)}
    store.reviews.record(ids["basic"], 5)
    clock.advance(days=1)
    store.reviews.record(ids["basic"], 4)
    store.reviews.record(ids["typed"], 1)
    store.reviews.record(ids["gaps#c2"], 3)
    store.cards.suspend(ids["pick"])
    states = {key: store.cards.state(cid) for key, cid in ids.items()}
    store.close()

    package = tmp_path / "out.apkg"
    assert main(["export", "out", "-o", str(package)]) == 0
    out = capsys.readouterr().out
    assert "5 notes, 6 cards, 4 reviews" in out and "multiple-choice cards became basic" in out

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)))
        assert col.decks.by_name("Out <deck>") is not None
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        assert len(cards) == 6
        by_front = {}
        for card in cards:
            note = card.note()
            by_front[(note.fields[0], card.ord)] = (card, note)
        basic, note = by_front[("Who met &lt;Stalin&gt;?", 0)]
        assert note.fields[1] == "Mao &amp; co<br><br>In Moscow."
        assert sorted(note.tags) == ["cold-war::1949", "people"]
        s = states["basic"]
        assert (basic.type, basic.ivl, basic.factor, basic.reps, basic.lapses) == (
            2, s.interval, s.easiness_x100 * 10, s.reviews, s.lapses)
        anki_today = col.sched.today
        assert basic.due - anki_today == (s.due - real_today).days
        typed, note = by_front[("When?", 0)]
        assert note.note_type()["name"].startswith("Basic (type in")
        assert (typed.ivl, typed.lapses, typed.reps) == (states["typed"].interval, 0, 1)
        c1, _ = by_front[("{{c1::Mao}} met {{c2::Stalin}}.", 0)]
        c2, _ = by_front[("{{c1::Mao}} met {{c2::Stalin}}.", 1)]
        assert c1.type == 0 and c2.type == 2 and c2.ivl == states["gaps#c2"].interval
        pick = next(c for (front, _), (c, _) in by_front.items() if "Which river?" in front)
        assert pick.queue == -1  # suspended
        assert "Volga" in pick.note().fields[0]
        later, _ = by_front[("Unseen", 0)]
        assert later.type == 0
        grades = sorted(col.db.list("SELECT ease FROM revlog"))
        assert grades == [1, 2, 3, 4]  # 1 -> Again, 3 -> Hard, 4 -> Good, 5 -> Easy
        assert col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", basic.id) == 2
    finally:
        col.close()
