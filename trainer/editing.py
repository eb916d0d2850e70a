"""An entry as a small TOML snippet, for editing and adding cards in the app, in `$EDITOR` or
from `trainer add`: written from the cards of one entry, read back through the same pydantic
model and checks as a deck file, so an edit can never store what an import would refuse."""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING, Any

from trainer.errors import UserError
from trainer.exporter import entries, entry_fields
from trainer.formats.errors import DeckError, shown
from trainer.formats.limits import (
    MAX_ENTRY,
    MAX_TEXT,
    card_problems,
    summarised,
    text_problems,
)
from trainer.formats.native import parse_native
from trainer.render.words import escaped
from trainer.rules import CardKind
from trainer.tomltext import Unreadable, read_toml

if TYPE_CHECKING:
    from trainer.formats.model import StudyCard
    from trainer.store.records import Card, Deck

TEMPLATES = {
    "basic": 'prompt = ""\nanswer = ""\n',
    "typed": 'prompt = ""\nanswer = ""\naccept = []\n',
    "cloze": 'text = "The {{c1::hidden words}} of the sentence."\n',
    "choice": 'prompt = ""\nanswer = ""\ndistractors = ["", ""]\n',
}
FIELD_ORDER = ("id", "kind", "prompt", "text", "answer", "accept", "distractors", "explanation",
               "tags", "source")


class SnippetError(UserError):
    """One line a problem, each naming its field: shown beside the editor."""


def entry_snippet(cards: list[Card], key: str | None = None) -> str:
    """The TOML of the entry these cards (one note's) came from; of a note's several cards
    (an Anki note with a reversed card), the one with ``key``."""
    import tomli_w

    found = entries(cards)
    entry = entry_fields(next((e for e in found if e.id == key), found[0]))
    ordered = {k: entry[k] for k in FIELD_ORDER if k in entry}
    return escaped(tomli_w.dumps(ordered, multiline_strings=True))  # an editor shows it


def new_snippet(entry_id: str, kind: CardKind) -> str:
    return (f'# kind: basic, typed, cloze or choice (docs/deck-format.md)\n'
            f'id = "{entry_id}"\nkind = "{kind}"\n{TEMPLATES[kind]}explanation = ""\n'
            f'tags = []\n')


def read_snippet(text: str, deck: Deck, keep_id: str | None = None) -> list[StudyCard]:
    """The study cards an entry snippet makes; SnippetError with every problem otherwise.
    ``keep_id``: an edit's entry, whose id cannot change (it keys the card's progress)."""
    if len(text) > MAX_ENTRY:
        raise SnippetError(f"longer than {MAX_ENTRY:,} characters (a field holds at most "
                           f"{MAX_TEXT:,})")
    try:
        raw: dict[str, Any] = read_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise SnippetError(f"not valid TOML: {exc}") from None
    except Unreadable as exc:
        raise SnippetError(str(exc)) from None
    if "cards" in raw or "deck" in raw:
        raise SnippetError("one card's fields only (id, kind, prompt, answer, …), without "
                           "[deck] or [[cards]]")
    if keep_id is not None and raw.get("id") != keep_id:
        raise SnippetError(f"id: stays {keep_id!r} (it keys the card's progress)")
    problems = [f"{shown(name, 40)}: {reason}" for name, value in raw.items()
                for reason in _value_problems(name) + _value_problems(value)]
    if problems:  # before the snippet is written out again, which a lone surrogate breaks
        raise SnippetError(*problems)
    for empty in ("explanation",):
        if raw.get(empty) == "":
            del raw[empty]
    import tomli_w

    document = {"schema_version": 1, "deck": {"id": deck.key, "name": deck.name or deck.key},
                "cards": [raw]}
    try:
        parsed = parse_native(tomli_w.dumps(document).encode(), "card")
    except DeckError as exc:
        raise SnippetError(*[_field_first(line) for line in exc.lines]) from None
    except (TypeError, ValueError) as exc:  # a value TOML can hold but a deck file cannot
        raise SnippetError(str(exc)) from None
    problems = summarised(card_problems(parsed.cards))  # the import's own limits
    if problems:
        raise SnippetError(*[re.sub(r"^card [^:]+: ", "", line) for line in problems])
    return parsed.cards


def _value_problems(value: object) -> list[str]:
    """NUL, lone surrogates and length in a value of the snippet, whatever its shape."""
    if isinstance(value, str):
        return text_problems(value)
    if isinstance(value, list):
        return [p for v in value for p in _value_problems(v)]
    if isinstance(value, dict):
        return [p for v in [*value, *value.values()] for p in _value_problems(v)]
    return []


def _field_first(line: str) -> str:
    """"card:7: card x: answer: too short" -> "answer: too short"."""
    return re.sub(r"^card(:\d+)?: (card [^:]+: )?", "", line)
