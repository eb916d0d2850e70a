"""A parsed card as the card table's row: its content hash, the row written for it, and, for
an entry whose key or format changed, the progress and the fields the new form keeps.

Shared by the import (trainer.store.imports) and the app's edits (trainer.store.edits), so
that an edited card and an imported one hash and store alike.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from trainer.formats.model import StudyCard
from trainer.store import convert
from trainer.store.schema import card_t

CARD_COLUMNS = (
    "deck_id", "key", "entry", "kind", "prompt", "answer", "accept", "distractors", "cloze_text",
    "cloze_number", "explanation", "source_quote", "source_para", "tags", "content_hash",
    "position", "shuffle_seed", "search_text", "import_hash", "created_at",
)
# what a format may not hold (ParsedDeck.carries): kept from the stored card on re-import
UNCARRIED = ("accept", "distractors", "explanation", "source_quote", "source_para", "entry")


def content_hash(card: StudyCard) -> int:
    """A fingerprint of everything a re-import may change; unit separators keep fields apart.
    64 bits, signed as both databases keep integers: it tells one card's versions apart."""
    c = card
    text = "\x1f".join((
        c.entry, c.kind, c.prompt, c.answer, "\x1e".join(c.accept), "\x1e".join(c.distractors),
        c.cloze_text, str(c.cloze_number), c.explanation, c.source_quote, str(c.source_para),
        "\x1e".join(c.tags),
    ))
    # the first 8 bytes of a 16-byte digest: the hexadecimal digest stores kept before
    # migration 0019, whose first 16 characters it took
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def card_row(card: StudyCard, deck_id: int, position: int, chash: int,
             created: object) -> tuple[Any, ...]:
    """The card's row, in CARD_COLUMNS order (``created``: as the column keeps it)."""
    return (
        deck_id, card.key, card.entry, card.kind, card.prompt, card.answer,
        convert.to_json_list(card.accept), convert.to_json_list(card.distractors),
        card.cloze_text, card.cloze_number, card.explanation, card.source_quote,
        card.source_para, " ".join(card.tags), chash, position,
        zlib.crc32(card.key.encode()) & 0x7FFFFFFF,
        convert.searchable(card.key, card.prompt, card.answer, card.accept, card.distractors,
                           card.cloze_text, card.explanation, card.source_quote,
                           " ".join(card.tags)),
        chash, created,
    )


def keep_progress_across_kinds(conn: Connection, deck_id: int, keys: set[str]) -> None:
    """An entry that became a cloze keeps its progress in its first gap, and a cloze that
    became a single card keeps its first gap's: the card's key follows the entry."""
    have = set(conn.execute(select(card_t.c.key).where(card_t.c.deck_id == deck_id)).scalars())
    renames = []
    for key in keys - have:
        entry, cloze, gap = key.partition("#c")
        old = entry if cloze else f"{key}#c1"
        if (gap == "1" or not cloze) and old in have and old not in keys:
            renames.append({"b_old": old, "b_new": key})
    if renames:
        conn.execute(update(card_t).where(card_t.c.deck_id == deck_id,
                                          card_t.c.key == bindparam("b_old")).values(
            key=bindparam("b_new")), renames)


def keep_uncarried(conn: Connection, card_id: int, card: StudyCard,
                   carries: frozenset[str]) -> StudyCard:
    """The file's card with what its format cannot hold taken from the stored card: a CSV
    round trip keeps accepted answers, distractors, explanations and sources."""
    stored = convert.card(conn.execute(select(card_t).where(card_t.c.id == card_id))
                          .mappings().one())
    held = carries | ({"explanation"} if card.kind == "cloze" else set())
    kept: dict[str, Any] = {
        f: list(getattr(stored, f)) if f in ("accept", "distractors") else getattr(stored, f)
        for f in UNCARRIED if f not in held}
    if card.kind != stored.kind and stored.kind == "choice" and "distractors" not in held:
        kept["kind"] = "choice"  # a row cannot hold a choice card: it stays one
    return replace(card, **kept)
