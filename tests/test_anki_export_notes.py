"""Issue 34, notes out as they came in: what `trainer export --format apkg` writes, Anki's own
importer reads back as the notes Anki exported (each note type with its templates, so a
reversed note stays two cards and a three-template note three; tags; review cards' intervals
and due days; the review log with Anki's row types and same-day steps), and a native deck's
notes carry the deck's tags under trainer's own note type names.

The reference is Anki itself: the collection's own .apkg imported into a fresh collection;
trainer's export of the same notes is imported into another fresh collection, and the two
are compared. On SQLite and PostgreSQL; trainer driven through its CLI."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.anki_helpers import (
    NATIVE_DECK,
    add_note,
    card_ids,
    export_apkg,
    import_apkg,
    new_collection,
    studied_collection,
    study,
    trainer,
    trainer_json,
    utc_config,
)

TRAINER_TYPES = {"trainer Basic", "trainer Typed", "trainer Cloze", "trainer Choice"}


@pytest.fixture
def home(_isolated_home):
    utc_config(_isolated_home)
    return _isolated_home


def three_ways(col) -> None:
    """A note type of three templates (A -> B, B -> C, C -> A)."""
    models = col.models
    notetype = models.new("Three ways")
    for name in ("A", "B", "C"):
        models.add_field(notetype, models.new_field(name))
    for i, (front, back) in enumerate((("A", "B"), ("B", "C"), ("C", "A"))):
        template = models.new_template(f"Card {i + 1}")
        template["qfmt"] = "{{" + front + "}}"
        template["afmt"] = "{{FrontSide}}<hr id=answer>{{" + back + "}}"
        models.add_template(notetype, template)
    models.add(notetype)


def notes_of(col) -> dict[str, tuple]:
    """Each note by GUID: its note type's name and template count, its cards' templates,
    its tags."""
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        notetype = note.note_type()
        out[note.guid] = (notetype["name"], len(notetype["tmpls"]),
                          sorted(c.ord for c in note.cards()), sorted(note.tags))
    return out


def schedules_of(col) -> dict[tuple[str, int], tuple]:
    """Each new or review card by (GUID, template): new, or a review card's interval, due
    day from today, ease factor, reviews and lapses; and whether it is suspended. (A card on
    a learning step in Anki is due within minutes: trainer's day-based schedule keeps its
    due day, not the step.)"""
    out = {}
    today = col.sched.today
    for cid in col.find_cards("-is:learn"):
        card = col.get_card(cid)
        key = (card.note().guid, card.ord)
        if card.type == 0:
            out[key] = ("new", card.queue == -1)
        else:
            out[key] = ("review", card.queue == -1, card.ivl, card.due - today, card.factor,
                        card.reps, card.lapses)
    return out


def answers_of(col) -> dict[tuple[str, int], list[tuple[int, ...]]]:
    """Each card's answers in Anki's review log: (time, ease, type, answer time), and the
    day intervals and ease factors where the row has them."""
    out: dict[tuple[str, int], list[tuple[int, ...]]] = {}
    rows = col.db.all("SELECT n.guid, c.ord, r.id, r.ease, r.type, r.time, r.ivl, r.lastIvl, "
                      "r.factor FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON "
                      "n.id = c.nid WHERE r.ease > 0 ORDER BY r.id")
    for guid, ordinal, rid, ease, rtype, taken, ivl, last, factor in rows:
        out.setdefault((guid, ordinal), []).append(
            (rid, ease, rtype, taken, max(ivl, 0), max(last, 0), factor))
    return out


def fresh_import(folder: Path, packages: list[Path]):
    col = new_collection(folder)
    for package in packages:
        import_apkg(col, package)
    return col


@pytest.mark.xfail(strict=True, reason="issue 34: the .apkg export writes one-template "
                   "genanki note types and new GUIDs")
def test_anki_reads_trainers_export_as_the_notes_it_exported(home, db_url, tmp_path,
                                                             capsys):
    studied = studied_collection(tmp_path / "anki")
    col = studied.col
    try:
        three_ways(col)
        nid = add_note(col, "Three ways", "History", ["1949", "PRC", "Beijing"], ["three"])
        study(col, {cid: [3, 3, 3] for cid in card_ids(col, nid)}, days_ago=20, every=4)
        package = export_apkg(col, tmp_path / "studied.apkg")
    finally:
        col.close()
    reference = fresh_import(tmp_path / "reference", [package])
    assert trainer(db_url, "import", str(package)) == 0
    decks = {c["deck"] for c in trainer_json(capsys, db_url, "cards", "", "--json")}
    exported = []
    reported = 0
    for deck in sorted(decks):
        exported.append(tmp_path / f"{deck}.apkg")
        capsys.readouterr()
        assert trainer(db_url, "export", deck, "-o", str(exported[-1])) == 0
        said = capsys.readouterr().out
        reported += int(said.split(" cards")[0].rsplit(" ", 1)[1])  # "…: N notes, M cards, …"
    ours = fresh_import(tmp_path / "ours", exported)
    try:
        expected = notes_of(reference)
        assert expected[next(g for g, n in expected.items() if n[0] == "Three ways")][2] == [
            0, 1, 2]
        assert notes_of(ours) == expected  # note types, templates, cards, tags
        assert reported == ours.card_count() == reference.card_count()
        assert len(schedules_of(reference)) >= reference.card_count() - 1
        assert schedules_of(ours) == schedules_of(reference)
        assert answers_of(ours) == answers_of(reference)  # row types, steps, times
    finally:
        reference.close()
        ours.close()


@pytest.mark.xfail(strict=True, reason="issue 34: the .apkg export leaves out the deck's "
                   "tags and names its note types after genanki")
def test_a_native_deck_reaches_anki_with_its_deck_tags_under_trainers_note_types(
        home, db_url, tmp_path, capsys):
    deck = tmp_path / "trip.toml"
    deck.write_text(NATIVE_DECK)
    assert trainer(db_url, "import", str(deck)) == 0
    package = tmp_path / "trip.apkg"
    capsys.readouterr()
    assert trainer(db_url, "export", "trip", "-o", str(package)) == 0
    assert ", 7 cards" in capsys.readouterr().out  # every card of the deck
    col = fresh_import(tmp_path / "anki", [package])
    try:
        notes = notes_of(col)
        assert col.card_count() == 7  # the note pair's two cards too
        assert all({"demo", "cold-war"} <= set(tags) for _, _, _, tags in notes.values())
        kinds = Counter(name for name, *_ in notes.values())
        assert set(kinds) <= TRAINER_TYPES, kinds
        assert kinds["trainer Choice"] == 1 and kinds["trainer Typed"] == 1
        assert kinds["trainer Cloze"] == 1
        # the same deck exported again: the same notes (stable GUIDs), so nothing is added
        again = tmp_path / "again.apkg"
        assert trainer(db_url, "export", "trip", "-o", str(again)) == 0
        log = import_apkg(col, again)
        assert list(log.new) == [] and col.card_count() == 7
    finally:
        col.close()
