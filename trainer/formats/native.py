"""The native deck format: TOML, or JSON with the same shape (see docs/deck-format.md)."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from pydantic import ValidationError

from trainer.formats.cloze import cloze_answer, cloze_numbers, cloze_prompt
from trainer.formats.errors import DeckError, decode_text, shown
from trainer.formats.model import (
    ChoiceCard,
    ClozeCard,
    DeckFile,
    ParsedDeck,
    StudyCard,
    TypedCard,
)
from trainer.tomltext import Unreadable, read_toml

CARD_HEADER = re.compile(r"^\s*\[\[\s*cards\s*\]\]\s*(#.*)?$")
DECK_HEADER = re.compile(r"^\s*\[\s*deck\s*\]\s*(#.*)?$")


def _toml_card_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if CARD_HEADER.match(line)]


def _json_card_lines(text: str, data: Any) -> list[int]:
    """Each card's line, found by its id, searching on from the previous one: linear in the
    file (searching from the top each time took 44.7 s for 40,000 cards)."""
    lines = []
    cards = data.get("cards") if isinstance(data, dict) else None
    at, line = 0, 1
    for card in cards if isinstance(cards, list) else []:
        found = 0
        if isinstance(card, dict) and isinstance(card.get("id"), str):
            where = text.find(json.dumps(card["id"]), at)
            if where >= 0:
                line += text.count("\n", at, where)
                at = where
                found = line
        lines.append(found)
    return lines


def _line_order(problem: str) -> int:
    match = re.match(r"^[^:]*:(\d+):", problem)
    return int(match.group(1)) if match else 0


def _where(origin: str, line: int) -> str:
    return f"{origin}:{line}" if line else origin


def parse_native(data: bytes, origin: str, fmt: str = "toml") -> ParsedDeck:
    """Validate a native deck; DeckError lists every problem, one line each."""
    text = decode_text(data, origin)
    try:
        raw = read_toml(text) if fmt == "toml" else json.loads(text)
    except Unreadable as exc:
        raise DeckError(f"{origin}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeckError(f"{origin}: not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DeckError(f"{origin}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except ValueError:  # int()'s refusal of more than 4,300 digits, let through by json
        raise DeckError(f"{origin}: a number too long to be one (more than 4,300 digits)") \
            from None
    if not isinstance(raw, dict):
        raise DeckError(f"{origin}: a deck file must be an object with deck and cards")
    if fmt == "toml":
        card_lines = _toml_card_lines(text)
        deck_line = next(
            (i for i, ln in enumerate(text.splitlines(), 1) if DECK_HEADER.match(ln)), 0
        )
    else:
        card_lines = _json_card_lines(text, raw)
        deck_line = 0
    found = raw.get("cards")
    cards_raw: list[Any] = found if isinstance(found, list) else []

    def card_id(index: int) -> str:
        card = cards_raw[index] if index < len(cards_raw) else None
        return shown(card.get("id")) if isinstance(card, dict) and card.get("id") else \
            f"#{index + 1}"

    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, card in enumerate(cards_raw):
        cid = card.get("id") if isinstance(card, dict) else None
        if not isinstance(cid, str):
            continue
        if cid in seen:
            line = card_lines[index] if index < len(card_lines) else 0
            problems.append(
                f"{_where(origin, line)}: card {shown(cid)}: id: duplicate card id "
                f"(also card #{seen[cid] + 1})"
            )
        seen.setdefault(cid, index)
    try:
        deck_file = DeckFile.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = list(err["loc"])
            reason = "unknown field (a typo?)" if err["type"] == "extra_forbidden" else err["msg"]
            if err["type"] == "string_pattern_mismatch" and "tags" in err["loc"]:
                reason = "a tag is one word without spaces"
            reason = reason.removeprefix("Value error, ")
            if loc[:1] == ["cards"] and len(loc) >= 2 and isinstance(loc[1], int):
                index = loc[1]
                # the discriminated union puts the kind in the path: drop it
                rest = [str(p) for p in loc[2:] if p not in ("basic", "typed", "cloze", "choice")]
                line = card_lines[index] if index < len(card_lines) else 0
                field = ".".join(rest) or "kind"
                if err["type"] == "union_tag_invalid":
                    reason = "kind must be one of basic, typed, cloze, choice"
                elif err["type"] == "union_tag_not_found":
                    reason = "kind is missing"
                problems.append(f"{_where(origin, line)}: card {card_id(index)}: {field}: {reason}")
            else:
                field = ".".join(str(p) for p in loc) or "(top level)"
                line = deck_line if loc[:1] == ["deck"] else 0
                problems.append(f"{_where(origin, line)}: {field}: {reason}")
        raise DeckError(*sorted(problems, key=_line_order)) from None
    if problems:
        raise DeckError(*problems)
    return to_parsed(deck_file, origin)


def to_parsed(deck_file: DeckFile, origin: str = "") -> ParsedDeck:
    """A validated deck file as the parsed deck every format gives: an entry is a card, a
    cloze entry a card per gap, each keyed so that its progress survives a re-import."""
    meta = deck_file.deck
    cards: list[StudyCard] = []
    for card in deck_file.cards:
        common: dict[str, Any] = {
            "entry": card.id if isinstance(card, ClozeCard) else card.note or card.id,
            "kind": card.kind,
            "explanation": card.explanation,
            "tags": list(card.tags),
            "source_quote": card.source.quote if card.source else "",
            "source_para": card.source.para if card.source else None,
        }
        if isinstance(card, ClozeCard):
            for n in cloze_numbers(card.text):
                cards.append(StudyCard(
                    key=f"{card.id}#c{n}", cloze_text=card.text, cloze_number=n,
                    prompt=cloze_prompt(card.text, n), answer=cloze_answer(card.text, n),
                    **common,
                ))
            continue
        extra: dict[str, Any] = {}
        if isinstance(card, TypedCard):
            extra["accept"] = list(card.accept)
        if isinstance(card, ChoiceCard):
            extra["distractors"] = list(card.distractors)
        cards.append(StudyCard(key=card.id, prompt=card.prompt, answer=card.answer,
                               **extra, **common))
    return ParsedDeck(
        key=meta.id, name=meta.name, description=meta.description, source=meta.source,
        tags=list(meta.tags), cards=cards, new_per_day=meta.new_per_day,
        reviews_per_day=meta.reviews_per_day, origin=origin, source_text=meta.source_text,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a native deck file, for editors."""
    schema = DeckFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "trainer deck file"
    return schema
