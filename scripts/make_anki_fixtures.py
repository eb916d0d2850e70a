#!/usr/bin/env python3
"""Build the Anki packages the import tests read, with the real `anki` package from PyPI.

    python3 -m venv /tmp/ankivenv && /tmp/ankivenv/bin/pip install anki
    /tmp/ankivenv/bin/python scripts/make_anki_fixtures.py

Writes tests/data/anki/current.apkg (the collection.anki21b layout, zstd, with the dummy
collection.anki2), legacy.apkg (collection.anki21) and expected.json: what Anki itself says of
every card, so the tests compare the importer with Anki and not with itself. Every stock note
type is covered, with nested decks, HTML, a media reference, a suspended and a buried card, and
review history including a lapse.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions, ExportLimit  # noqa: F401

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "anki"


def add(col: Collection, model: str, deck: str, fields: dict[str, str], tags: str = "") -> int:
    nt = col.models.by_name(model)
    note = col.new_note(nt)
    for name, value in fields.items():
        note[name] = value
    note.tags = tags.split()
    col.add_note(note, col.decks.id(deck))
    return note.id


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp()
    col = Collection(os.path.join(tmp, "collection.anki2"))
    add(col, "Basic", "Geography::Capitals", {"Front": "Capital of France?",
                                                "Back": "Paris"}, "geo europe")
    add(col, "Basic (and reversed card)", "Geography::Capitals",
        {"Front": "Moscow", "Back": "Capital of <b>Russia</b>"}, "geo")
    add(col, "Basic (optional reversed card)", "Geography",
        {"Front": "Beijing", "Back": "Capital of China", "Add Reverse": "y"})
    add(col, "Basic (optional reversed card)", "Geography",
        {"Front": "Ulaanbaatar", "Back": "Capital of Mongolia", "Add Reverse": ""})
    add(col, "Basic (type in the answer)", "History",
        {"Front": "Year the People&#x27;s Republic of China was founded?", "Back": "1949"},
        "history")
    add(col, "Cloze", "History",
        {"Text": "{{c1::Mao}} met {{c2::Stalin::a Soviet leader}} in 1949.<br>"
                 "<img src=\"kremlin.jpg\">",
         "Back Extra": "He waited &amp; waited"}, "history people")
    add(col, "Cloze", "History", {"Text": "[bold]Markup[/] stays {{c1::literal}}"}, "")
    add(col, "Image Occlusion", "History", {
        "Occlusion": "{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2:oi=1}}",
        "Image": '<img src="map.png">', "Header": "Map", "Back Extra": "", "Comments": ""})

    cards = {c: col.get_card(c) for c in col.find_cards("")}
    by_front = {}
    for cid, card in cards.items():
        note = card.note()
        by_front.setdefault(note.fields[0], []).append(cid)
    # Review history: France easy twice (review card), Moscow card 1 good through learning,
    # Beijing a lapse (easy, then due today and again), Ulaanbaatar suspended, 1949 buried.
    sched = col.sched
    france = by_front["Capital of France?"][0]
    moscow = sorted(by_front["Moscow"], key=lambda c: cards[c].ord)[0]
    beijing = sorted(by_front["Beijing"], key=lambda c: cards[c].ord)[0]

    def answer(cid: int, ease: int) -> None:
        card = col.get_card(cid)
        card.start_timer()
        sched.answerCard(card, ease)

    answer(france, 4)
    sched.set_due_date([france], "0")
    answer(france, 4)
    answer(moscow, 3)
    answer(moscow, 3)
    answer(beijing, 4)
    sched.set_due_date([beijing], "0")
    answer(beijing, 1)
    sched.suspend_cards(by_front["Ulaanbaatar"])
    sched.bury_cards(by_front["Year the People&#x27;s Republic of China was founded?"])

    expected = {"today": sched.today, "crt": col.crt, "cards": []}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        revlog = [
            {"ease": r[0], "type": r[1]}
            for r in col.db.all("SELECT ease, type FROM revlog WHERE cid = ? ORDER BY id", cid)
        ]
        expected["cards"].append({
            "key": f"{note.guid}:{card.ord}", "notetype": note.note_type()["name"],
            "deck": col.decks.name(card.did), "fields": note.fields, "tags": note.tags,
            "type": card.type, "queue": card.queue, "due": card.due, "ivl": card.ivl,
            "factor": card.factor, "reps": card.reps, "lapses": card.lapses, "revlog": revlog,
        })
    for name, legacy in (("current", False), ("legacy", True)):
        col.export_anki_package(
            out_path=str(OUT / f"{name}.apkg"),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                             with_media=True, legacy=legacy),
            limit=None,
        )
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    col.close()


if __name__ == "__main__":
    main()
