"""Export a deck: native TOML/JSON that re-imports to the identical deck, or Anki-style CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from trainer.store.records import Card, Deck


def entries(cards: list[Card]) -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for card in cards:
        # a cloze note is one entry, whatever its gaps; any other card is its own entry, and
        # names its note when it shares one (an Anki note with a reversed card)
        name = card.entry if card.kind == "cloze" else card.key
        if name in entries:
            continue  # a further gap of a cloze already written
        entry: dict[str, Any] = {"id": name, "kind": card.kind}
        if card.kind != "cloze" and card.entry != card.key:
            entry["note"] = card.entry
        if card.kind == "cloze":
            entry["text"] = card.cloze_text
        else:
            entry["prompt"] = card.prompt
            entry["answer"] = card.answer
        if card.kind == "typed" and card.accept:
            entry["accept"] = list(card.accept)
        if card.kind == "choice":
            entry["distractors"] = list(card.distractors)
        if card.explanation:
            entry["explanation"] = card.explanation
        if card.tags:
            entry["tags"] = list(card.tags)
        if card.source_quote and card.source_para:
            entry["source"] = {"quote": card.source_quote, "para": card.source_para}
        entries[name] = entry
    return list(entries.values())


def native_document(deck: Deck, cards: list[Card]) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": deck.key, "name": deck.name}
    if deck.description:
        meta["description"] = deck.description
    if deck.source:
        meta["source"] = deck.source
    if deck.tags:
        meta["tags"] = list(deck.tags)
    for limit in ("new_per_day", "reviews_per_day"):
        if getattr(deck, limit) is not None:
            meta[limit] = getattr(deck, limit)
    return {"schema_version": 1, "deck": meta, "cards": entries(cards)}


def to_toml(deck: Deck, cards: list[Card]) -> str:
    import tomli_w

    return tomli_w.dumps(native_document(deck, cards), multiline_strings=True)


def to_json(deck: Deck, cards: list[Card]) -> str:
    return json.dumps(native_document(deck, cards), ensure_ascii=False, indent=2) + "\n"


def to_csv(deck: Deck, cards: list[Card]) -> str:
    """Anki text-import CSV: Front, Back, Tags, GUID and Kind (clozes keep their {{c1::...}}
    text). What a row cannot carry (accepted answers, distractors, a basic card's
    explanation, sources) stays in trainer on re-import: see ``csv_losses``."""
    out = io.StringIO(newline="")
    out.write("#separator:Comma\n#html:false\n")
    out.write(f"#deck:{deck.name}\n")
    out.write("#columns:Front,Back,Tags,GUID,Kind\n#tags column:3\n#guid column:4\n")
    writer = csv.writer(out, lineterminator="\n")
    seen = set()
    for card in cards:
        name = card.entry if card.kind == "cloze" else card.key  # as entries() names them
        if name in seen:
            continue
        seen.add(name)
        if card.kind == "cloze":
            front, back = card.cloze_text, card.explanation
        else:
            front, back = card.prompt, card.answer
        writer.writerow([front, back, " ".join(card.tags), name, card.kind])
    return out.getvalue()


def csv_losses(cards: list[Card]) -> list[str]:
    """One line per kind of field a CSV export leaves out, naming the cards."""
    lost: dict[str, list[str]] = {}
    for card in cards:
        if card.kind == "choice":
            lost.setdefault("the options of multiple-choice cards",
                            []).append(card.key)
        if card.accept:
            lost.setdefault("accepted answers", []).append(card.key)
        if card.kind != "cloze" and card.explanation:
            lost.setdefault("explanations", []).append(card.key)
        if card.source_quote:
            lost.setdefault("source quotes", []).append(card.key)
    return [f"{what} are not in the CSV (kept in trainer on re-import): "
            f"{', '.join(keys[:5])}{' …' if len(keys) > 5 else ''}"
            for what, keys in lost.items()]
