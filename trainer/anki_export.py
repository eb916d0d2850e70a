"""A deck as an Anki package (`trainer export DECK --format apkg`): its cards as Anki notes,
with their tags, their SM-2 state (interval, due, easiness, repetitions, lapses, suspended,
buried) and their review history as Anki review-log rows.

genanki writes the package's note types and deck (Anki's JSON for them is long and exacting,
and genanki's is what Anki itself reads); the scheduling and the log are then written into its
collection in Anki's own terms before the package is zipped.
"""

from __future__ import annotations

import html
import json
import sqlite3
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.files import scratch_folder

if TYPE_CHECKING:
    from trainer.store.records import Card, CardState, Deck, ReviewRow

# trainer's 0-5 grades as Anki's four buttons
ANKI_EASE = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
MAX_ANSWER_MS = 60_000  # Anki caps an answer's time at a minute
REVIEW = 1  # revlog.type


@dataclass
class ApkgReport:
    notes: int = 0
    cards: int = 0
    reviews: int = 0
    notes_on_choice: list[str] = field(default_factory=list)  # choice cards, as basic ones


def _text(value: str) -> str:
    """Anki fields are HTML: text is escaped, line breaks kept."""
    return html.escape(value).replace("\n", "<br>")


def _stable_id(text: str) -> int:
    return 1_000_000_000 + zlib.crc32(text.encode()) % 1_000_000_000


def write_apkg(path: Path, deck: Deck, cards: list[Card], states: dict[int, CardState],
               history: dict[int, list[ReviewRow]], today: date,
               day_start: Callable[[date], datetime]) -> ApkgReport:
    """``today`` is the study day and ``day_start`` when a study day begins (the student's
    time zone and day start hour, which Anki calls rollover)."""
    import genanki

    report = ApkgReport()
    anki_deck = genanki.Deck(_stable_id(f"trainer deck {deck.key}"), deck.name)
    notes: dict[str, tuple[object, list[Card]]] = {}
    for card in cards:
        if card.entry in notes:
            notes[card.entry][1].append(card)
            continue
        if card.kind == "cloze":
            model, fields = genanki.CLOZE_MODEL, [_text(card.cloze_text), _text(card.explanation)]
        else:
            front = _text(card.prompt)
            if card.kind == "choice":
                report.notes_on_choice.append(card.key)
                front += "<br><br>" + "<br>".join(
                    f"• {_text(o)}" for o in sorted((card.answer, *card.distractors)))
            back = _text(card.answer) + (f"<br><br>{_text(card.explanation)}"
                                         if card.explanation else "")
            model = (genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL if card.kind == "typed"
                     else genanki.BASIC_MODEL)
            fields = [front, back]
        guid = genanki.guid_for("trainer", deck.key, card.entry)
        note = genanki.Note(model=model, fields=fields, guid=guid,
                            tags=[t for t in card.tags if t])
        anki_deck.add_note(note)
        notes[card.entry] = (note, [card])
    report.notes = len(notes)
    # the collection holds the student's cards and history: built in the data folder (0700),
    # not the system's shared temporary folder
    with scratch_folder() as tmp:
        db = Path(tmp) / "collection.anki2"
        con = sqlite3.connect(db)
        try:
            stamp = datetime.now(UTC).timestamp()
            genanki.Package(anki_deck).write_to_db(con.cursor(), stamp,
                                                  iter(range(int(stamp * 1000), 2**62)))
            _schedule(con, notes, states, history, today, day_start, report)
            con.commit()
        finally:
            con.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(db, "collection.anki2")
            out.writestr("media", json.dumps({}))
    return report


def _schedule(con: sqlite3.Connection, notes: dict[str, tuple[object, list[Card]]],
              states: dict[int, CardState], history: dict[int, list[ReviewRow]], today: date,
              day_start: Callable[[date], datetime], report: ApkgReport) -> None:
    """Anki's scheduling columns and review log, from trainer's state and log."""
    # Anki reads a review card's due as a day number counted from the collection's creation
    # (crt, at the start of a day) and re-bases it on import: a collection begun at the start
    # of the study day a year ago is on day 365 today.
    package_today = 365
    crt = day_start(today - timedelta(days=package_today))
    con.execute("UPDATE col SET crt = ?", (int(crt.timestamp()),))
    nid_of = dict(con.execute("SELECT guid, id FROM notes"))
    cid_of = {(nid, order): cid for cid, nid, order in con.execute(
        "SELECT id, nid, ord FROM cards")}
    used_ids: set[int] = set()
    for note, cards in notes.values():
        nid = nid_of[note.guid]  # type: ignore[attr-defined]
        for card in cards:
            order = (card.cloze_number or 1) - 1 if card.kind == "cloze" else 0
            cid = cid_of.get((nid, order))
            if cid is None:
                continue
            report.cards += 1
            s = states[card.id]
            if s.due is None:
                kind, queue, due = 0, 0, report.cards
            else:
                kind, queue, due = 2, 2, package_today + (s.due - today).days
            if s.suspended:
                queue = -1
            elif s.buried_until is not None and s.buried_until > today:
                queue = -2
            con.execute(
                "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
                "lapses = ? WHERE id = ?",
                (kind, queue, due, s.interval if s.due else 0,
                 s.easiness_x100 * 10 if s.due else 0, s.reviews, s.lapses, cid))
            # the student's flag is Anki's (its colours, 1-7); the mark is the `marked` tag
            con.execute("UPDATE cards SET flags = ? WHERE id = ?", (card.flag, cid))
            for r in history.get(card.id, []):
                if r.kind != "scheduled":
                    continue
                rid = int(r.reviewed_at.timestamp() * 1000)
                while rid in used_ids:
                    rid += 1
                used_ids.add(rid)
                con.execute(
                    "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                    "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                    (rid, cid, ANKI_EASE[r.quality], r.after_interval, r.before_interval,
                     r.after_easiness_x100 * 10, min(r.answer_ms, MAX_ANSWER_MS),
                     # "review": Anki re-reads the buttons of a legacy learning row (its
                     # three-button learning), which would turn Hard into Good
                     REVIEW))
                report.reviews += 1
