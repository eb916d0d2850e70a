"""Deck files as pydantic models, and the parsed deck every importer produces.

The file models (``DeckFile`` and its cards) validate what a user wrote: ``extra="forbid"`` makes
a typo an error. Every format parser returns a ``ParsedDeck`` of study cards, which the importer
turns into table rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from trainer.rules import CardKind

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
Text = Annotated[str, StringConstraints(min_length=1)]
Tag = Annotated[str, StringConstraints(pattern=r"^\S+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Source(_Strict):
    """Where in the deck's source text a card comes from: the words it quotes and their
    paragraph, for the source map and `trainer lint`."""

    quote: Text
    para: Annotated[int, Field(ge=1)]


Limit = Annotated[int, Field(ge=0, le=1_000_000)]


class DeckMeta(_Strict):
    """The deck itself: its id (the key that finds it again on re-import), its name and
    what it is about."""

    id: Slug
    name: Text
    description: str = ""
    source: str = ""
    tags: list[Tag] = []
    # the author's suggested daily limits; the student's own settings win
    new_per_day: Limit | None = None
    reviews_per_day: Limit | None = None
    # the text the cards quote, relative to the deck file: `trainer lint` checks the quotes
    # against it (the bundled decks leave it unset: the article is not ours to ship)
    source_text: str | None = None


class _CardBase(_Strict):
    id: Slug
    # the note a card shares with others made from it (an Anki note with a reversed card):
    # siblings are buried together; a cloze's gaps are always one note, its own id
    note: Slug | None = None
    explanation: str = ""
    tags: list[Tag] = []
    source: Source | None = None


class BasicCard(_CardBase):
    """A prompt and its answer: the student recalls it, sees the answer and grades
    themselves."""

    kind: Literal["basic"]
    prompt: Text
    answer: Text


class TypedCard(_CardBase):
    """A prompt whose answer the student types, checked against the answer and the other
    answers it accepts."""

    kind: Literal["typed"]
    prompt: Text
    answer: Text
    accept: list[Text] = []


class ClozeCard(_CardBase):
    """A text with gaps, {{c1::answer}} or {{c1::answer::hint}}: one card a gap number,
    siblings of one note."""

    kind: Literal["cloze"]
    text: Text

    @field_validator("text")
    @classmethod
    def _has_clozes(cls, value: str) -> str:
        from trainer.formats.cloze import cloze_numbers
        from trainer.formats.limits import cloze_problem

        problem = cloze_problem(value)  # asked here, before the text makes a card a gap
        if problem:
            raise ValueError(problem)
        if not cloze_numbers(value):
            raise ValueError("has no cloze such as {{c1::answer}}")
        return value


class ChoiceCard(_CardBase):
    """A prompt and its answer shown among distractors, in an order that changes between
    showings."""

    kind: Literal["choice"]
    prompt: Text
    answer: Text
    distractors: list[Text]

    @field_validator("distractors")
    @classmethod
    def _distinct(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if len(value) < 2:
            raise ValueError("needs at least 2 distractors")
        folded = [v.strip().casefold() for v in value]
        if len(set(folded)) != len(folded):
            raise ValueError("distractors must be distinct")
        answer = info.data.get("answer")
        if answer is not None and answer.strip().casefold() in folded:
            raise ValueError("a distractor equals the answer")
        return value


CardEntry = Annotated[BasicCard | TypedCard | ClozeCard | ChoiceCard, Field(discriminator="kind")]


class DeckFile(_Strict):
    """A native deck file (TOML, or JSON of the same shape)."""

    schema_version: Literal[1]
    deck: DeckMeta
    cards: list[CardEntry] = []


# -- what every parser returns --------------------------------------------------------------
# Plain dataclasses, not pydantic: they carry what a parser has already checked, and a
# 100,000-row spreadsheet should not pay for validating it twice.


@dataclass(slots=True)
class ImportedState:
    """Review state carried over from another program (an Anki package)."""

    repetitions: int
    easiness_x100: int
    interval: int
    due: date | None
    reviews: int = 0
    lapses: int = 0


@dataclass(slots=True)
class StudyCard:
    """One study card (a cloze entry yields one per cloze number)."""

    key: str
    entry: str
    kind: CardKind
    prompt: str = ""
    answer: str = ""
    accept: list[str] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)
    cloze_text: str = ""
    cloze_number: int | None = None
    explanation: str = ""
    source_quote: str = ""
    source_para: int | None = None
    tags: list[str] = field(default_factory=list)
    state: ImportedState | None = None
    suspended: bool = False
    buried: bool = False


@dataclass(slots=True)
class ParsedDeck:
    """A deck as any parser reads it, whatever its format: what the importer writes, and
    what it reports (``notes``) about the file."""

    key: str
    name: str
    description: str = ""
    source: str = ""
    tags: list[str] = field(default_factory=list)
    cards: list[StudyCard] = field(default_factory=list)
    new_per_day: int | None = None
    reviews_per_day: int | None = None
    origin: str = ""  # the file it came from, for messages
    source_text: str | None = None  # see DeckMeta.source_text
    # the key was made from a name (a CSV's #deck:, an Anki deck, --deck): an import finds an
    # existing deck by that name as a DECK argument does, instead of making a second one
    named: bool = False
    # the fields its format can hold (None: every field); on re-import the others are kept
    carries: frozenset[str] | None = None
    notes: list[str] = field(default_factory=list)  # for the report (media, skipped rows)
