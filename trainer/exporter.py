"""Export a deck: native TOML/JSON that re-imports to the identical deck, or Anki-style CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from trainer.formats.model import (
    BasicCard,
    CardEntry,
    ChoiceCard,
    ClozeCard,
    DeckFile,
    DeckMeta,
    Source,
    TypedCard,
)
from trainer.store.records import Card, Deck

# The order an entry's fields are written in: the file's own, kind first (the models list the
# fields every kind shares first).
ENTRY_ORDER = ("id", "kind", "note", "text", "prompt", "answer", "accept", "distractors",
               "explanation", "tags", "source")


def entries(cards: list[Card]) -> list[CardEntry]:
    """The deck-file entries ``cards`` came from: a cloze note is one entry, whatever its
    gaps; any other card is its own entry."""
    found: dict[str, CardEntry] = {}
    for card in cards:
        name = card.entry if card.kind == "cloze" else card.key
        if name not in found:  # else a further gap of a cloze already written
            found[name] = _entry(card, name)
    return list(found.values())


def _entry(card: Card, name: str) -> CardEntry:
    """The entry of ``card``, which names its note when it shares one (an Anki note with a
    reversed card). Built without validation: what the store holds was checked on its way in,
    and an export must write what is there."""
    note = card.entry if card.kind != "cloze" and card.entry != card.key else None
    source = (Source.model_construct(quote=card.source_quote, para=card.source_para)
              if card.source_quote and card.source_para else None)
    tags = list(card.tags)
    if card.kind == "cloze":
        return ClozeCard.model_construct(id=name, kind="cloze", text=card.cloze_text,
                                         explanation=card.explanation, tags=tags,
                                         source=source)
    if card.kind == "typed":
        return TypedCard.model_construct(id=name, kind="typed", note=note, prompt=card.prompt,
                                         answer=card.answer, accept=list(card.accept),
                                         explanation=card.explanation, tags=tags,
                                         source=source)
    if card.kind == "choice":
        return ChoiceCard.model_construct(id=name, kind="choice", note=note,
                                          prompt=card.prompt, answer=card.answer,
                                          distractors=list(card.distractors),
                                          explanation=card.explanation, tags=tags,
                                          source=source)
    return BasicCard.model_construct(id=name, kind="basic", note=note, prompt=card.prompt,
                                     answer=card.answer, explanation=card.explanation,
                                     tags=tags, source=source)


def deck_file(deck: Deck, cards: list[Card]) -> DeckFile:
    """The native deck file that re-imports to ``deck`` and its ``cards``."""
    meta = DeckMeta.model_construct(
        id=deck.key, name=deck.name, description=deck.description, source=deck.source,
        tags=list(deck.tags), new_per_day=deck.new_per_day,
        reviews_per_day=deck.reviews_per_day)
    return DeckFile.model_construct(schema_version=1, deck=meta, cards=entries(cards))


def _in_order(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in ENTRY_ORDER if name in fields}


def entry_fields(entry: CardEntry) -> dict[str, Any]:
    """An entry's fields as its file writes them: those that differ from their defaults, in
    ENTRY_ORDER."""
    return _in_order(entry.model_dump(exclude_defaults=True))


def native_document(deck: Deck, cards: list[Card]) -> dict[str, Any]:
    """The deck file of ``deck`` as the plain document TOML and JSON write: the fields that
    differ from their defaults (an empty deck's empty list of cards too), its entries' in
    ENTRY_ORDER."""
    document = deck_file(deck, cards).model_dump(exclude_defaults=True)
    document["cards"] = [_in_order(entry) for entry in document.get("cards", [])]
    return document


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
