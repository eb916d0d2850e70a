"""Import parsed decks into the store: atomic, set-based, and keyed so progress survives.

Re-import rules: same key and content -> unchanged; changed content -> updated with its review
state kept; cards missing from the file are reported, and removed only with ``prune``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from trainer.errors import UserError
from trainer.formats.errors import DeckError
from trainer.formats.model import ParsedDeck, StudyCard
from trainer.scheduler.sm2 import SM2State
from trainer.store import Store
from trainer.store.bulk import bulk_insert, fetch_rows
from trainer.store.repo import card_t, deck_t, state_t
from trainer.studyday import study_day

FORMATS = ("toml", "json", "csv", "tsv", "txt", "apkg", "colpkg")
EXTENSIONS = {
    ".toml": "toml", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".txt": "txt",
    ".apkg": "apkg", ".colpkg": "apkg",
}
PROGRESS_MIN = 2000
CHUNK = 5_000


@dataclass
class DeckReport:
    key: str
    name: str
    origin: str
    new_deck: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(1 for n in self.notes if "skipped" in n)

    def line(self) -> str:
        text = (
            f"{self.name} [{self.key}]: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.pruned} pruned, {self.skipped} skipped"
        )
        if self.missing:
            text += f"; {len(self.missing)} not in the file (kept; --prune removes them)"
        return text


def _json_list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def content_hash(card: StudyCard) -> str:
    """A fingerprint of everything a re-import may change; unit separators keep fields apart."""
    c = card
    text = "\x1f".join((
        c.entry, c.kind, c.prompt, c.answer, "\x1e".join(c.accept), "\x1e".join(c.distractors),
        c.cloze_text, str(c.cloze_number), c.explanation, c.source_quote, str(c.source_para),
        "\x1e".join(c.tags),
    ))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def detect_format(path: Path, forced: str | None) -> str:
    if forced:
        if forced not in FORMATS:
            raise UserError(f"unknown format {forced!r}; use one of {', '.join(FORMATS)}")
        return "apkg" if forced == "colpkg" else forced
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"{path}: unknown file type; say which with --format")
    return fmt


def parse_file(path: Path, fmt: str | None, deck_name: str | None,
               day_of: Callable[[datetime], date]) -> list[ParsedDeck]:
    from trainer.formats.apkg import parse_apkg
    from trainer.formats.native import parse_native
    from trainer.formats.text import parse_text

    kind = detect_format(path, fmt)
    origin = str(path)
    if sys.stderr.isatty() and path.is_file() and path.stat().st_size > 1_000_000:
        print(f"reading {path.name}…", file=sys.stderr, flush=True)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a deck file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    if kind in ("toml", "json"):
        decks = [parse_native(data, origin, kind)]
    elif kind == "apkg":
        if not data:
            raise DeckError(f"{origin}: the file is empty")
        decks = parse_apkg(data, origin, day_of)
    else:
        decks = parse_text(data, origin, deck_name, "\t" if kind == "tsv" else None)
        deck_name = None  # already applied
    if deck_name:
        from trainer.formats.text import slugify

        for deck in decks:
            deck.name, deck.key = deck_name, slugify(deck_name)
    return decks


def load(paths: Sequence[Path], fmt: str | None, deck_name: str | None,
         day_of: Callable[[datetime], date]) -> list[ParsedDeck]:
    """Parse every file; all problems of all files are raised together."""
    decks: list[ParsedDeck] = []
    problems: list[str] = []
    for path in paths:
        try:
            decks += parse_file(Path(path), fmt, deck_name, day_of)
        except UserError as exc:
            problems += exc.lines
    seen: dict[str, str] = {}
    for deck in decks:
        if deck.key in seen and seen[deck.key] != deck.origin:
            problems.append(f"{deck.origin}: deck {deck.key} is also imported from "
                            f"{seen[deck.key]}; import one file per deck")
        seen.setdefault(deck.key, deck.origin)
    if problems:
        raise DeckError(*problems)
    return _merge_same_key(decks)


def _merge_same_key(decks: list[ParsedDeck]) -> list[ParsedDeck]:
    merged: dict[str, ParsedDeck] = {}
    for deck in decks:
        if deck.key in merged:  # one file (an .apkg) with two deck names of the same slug
            merged[deck.key].cards += deck.cards
            merged[deck.key].notes += deck.notes
        else:
            merged[deck.key] = deck
    return list(merged.values())


class _DryRun(Exception):
    pass


CARD_COLUMNS = (
    "deck_id", "key", "entry", "kind", "prompt", "answer", "accept", "distractors", "cloze_text",
    "cloze_number", "explanation", "source_quote", "source_para", "tags", "content_hash",
    "position", "shuffle_seed",
)


def _card_row(card: StudyCard, deck_id: int, position: int, chash: str) -> tuple:
    return (
        deck_id, card.key, card.entry, card.kind, card.prompt, card.answer,
        _json_list(card.accept), _json_list(card.distractors), card.cloze_text,
        card.cloze_number, card.explanation, card.source_quote, card.source_para,
        " ".join(card.tags), chash, position, zlib.crc32(card.key.encode()) & 0x7FFFFFFF,
    )


def import_decks(
    store: Store,
    decks: list[ParsedDeck],
    *,
    prune: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[DeckReport]:
    """Apply parsed decks in one transaction; with ``dry_run`` nothing is kept."""
    reports: list[DeckReport] = []
    total = sum(len(d.cards) for d in decks)
    done = 0
    try:
        with store.transaction() as conn:
            for deck in decks:
                step = None
                if progress:
                    def step(n: int, base: int = done) -> None:
                        progress(base + n, total)
                reports.append(_import_one(store, conn, deck, prune, step))
                done += len(deck.cards)
                if progress:
                    progress(done, total)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return reports


def _import_one(
    store: Store, conn: Connection, deck: ParsedDeck, prune: bool,
    progress: Callable[[int], None] | None = None,
) -> DeckReport:
    now = store.now().astimezone(UTC)
    report = DeckReport(deck.key, deck.name, deck.origin, notes=list(deck.notes))
    meta = {"name": deck.name, "description": deck.description, "source": deck.source,
            "tags": " ".join(deck.tags)}
    existing_deck = conn.execute(select(deck_t).where(deck_t.c.key == deck.key)).mappings().first()
    if existing_deck is None:
        deck_id = conn.execute(
            insert(deck_t).values(key=deck.key, created_at=now, updated_at=now, **meta)
        ).inserted_primary_key[0]
        report.new_deck = True
        meta_changed = True
    else:
        deck_id = existing_deck["id"]
        meta_changed = any(existing_deck[k] != v for k, v in meta.items())
        if meta_changed:
            conn.execute(update(deck_t).where(deck_t.c.id == deck_id).values(updated_at=now,
                                                                              **meta))
    existing = {
        key: (cid, chash, pos)
        for cid, key, chash, pos in fetch_rows(
            conn,
            select(card_t.c.id, card_t.c.key, card_t.c.content_hash, card_t.c.position)
            .where(card_t.c.deck_id == deck_id),
        )
    }
    # New cards go to the database a chunk at a time as they are met, so that a 100,000-row
    # import never holds every row tuple besides every parsed card.
    to_add: list[tuple] = []
    added = 0
    to_update: list[dict] = []
    to_move: list[dict] = []
    with_state: list[StudyCard] = []

    def flush() -> None:
        nonlocal added
        if to_add:
            bulk_insert(conn, card_t, CARD_COLUMNS, to_add)
            added += len(to_add)
            to_add.clear()
            if progress:
                progress(added)

    for position, card in enumerate(deck.cards):
        chash = content_hash(card)
        found = existing.get(card.key)
        if found is None:
            to_add.append(_card_row(card, deck_id, position, chash))
            if len(to_add) >= CHUNK:
                flush()
            if card.state or card.suspended or card.buried:
                with_state.append(card)
        elif found[1] != chash:
            row = dict(zip(CARD_COLUMNS, _card_row(card, deck_id, position, chash), strict=True))
            to_update.append(row | {"b_id": found[0]})
        else:
            report.unchanged += 1
            if found[2] != position:
                to_move.append({"b_id": found[0], "position": position})
    flush()
    if added:
        conn.execute(
            insert(state_t).from_select(
                ["card_id"],
                select(card_t.c.id).where(
                    card_t.c.deck_id == deck_id,
                    ~card_t.c.id.in_(select(state_t.c.card_id)),
                ),
            )
        )
    if to_update:
        fields = {k: bindparam(k) for k in to_update[0] if k not in ("b_id", "deck_id")}
        conn.execute(update(card_t).where(card_t.c.id == bindparam("b_id")).values(fields),
                     to_update)
    if to_move:
        conn.execute(
            update(card_t).where(card_t.c.id == bindparam("b_id")).values(
                position=bindparam("position")),
            to_move,
        )
    report.added, report.updated = added, len(to_update)
    keys_in_file = {c.key for c in deck.cards}
    report.missing = [k for k in existing if k not in keys_in_file]
    if prune and report.missing:
        ids = [existing[k][0] for k in report.missing]
        for chunk in range(0, len(ids), 500):
            conn.execute(delete(card_t).where(card_t.c.id.in_(ids[chunk : chunk + 500])))
        report.pruned = len(ids)
        report.missing = []
        store._rebuild_rollup(conn)  # the pruned cards' log rows went with them
    ids_by_key = dict(
        fetch_rows(conn, select(card_t.c.key, card_t.c.id).where(card_t.c.deck_id == deck_id))
    )
    if added or to_update or report.pruned or meta_changed:
        _write_tags(conn, deck_id, deck, ids_by_key)
    today = store.today()
    for card in with_state:
        cid = ids_by_key[card.key]
        if card.state:
            s = card.state
            store.set_state(
                cid, SM2State.from_x100(s.repetitions, s.easiness_x100, s.interval), s.due,
                kind="import", reviews=s.reviews, lapses=s.lapses, conn=conn,
            )
        if card.suspended or card.buried:
            conn.execute(update(state_t).where(state_t.c.card_id == cid).values(
                suspended=card.suspended,
                buried_until=today + timedelta(days=1) if card.buried else None,
            ))
    return report


def _write_tags(
    conn: Connection, deck_id: int, deck: ParsedDeck, ids_by_key: dict[str, int]
) -> None:
    """Effective tags (the deck's and the card's) for every card of the deck, rewritten."""
    from trainer.store.models import CardTag

    tag_t = CardTag.__table__
    conn.execute(delete(tag_t).where(tag_t.c.card_id.in_(
        select(card_t.c.id).where(card_t.c.deck_id == deck_id)
    )))
    rows = [
        (ids_by_key[card.key], tag)
        for card in deck.cards
        for tag in dict.fromkeys([*deck.tags, *card.tags])
    ]
    bulk_insert(conn, tag_t, ("card_id", "tag"), rows)


def stderr_progress() -> Callable[[int, int], None] | None:
    """A progress bar on a terminal; None when stderr is piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < PROGRESS_MIN:
            return
        width = 30
        filled = width * done // max(total, 1)
        print(f"\rimporting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
              end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def day_function(store: Store) -> Callable[[datetime], date]:
    return lambda moment: study_day(moment, store.settings)
