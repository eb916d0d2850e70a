"""Anki packages (.apkg, .colpkg): notes become cards, and review state comes across.

The collection is chosen by the ``meta`` member, else by preference ``collection.anki21b``
(zstd) over ``collection.anki21`` over ``collection.anki2``: a current package also carries a
dummy ``collection.anki2`` holding one "please update Anki" note, which is never imported.
Reads are bounded: no member over 512 MiB uncompressed, no compression ratio over 200, no
member name that tries to leave the archive.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from trainer.formats import protobuf
from trainer.formats.cloze import cloze_answer, cloze_numbers, cloze_prompt
from trainer.formats.delimited import slugify
from trainer.formats.errors import DeckError, shown
from trainer.formats.html_text import html_to_text
from trainer.formats.limits import cloze_problem
from trainer.formats.model import ImportedState, ParsedDeck, StudyCard
from trainer.scheduler.sm2 import INITIAL_EASINESS_X100, MAX_INTERVAL, MIN_EASINESS_X100

MAX_MEMBER = 512 * 1024 * 1024
MAX_RATIO = 200
PREFERENCE = ("collection.anki21b", "collection.anki21", "collection.anki2")
META_VERSION = {1: "collection.anki2", 2: "collection.anki21", 3: "collection.anki21b"}
FIELD_REF = re.compile(r"\{\{([#^/]?)([^}]+?)\}\}")
SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "Type", "CardFlag"}

DayOf = Callable[[datetime], date]


def _check_member(info: zipfile.ZipInfo, origin: str) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise DeckError(f"{origin}: archive member {name!r} tries to escape the archive")
    if info.file_size > MAX_MEMBER:
        raise DeckError(f"{origin}: archive member {name!r} is too large to import safely")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise DeckError(f"{origin}: archive member {name!r} is compressed suspiciously well "
                        "(a zip bomb?); not imported")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member read a megabyte at a time, stopping at the first past what it may expand to
    (its stated size, the ratio and the cap), whatever its header claims."""
    limit = min(MAX_MEMBER, max(info.compress_size, 1) * MAX_RATIO)
    out = bytearray()
    with archive.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > limit:
                raise DeckError(f"archive member {info.filename!r} expands too much to "
                                "import safely")
    return bytes(out)


def _choose(archive: zipfile.ZipFile, origin: str) -> tuple[zipfile.ZipInfo, bool]:
    infos = archive.infolist()
    for info in infos:
        _check_member(info, origin)
    by_name = {info.filename: info for info in infos}
    wanted = None
    if "meta" in by_name:
        try:
            version = protobuf.first_int(_read_member(archive, by_name["meta"]), 1)
        except ValueError:
            version = 0
        wanted = META_VERSION.get(version)
    if wanted is None or wanted not in by_name:
        wanted = next((n for n in PREFERENCE if n in by_name), None)
    if wanted is None:
        raise DeckError(f"{origin}: not an Anki package (no collection inside the zip)")
    return by_name[wanted], wanted.endswith("anki21b")


def _unicase(a: str, b: str) -> int:
    fa, fb = a.casefold(), b.casefold()
    return (fa > fb) - (fa < fb)


class _NoteType:
    def __init__(self, name: str, cloze: bool, fields: list[str],
                 templates: dict[int, tuple[str, str]]) -> None:
        self.name = name
        self.cloze = cloze
        self.fields = fields
        self.templates = templates


def _legacy_notetypes(con: sqlite3.Connection) -> dict[int, _NoteType]:
    models = json.loads(con.execute("SELECT models FROM col").fetchone()[0] or "{}")
    out = {}
    for mid, m in models.items():
        fields = [_text(f["name"]) for f in sorted(m.get("flds", []), key=lambda f: f["ord"])]
        templates = {t["ord"]: (_text(t.get("qfmt", "")), _text(t.get("afmt", "")))
                     for t in m.get("tmpls", [])}
        out[int(mid)] = _NoteType(_text(m.get("name", "")), m.get("type") == 1, fields,
                                  templates)
    return out


def _new_notetypes(con: sqlite3.Connection) -> dict[int, _NoteType]:
    out = {}
    for ntid, name, config in con.execute("SELECT id, name, config FROM notetypes"):
        cloze = protobuf.first_int(config or b"", 1) == 1
        fields = [r[0] for r in con.execute(
            "SELECT name FROM fields WHERE ntid = ? ORDER BY ord", (ntid,))]
        templates = {
            ord_: (protobuf.first_str(cfg or b"", 1), protobuf.first_str(cfg or b"", 2))
            for ord_, cfg in con.execute(
                "SELECT ord, config FROM templates WHERE ntid = ?", (ntid,))
        }
        out[ntid] = _NoteType(name, cloze, fields, templates)
    return out


def _deck_names(con: sqlite3.Connection, new_layout: bool) -> dict[int, str]:
    if new_layout:
        return {did: _text(name).replace("\x1f", "::")
                for did, name in con.execute("SELECT id, name FROM decks")}
    decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0] or "{}")
    return {int(did): _text(d.get("name", "")) for did, d in decks.items()}


@lru_cache(maxsize=256)
def _refs(template: str) -> tuple[tuple[str, str], ...]:
    """(modifier, field) for each plain field reference, in order: 'type', 'cloze' or ''.
    A note type's few templates serve every card: each is read once."""
    out = []
    for prefix, body in FIELD_REF.findall(template):
        if prefix:  # a conditional section marker, not a rendering
            continue
        parts = body.split(":")
        field = parts[-1].strip()
        modifier = parts[0].strip() if len(parts) > 1 else ""
        if field not in SPECIAL_FIELDS:
            out.append((modifier, field))
    return tuple(out)


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


def _text(value: object) -> str:
    """A text column as text, whatever SQLite holds in it (a damaged or hand-made
    collection: a BLOB of tags, a number for a guid)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


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
            info, zstd = _choose(archive, origin)
            _extract(archive, info, zstd, origin, out)
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
        con.create_collation("unicase", _unicase)
        con.row_factory = sqlite3.Row
        return _read_collection(con, origin, day_of)
    except sqlite3.DatabaseError as exc:
        raise DeckError(f"{origin}: not a readable Anki collection ({exc})") from None
    finally:
        con.close()


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zstd: bool, origin: str,
             out: Any) -> None:
    """The collection member into ``out``, a megabyte at a time, stopping at the first past
    what it may expand to (its stated size, the ratio and the cap), whatever its headers
    claim: a 19 KB package once expanded to 588 MB before the ratio was checked."""
    import zstandard

    member_limit = min(MAX_MEMBER, max(info.compress_size, 1) * MAX_RATIO)
    limit = min(MAX_MEMBER, max(info.file_size, 1) * MAX_RATIO) if zstd else member_limit
    written = 0
    with archive.open(info) as fh:
        source: Any = _Limited(fh, member_limit, info.filename)
        try:
            if zstd:
                source = zstandard.ZstdDecompressor().stream_reader(source)
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise DeckError(f"{origin}: the collection expands too much to import "
                                    "safely")
                out.write(chunk)
        except zstandard.ZstdError as exc:
            raise DeckError(f"{origin}: the collection is not valid zstd data ({exc})") \
                from None


class _Limited:
    """A zip member's stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, fh: Any, limit: int, name: str) -> None:
        self.fh, self.limit, self.name, self.seen = fh, limit, name, 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.fh.read(size)
        self.seen += len(chunk)
        if self.seen > self.limit:
            raise DeckError(f"archive member {self.name!r} expands too much to import safely")
        return chunk


def _read_collection(con: sqlite3.Connection, origin: str, day_of: DayOf) -> list[ParsedDeck]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"col", "notes", "cards"} <= tables:
        raise DeckError(f"{origin}: not an Anki collection (tables missing)")
    new_layout = "notetypes" in tables
    notetypes = _new_notetypes(con) if new_layout else _legacy_notetypes(con)
    deck_names = _deck_names(con, new_layout)
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
        guid, tags_text, flds = _text(note[1]), _text(note[3]), _text(note[4])
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
            cloze_field = next((f for m, f in _refs(qfmt) if m == "cloze"), None)
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
            extra = [plain(by_name.get(f, "")) for m, f in _refs(afmt)
                     if f != cloze_field and m != "cloze"]
            deck.cards.append(StudyCard(
                kind="cloze", cloze_text=text, cloze_number=number,
                prompt=cloze_prompt(text, number), answer=cloze_answer(text, number),
                explanation="\n".join(e for e in extra if e), **common,
            ))
            continue
        q_refs = _refs(qfmt)
        typed = next((f for m, f in q_refs if m == "type"), None)
        q_fields = [f for m, f in q_refs if m != "type"]
        a_fields = [f for m, f in _refs(afmt) if f not in q_fields and m != "type"]
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
