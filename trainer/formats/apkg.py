"""Anki packages (.apkg, .colpkg): notes become cards, and review state comes across.

The collection is chosen by the ``meta`` member, else by preference ``collection.anki21b``
(zstd) over ``collection.anki21`` over ``collection.anki2``: a current package also carries a
dummy ``collection.anki2`` holding one "please update Anki" note, which is never imported.
Reads are bounded: no member over 512 MiB uncompressed, no compression ratio over 200, no
member name that tries to leave the archive (trainer.formats.anki_archive). The collection's
tables are read by trainer.formats.anki_collection; the cards and their schedules made here.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from trainer.formats.anki_archive import choose_collection, extract_collection
from trainer.formats.anki_collection import (
    column_text,
    field_refs,
    legacy_notetypes,
    new_notetypes,
    read_deck_names,
    unicase,
)
from trainer.formats.cloze import cloze_answer, cloze_numbers, cloze_prompt
from trainer.formats.delimited import slugify
from trainer.formats.errors import DeckError, shown
from trainer.formats.html_text import html_to_text
from trainer.formats.limits import cloze_problem
from trainer.formats.model import ImportedState, ParsedDeck, StudyCard
from trainer.scheduler.sm2 import INITIAL_EASINESS_X100, MAX_INTERVAL, MIN_EASINESS_X100

DayOf = Callable[[datetime], date]


class _Streak:
    """SM-2's n from a card's revlog, read oldest first: the passed reviews since the last
    failure, with the learning (or relearning) steps that led to them counted as one
    repetition. Kept as two numbers a card while the revlog streams past: a package of
    100,000 notes has a million revlog rows, and holding them cost 100 MB."""

    __slots__ = ("learned", "passed")

    def __init__(self) -> None:
        self.passed = 0
        self.learned = False

    def add(self, ease: int, rtype: int) -> None:
        if rtype in (3, 4) or ease == 0:  # filtered-deck cramming and manual reschedules
            return
        if ease == 1:
            self.passed, self.learned = 0, False
        elif rtype == 1:
            self.passed += 1
        else:
            self.learned = True

    @property
    def n(self) -> int:
        return self.passed + self.learned


def _state(card: tuple[Any, ...], crt_day: date, streak: _Streak | None,
           day_of: DayOf) -> ImportedState | None:
    ctype, queue, due, ivl, factor = card[4:9]
    if ctype == 0:  # new
        return None
    from datetime import timedelta

    if queue == 1 or (queue in (-1, -2, -3) and ctype in (1, 3) and due > 10**8):
        due_day = day_of(datetime.fromtimestamp(due, UTC))
    else:
        due_day = crt_day + timedelta(days=int(due))
    n = streak.n if streak is not None else 0
    easiness = max(MIN_EASINESS_X100, round(factor / 10)) if factor else INITIAL_EASINESS_X100
    interval = max(0, min(int(ivl), MAX_INTERVAL))
    if ctype == 2:
        # A review card is past SM-2's first step; past the second too once its interval has
        # reached 6 days, so that the next pass grows the interval instead of resetting it.
        n = max(n, 2 if interval >= 6 else 1)
        interval = max(1, interval)
    elif n >= 1:
        interval = max(1, interval)
    return ImportedState(repetitions=n, easiness_x100=easiness, interval=interval, due=due_day,
                         reviews=card[9], lapses=card[10])


def anki_entry(guid: str) -> str:
    """An Anki note's guid as a native id (lower-case letters, digits, hyphens): the same
    note every time, so a re-import finds its cards, and an exported deck re-imports."""
    raw = guid.encode()
    digest = raw.hex() if len(raw) <= 40 else hashlib.blake2b(raw, digest_size=20).hexdigest()
    return f"anki-{digest}"


def parse_apkg(data: bytes, origin: str, day_of: DayOf) -> list[ParsedDeck]:
    """The decks of an Anki package (.apkg or .colpkg, any of Anki's collection formats) with
    their cards' schedules, suspensions and buryings, so that a student moving from Anki
    keeps their progress; ``day_of`` turns Anki's times into study days. Notes trainer cannot
    show are skipped with a note; a package it cannot read raises DeckError."""
    import io
    import os
    from pathlib import Path

    from trainer.files import scratch_file

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DeckError(f"{origin}: not an Anki package (not a zip file)") from None
    # The collection is written to a private scratch file (0600, in the data folder: not the
    # system's shared temporary folder) that SQLite reads a page at a time, and unlinked as
    # soon as it is open: deserialized in memory, a 100,000-note package held its bytes
    # twice, 300 MB of a 450 MB peak. A kill during the extraction itself leaves the file,
    # which the next trainer to start removes.
    fd, name = scratch_file(".anki2")
    try:
        with os.fdopen(fd, "w+b") as out, archive:
            info, zstd = choose_collection(archive, origin)
            extract_collection(archive, info, zstd, origin, out)
            out.seek(18)
            if out.read(2) == b"\x02\x02":  # a WAL database: read it as one without its log
                out.seek(18)
                out.write(b"\x01\x01")
        con = sqlite3.connect(Path(name).as_uri() + "?immutable=1", uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # open it now
        except sqlite3.Error as exc:
            con.close()
            raise DeckError(f"{origin}: not a readable Anki collection ({exc})") from None
    finally:
        os.unlink(name)
    try:
        con.create_collation("unicase", unicase)
        con.row_factory = sqlite3.Row
        return _read_collection(con, origin, day_of)
    except sqlite3.DatabaseError as exc:
        raise DeckError(f"{origin}: not a readable Anki collection ({exc})") from None
    finally:
        con.close()


def _read_collection(con: sqlite3.Connection, origin: str, day_of: DayOf) -> list[ParsedDeck]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"col", "notes", "cards"} <= tables:
        raise DeckError(f"{origin}: not an Anki collection (tables missing)")
    new_layout = "notetypes" in tables
    notetypes = new_notetypes(con) if new_layout else legacy_notetypes(con)
    deck_names = read_deck_names(con, new_layout)
    crt = con.execute("SELECT crt FROM col").fetchone()[0]
    crt_day = day_of(datetime.fromtimestamp(crt, UTC))
    # plain tuples for the notes and cards: a sqlite3.Row's lookup by name, a dozen times a
    # card, was a tenth of a 100,000-note package's reading
    plain_rows = con.cursor()
    plain_rows.row_factory = None
    notes = {r[0]: r for r in plain_rows.execute("SELECT id, guid, mid, tags, flds FROM notes")}
    revlog: dict[int, _Streak] = {}
    if "revlog" in tables:
        for cid, ease, rtype in plain_rows.execute(
            "SELECT cid, ease, type FROM revlog ORDER BY id"
        ):
            found = revlog.get(cid)
            if found is None:
                found = revlog[cid] = _Streak()
            found.add(ease, rtype)
    decks: dict[int, ParsedDeck] = {}
    media: set[str] = set()
    skipped: list[str] = []
    seen: set[str] = set()
    rows = plain_rows.execute(
        "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, odid, odue "
        "FROM cards ORDER BY nid, ord"
    )
    # the cloze note being read: its text and gap numbers, read once for all its cards
    cloze_note: tuple[int, str, set[int], bool] | None = None
    for card in rows:  # one at a time: every card's row at once was 30 MB more at 100,000
        cid, nid, did, ordinal, _, queue = card[:6]
        note = notes.get(nid)
        nt = notetypes.get(note[2]) if note else None
        if note is None or nt is None:
            skipped.append(f"card {cid}: skipped: its note or note type is missing")
            continue
        guid, tags_text = column_text(note[1]), column_text(note[3])
        flds = column_text(note[4])
        values = flds.split("\x1f")
        by_name = dict(zip(nt.fields, values, strict=False))

        def plain(html: str) -> str:
            text, found = html_to_text(html)
            media.update(found)
            return text

        did = card[11] or did  # a card in a filtered deck belongs to its home deck
        name = deck_names.get(did, "Default") or "Default"
        deck = decks.setdefault(did, ParsedDeck(key=slugify(name), name=name, origin=origin,
                                                      named=True))
        tags = tags_text.split()
        entry = anki_entry(guid)
        key = f"{entry}#c{ordinal + 1}" if nt.cloze else f"{entry}-{ordinal}"
        if key in seen:  # a damaged collection: two cards for one note and template
            skipped.append(f"note {shown(guid)}: card {ordinal + 1}: skipped: a "
                           "second card for the same note and template")
            continue
        seen.add(key)
        common = {"key": key, "entry": entry, "tags": tags,
                  "state": _state(card, crt_day, revlog.get(cid), day_of),
                  "suspended": queue == -1, "buried": queue in (-2, -3)}
        qfmt, afmt = nt.templates.get(ordinal if not nt.cloze else 0, ("", ""))
        if nt.cloze:
            cloze_field = next((f for m, f in field_refs(qfmt) if m == "cloze"), None)
            if cloze_note is None or cloze_note[0] != nid:  # a note's cards come together
                text = plain(by_name.get(cloze_field, values[0]) if cloze_field else values[0])
                problem = cloze_problem(text)  # before it makes a card a gap
                cloze_note = (nid, text, set() if problem else set(cloze_numbers(text)),
                              problem is not None)
                if problem:
                    skipped.append(f"note {shown(guid)}: skipped: text: {problem}")
            _, text, numbers, refused = cloze_note
            number = ordinal + 1
            if refused:
                continue
            if "image-occlusion:" in text:
                skipped.append(f"note {shown(guid)}: skipped: an image occlusion note "
                               "needs its image, which trainer cannot show")
                continue
            if number not in numbers:
                skipped.append(f"note {shown(guid)}: cloze {number}: skipped: no such "
                               "cloze")
                continue
            extra = [plain(by_name.get(f, "")) for m, f in field_refs(afmt)
                     if f != cloze_field and m != "cloze"]
            deck.cards.append(StudyCard(
                kind="cloze", cloze_text=text, cloze_number=number,
                prompt=cloze_prompt(text, number), answer=cloze_answer(text, number),
                explanation="\n".join(e for e in extra if e), **common,
            ))
            continue
        q_refs = field_refs(qfmt)
        typed = next((f for m, f in q_refs if m == "type"), None)
        q_fields = [f for m, f in q_refs if m != "type"]
        a_fields = [f for m, f in field_refs(afmt) if f not in q_fields and m != "type"]
        prompt = "\n".join(t for t in (plain(by_name.get(f, "")) for f in q_fields) if t)
        if typed:
            answer = plain(by_name.get(typed, ""))
        else:
            answer = "\n".join(t for t in (plain(by_name.get(f, "")) for f in a_fields) if t)
        if not prompt or not answer:
            skipped.append(f"note {shown(guid)}: card {ordinal + 1}: skipped: "
                           "empty prompt or answer")
            continue
        deck.cards.append(StudyCard(kind="typed" if typed else "basic", prompt=prompt,
                                    answer=answer, **common))
    result = [d for d in decks.values() if d.cards]
    if not result:
        raise DeckError(f"{origin}: the package holds no cards to import", *skipped)
    if media:
        result[0].notes.append(f"media referenced but not imported: {', '.join(sorted(media))}")
    result[0].notes.extend(skipped)
    return result
