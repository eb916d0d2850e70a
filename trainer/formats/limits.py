"""What a database and a screen can hold: the one checker of every path text comes in by (an
import, `trainer add`, the in-app editor and $EDITOR, a deck created or renamed, a tag from
the browser). No NUL or lone surrogate in any text (PostgreSQL and UTF-8 refuse them), and
bounded text, names, tags, numbers and cloze gaps; every problem named, one line each.

Gaps are counted before a cloze is expanded into its cards (each card holds the whole text):
one 100 KB line with 6,000 gaps once took 38.7 s and 283 MB to be refused after expanding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trainer.formats.cloze import cloze_numbers
from trainer.formats.errors import DeckError
from trainer.formats.model import SLUG_PATTERN, ParsedDeck, StudyCard

MAX_TEXT = 100_000  # characters in one field
MAX_NAME = 500  # characters in a deck's name: a line on a screen (Anki's A::B::C included)
MAX_KEY = 100  # a deck's or a card's key (Slug)
MAX_TAG = 200
MAX_NUMBER = 1_000_000  # a paragraph or a cloze number: what both databases store as integers
MAX_GAPS = 200  # cloze gaps in one note: each is a card holding the whole text
# one entry as a TOML snippet (trainer add, the editor): its fields, each at most MAX_TEXT;
# a 10,000,000-character answer from $EDITOR once took the edit screen 10 s and 690 MB
MAX_ENTRY = 1_000_000
SUMMARY = 20  # problems of one kind listed before the rest are counted

_TEXT_FIELDS = ("prompt", "answer", "cloze_text", "explanation", "source_quote")


def text_problems(value: str, most: int = MAX_TEXT) -> list[str]:
    """What is wrong with one text, each a reason ('contains a NUL character')."""
    found = []
    if "\x00" in value:
        found.append("contains a NUL character")
    if len(value) > most:
        found.append(f"longer than {most:,} characters")
    if not _encodable(value):
        found.append("contains a lone surrogate (not text)")
    return found


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def name_problems(name: str) -> list[str]:
    """A deck's name: not empty, at most MAX_NAME characters, text."""
    if not name.strip():
        return ["cannot be empty"]
    return text_problems(name, MAX_NAME)


def key_problems(key: str) -> list[str]:
    """A deck's key: a slug of at most MAX_KEY characters."""
    if len(key) > MAX_KEY:
        return [f"longer than {MAX_KEY} characters"]
    if not re.fullmatch(SLUG_PATTERN, key):
        return ["lower-case letters, digits and hyphens, starting with a letter or digit"]
    return []


def tag_problems(tag: str) -> list[str]:
    """One tag: one word, at most MAX_TAG characters, text."""
    found = [p for p in text_problems(tag, MAX_TAG) if not p.startswith("longer")]
    if len(tag) > MAX_TAG:
        found.append(f"a tag over {MAX_TAG} characters")
    if not tag or any(ch.isspace() for ch in tag):
        found.append("a tag is one word without spaces")
    return found


def cloze_problem(text: str) -> str | None:
    """A cloze text too long, or with too many gaps, to be expanded into a card a gap (each
    holding the whole text): asked before expanding it."""
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT:,} characters"
    n = len(cloze_numbers(text))
    return f"{n} cloze gaps; at most {MAX_GAPS} in one note" if n > MAX_GAPS else None


def card_problems(cards: Iterable[StudyCard]) -> list[tuple[str, str]]:
    """(kind, 'card KEY: field: reason') for every problem of these cards."""
    found: list[tuple[str, str]] = []
    gaps: dict[str, int] = {}
    for card in cards:
        where = f"card {card.key[:60]}"
        for name in _TEXT_FIELDS:
            for reason in text_problems(getattr(card, name)):
                found.append((reason.split()[0], f"{where}: {name}: {reason}"))
        for name, values in (("accept", card.accept), ("distractors", card.distractors)):
            for value in values:
                for reason in text_problems(value):
                    found.append((reason.split()[0], f"{where}: {name}: {reason}"))
        for tag in card.tags:
            for reason in tag_problems(tag):
                found.append(("tag", f"{where}: tags: {reason}"))
        for name, number in (("cloze number", card.cloze_number),
                             ("source paragraph", card.source_para)):
            if number is not None and not 0 <= number <= MAX_NUMBER:
                found.append(("number", f"{where}: {name}: must be from 0 to {MAX_NUMBER:,}"))
        if card.kind == "cloze":
            gaps[card.entry] = gaps.get(card.entry, 0) + 1
    for entry, n in gaps.items():
        if n > MAX_GAPS:
            found.append(("gaps", f"card {entry[:60]}: text: {n} cloze gaps; at most "
                          f"{MAX_GAPS} in one note"))
    return found


def summarised(problems: Iterable[tuple[str, str]]) -> list[str]:
    """One line a problem, at most SUMMARY of each kind, then how many more."""
    by_kind: dict[str, list[str]] = {}
    for kind, line in problems:
        by_kind.setdefault(kind, []).append(line)
    lines: list[str] = []
    for found in by_kind.values():
        lines += found[:SUMMARY]
        if len(found) > SUMMARY:
            lines.append(f"... and {len(found) - SUMMARY} more like these")
    return lines


def check_decks(decks: list[ParsedDeck]) -> None:
    """DeckError naming every problem of these parsed decks, by file."""
    problems: list[tuple[str, str]] = []
    for deck in decks:
        where = f"{deck.origin}: deck {deck.key[:60]}"
        for reason in name_problems(deck.name):
            problems.append((reason.split()[0], f"{where}: deck name: {reason}"))
        for reason in text_problems(deck.description):
            problems.append((reason.split()[0], f"{where}: deck description: {reason}"))
        for tag in deck.tags:
            for reason in tag_problems(tag):
                problems.append(("tag", f"{where}: tags: {reason}"))
        problems += [(kind, f"{deck.origin}: {line}")
                     for kind, line in card_problems(deck.cards)]
    lines = summarised(problems)
    if lines:
        raise DeckError(*lines)
