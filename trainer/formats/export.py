"""Export a deck: native TOML/JSON that re-imports to the identical deck, or Anki-style CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def _entries(cards: list[dict]) -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for card in cards:
        if card["entry"] in entries:
            continue  # a further cloze number of an entry already written
        entry: dict[str, Any] = {"id": card["entry"], "kind": card["kind"]}
        if card["kind"] == "cloze":
            entry["text"] = card["cloze_text"]
        else:
            entry["prompt"] = card["prompt"]
            entry["answer"] = card["answer"]
        accept = json.loads(card["accept"] or "[]")
        distractors = json.loads(card["distractors"] or "[]")
        if card["kind"] == "typed" and accept:
            entry["accept"] = accept
        if card["kind"] == "choice":
            entry["distractors"] = distractors
        if card["explanation"]:
            entry["explanation"] = card["explanation"]
        if card["tags"]:
            entry["tags"] = card["tags"].split()
        if card["source_quote"] and card["source_para"]:
            entry["source"] = {"quote": card["source_quote"], "para": card["source_para"]}
        entries[card["entry"]] = entry
    return list(entries.values())


def native_document(deck: dict, cards: list[dict]) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": deck["key"], "name": deck["name"]}
    for field in ("description", "source"):
        if deck[field]:
            meta[field] = deck[field]
    if deck["tags"]:
        meta["tags"] = deck["tags"].split()
    return {"schema_version": 1, "deck": meta, "cards": _entries(cards)}


def to_toml(deck: dict, cards: list[dict]) -> str:
    import tomli_w

    return tomli_w.dumps(native_document(deck, cards), multiline_strings=True)


def to_json(deck: dict, cards: list[dict]) -> str:
    return json.dumps(native_document(deck, cards), ensure_ascii=False, indent=2) + "\n"


def to_csv(deck: dict, cards: list[dict]) -> str:
    """Anki text-import CSV: Front, Back, Tags, GUID (clozes keep their {{c1::...}} text)."""
    out = io.StringIO(newline="")
    out.write("#separator:Comma\n#html:false\n")
    out.write(f"#deck:{deck['name']}\n")
    out.write("#columns:Front,Back,Tags,GUID\n#tags column:3\n#guid column:4\n")
    writer = csv.writer(out, lineterminator="\n")
    seen = set()
    for card in cards:
        if card["entry"] in seen:
            continue
        seen.add(card["entry"])
        if card["kind"] == "cloze":
            front, back = card["cloze_text"], card["explanation"]
        else:
            front, back = card["prompt"], card["answer"]
        writer.writerow([front, back, card["tags"], card["entry"]])
    return out.getvalue()
