"""What crosses the store's boundary: frozen records, never a table model or a bare dict.

The store builds these from rows; everything above it (sessions, importer, statistics, the
screens and the CLI) reads their fields by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# the day's rules' records cross the store's boundary too
from trainer.domain.records import CardState as CardState
from trainer.domain.records import QueueItem as QueueItem
from trainer.rules import CardKind, LeechAction, ReviewKind, Scheduler, is_marked
from trainer.scheduler import sm2


@dataclass(frozen=True, slots=True)
class Deck:
    id: int
    key: str
    name: str
    description: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    new_per_day: int | None = None
    reviews_per_day: int | None = None


SEP = "::"  # Anki's nested deck names: "Spanish::Verbs" is a subdeck of "Spanish"


@dataclass(frozen=True, slots=True)
class DeckTree:
    """What a deck argument names: a deck with the decks under it ("Spanish" with
    "Spanish::Verbs"), or a parent that is only a name (no deck "Spanish", only its
    subdecks) with the decks under it."""

    name: str
    deck: Deck | None  # the deck of that name; None for a parent that is only a name
    subdecks: tuple[Deck, ...] = ()  # every deck under it, by name

    @property
    def decks(self) -> tuple[Deck, ...]:
        """The deck itself, if it is one, then every deck under it."""
        return self.subdecks if self.deck is None else (self.deck, *self.subdecks)

    @property
    def ids(self) -> list[int]:
        """The ids of ``decks``."""
        return [d.id for d in self.decks]

    @property
    def label(self) -> str:
        """The tree for a person: "Spanish [spanish]" for a deck, "Spanish (2 decks)" for a
        parent that is only a name."""
        if self.deck is not None:
            return f"{self.deck.name} [{self.deck.key}]"
        n = len(self.subdecks)
        return f"{self.name} ({n} deck{'' if n == 1 else 's'})"


@dataclass(frozen=True, slots=True)
class Card:
    """A study card. ``entry`` names its note: the cards of one note are siblings."""

    id: int
    deck_id: int
    key: str
    entry: str
    kind: CardKind
    prompt: str = ""
    answer: str = ""
    accept: tuple[str, ...] = ()
    distractors: tuple[str, ...] = ()
    cloze_text: str = ""
    cloze_number: int | None = None
    explanation: str = ""
    source_quote: str = ""
    source_para: int | None = None
    tags: tuple[str, ...] = ()
    content_hash: int = 0
    position: int = 0
    shuffle_seed: int = 0
    created_at: datetime | None = None
    flag: int = 0  # the student's flag, as Anki's: 0 none, 1-7 a colour (rules.FLAG_COLOURS)

    @property
    def marked(self) -> bool:
        """Marked, as Anki marks: it carries the `marked` tag."""
        return is_marked(self.tags)


# The fields a review row keeps before and after: what undo restores and replay rebuilds.
STATE_FIELDS = ("repetitions", "easiness_x100", "interval", "due", "reviews", "lapses",
                "stability", "difficulty")
FLAG_FIELDS = ("suspended", "buried_until")
LOGGED_FIELDS = (*STATE_FIELDS, *FLAG_FIELDS)
# a card with no log rows: the state before its first
NEW_LOGGED: dict[str, object] = {
    "repetitions": 0, "easiness_x100": sm2.INITIAL_EASINESS_X100, "interval": 0, "due": None,
    "reviews": 0, "lapses": 0, "stability": None, "difficulty": None, "suspended": False,
    "buried_until": None}
assert tuple(NEW_LOGGED) == LOGGED_FIELDS


@dataclass(frozen=True, slots=True)
class Limits:
    new_per_day: int
    reviews_per_day: int


UNLIMITED = Limits(10**9, 10**9)


@dataclass(frozen=True, slots=True)
class DeckSummary:
    """A deck's line in the deck list: its cards and what is left to study today."""

    id: int
    key: str
    name: str
    cards: int
    new: int
    due: int
    repeat: int
    suspended: int
    last_studied: datetime | None  # the latest scheduled answer


@dataclass(frozen=True, slots=True)
class Overview:
    """The deck list: each deck alone, and all decks together as "study all" studies them
    (the overall daily limit can make that less than the decks' sum)."""

    decks: list[DeckSummary]
    new: int
    due: int
    repeat: int


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One row of the review log: an answer, an import or a reset, with the state around it."""

    card_id: int
    reviewed_at: datetime
    study_day: date
    hour: int
    quality: int
    kind: ReviewKind
    before_repetitions: int
    before_easiness_x100: int
    before_interval: int
    after_repetitions: int
    after_easiness_x100: int
    after_interval: int
    before_due: date | None = None
    before_reviews: int = 0
    before_lapses: int = 0
    after_due: date | None = None
    after_reviews: int = 0
    after_lapses: int = 0
    before_suspended: bool = False
    before_buried_until: date | None = None
    after_suspended: bool = False
    after_buried_until: date | None = None
    action_id: int | None = None
    session_id: str = ""
    answer_ms: int = 0
    lapse_updates_easiness: bool = False
    id: int | None = None
    before_stability: float | None = None
    before_difficulty: float | None = None
    after_stability: float | None = None
    after_difficulty: float | None = None
    params_id: int | None = None  # the FSRS parameter set that scheduled it; None: SM-2


@dataclass(frozen=True, slots=True)
class UndoneReview:
    """What undo took back: the action's first row, and what came with it."""

    review_id: int
    card_id: int
    kind: ReviewKind
    quality: int
    session_id: str
    unburied: tuple[int, ...] = ()  # siblings the grade had buried
    leech_undone: bool = False  # the leech action the grade had triggered
    label: str = ""  # what it took back, in words: "the grade 4 of 'q3'"
    card_ids: tuple[int, ...] = ()  # the cards of its first row's kind (many: a bulk change)


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo of the newest action of any session took back: in words ("the grade 4 of
    'q3'", "the deletion of deck 'Spanish' (12 cards)"), the cards it gave back, and the log's
    action when it was one."""

    label: str
    card_ids: tuple[int, ...] = ()
    review: UndoneReview | None = None


@dataclass(frozen=True, slots=True)
class DeckOptions:
    """A deck's options as they apply: set in the app, else config.toml [decks.KEY], else the
    deck file, else the default (``origin`` says which, per option, for the options dialog)."""

    new_per_day: int
    reviews_per_day: int
    bury_new_siblings: bool
    bury_review_siblings: bool
    leech_lapses: int
    leech_action: LeechAction
    origin: dict[str, str] = field(default_factory=dict, compare=False)
    # which scheduler the deck's cards are scheduled by; the rest is FSRS's
    scheduler: Scheduler = "sm2"
    desired_retention: float = 0.90
    maximum_interval: int = sm2.MAX_INTERVAL
    fitted_params_id: int | None = None  # trainer optimize's parameter set, if fitted


@dataclass(frozen=True, slots=True)
class Switched:
    """What switching decks to a scheduler does, or did: the decks whose scheduler changes,
    and the cards whose state it works out again from their history (a new memory, and
    unless the due dates are kept, a new due date)."""

    scheduler: Scheduler
    changed: int  # cards whose state changes
    studied: int  # the decks' cards with a history (the rest are new under either)
    decks: tuple[str, ...] = ()  # the names of the decks whose scheduler changes
    rescheduled: int = 0  # cards given a new due date
    due_today: int = 0  # cards due today (or overdue) after it that were not before
    keep_due: bool = False  # the due dates kept, only the memory worked out again


# the options a deck file or config.toml may set as well as the app; what `trainer deck
# options` and the options dialog set (a scheduler is chosen by switching, not set)
OPTIONS = ("new_per_day", "reviews_per_day", "bury_new_siblings", "bury_review_siblings",
           "leech_lapses", "leech_action")
SETTABLE = (*OPTIONS, "desired_retention", "maximum_interval")


@dataclass(frozen=True, slots=True)
class ParamSet:
    """An FSRS parameter set as stored: what it schedules with, and where it came from."""

    id: int
    weights: tuple[float, ...]
    desired_retention: float
    maximum_interval: int
    fitted_at: datetime | None = None
    reviews: int = 0
    deck_id: int | None = None


@dataclass(slots=True)
class ImportCounts:
    """What writing one parsed deck changed."""

    deck_id: int
    new_deck: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    retired: int = 0  # a family's cards no longer in their files (see store.imports)
    missing: list[str] = field(default_factory=list)  # keys no longer in the file
    replaced: list[str] = field(default_factory=list)  # in-app edits the file replaced
    kinds_changed: list[str] = field(default_factory=list)  # "key (basic → typed)"


@dataclass(frozen=True, slots=True)
class CitedCard:
    """A card in play that cites a paragraph of its deck's source: what the source map shows
    of it, with its scheduled answers as a young or mature card in the last 30 days."""

    para: int
    entry: str
    quote: str
    repetitions: int
    interval: int
    reviews: int
    due: date | None
    recent: int
    recent_passed: int


# what a bulk action does to each card (the browser, `trainer suspend|unsuspend|reset QUERY`)
Change = Literal["suspend", "unsuspend", "bury", "unbury", "reset", "reschedule"]


@dataclass(frozen=True, slots=True)
class FoundCard:
    """One row of a search result: what the browser's table shows."""

    id: int
    deck_key: str
    key: str
    kind: CardKind
    prompt: str
    answer: str
    due: date | None
    interval: int
    easiness_x100: int
    lapses: int
    reviews: int
    suspended: bool
    buried_until: date | None
    retired: bool
    created_at: datetime | None
    flag: int = 0
    tags: tuple[str, ...] = ()  # the card's own

    @property
    def marked(self) -> bool:
        """Marked, as Anki marks: it carries the `marked` tag."""
        return is_marked(self.tags)


@dataclass(frozen=True, slots=True)
class Annotated:
    """What flagging, marking or retagging cards changed: the cards, and the undo journal's
    entry that takes it back (None when nothing changed)."""

    card_ids: tuple[int, ...] = ()
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of a search: its rows, and how many cards match in all."""

    total: int
    cards: list[FoundCard]


@dataclass(slots=True)
class MemoryHistory:
    """One card's scheduled reviews since it was last new: (study day, grade 0-5) each,
    oldest first. ``from_new`` is False when it started from an imported state (its first
    learning is not in the log)."""

    card_id: int
    reviews: list[tuple[date, int]] = field(default_factory=list)
    from_new: bool = True
