"""Study and quiz sessions: the queue, SM-2's same-day repeats, undo and the summary.

No Textual here: the TUI drives these objects, and tests drive them directly. Every answer is
written by ``Store.record_review`` (committed) before the session moves to the next card.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from trainer.answers import check_typed, choice_options
from trainer.formats.cloze import cloze_full
from trainer.render.words import interval
from trainer.rules import PASS, QUIZ_RIGHT, QUIZ_WRONG, REPEAT_UNTIL, SUGGESTED, Verdict
from trainer.scheduler import sm2
from trainer.store import Card, Deck, QueueItem, Store

REPEAT_GAP = 3  # a card graded below 4 comes back after this many other cards


@dataclass(frozen=True)
class CardView:
    """What the screen shows of a card."""

    card_id: int
    kind: str
    prompt: str
    answer: str
    full_text: str  # for cloze: the text with every gap filled
    accept: tuple[str, ...]
    options: list[str]  # choice: shuffled, answer included
    explanation: str
    source_quote: str
    source_para: int | None
    deck_id: int

    @classmethod
    def of(cls, card: Card) -> CardView:
        options = (
            choice_options(card.answer, list(card.distractors), card.shuffle_seed)
            if card.kind == "choice" else []
        )
        return cls(
            card_id=card.id, kind=card.kind, prompt=card.prompt, answer=card.answer,
            full_text=cloze_full(card.cloze_text) if card.kind == "cloze" else "",
            accept=card.accept, options=options, explanation=card.explanation,
            source_quote=card.source_quote, source_para=card.source_para,
            deck_id=card.deck_id,
        )

    def check(self, given: str) -> Verdict:
        """Typed: 'right', 'close' or 'wrong'. Choice: ``given`` is the chosen option."""
        if self.kind == "choice":
            return "right" if given == self.answer else "wrong"
        return check_typed(given, self.answer, self.accept)

    def suggested(self, verdict: Verdict | None) -> int | None:
        return None if verdict is None else SUGGESTED[verdict]


@dataclass
class Answered:
    card_id: int
    bucket: str
    quality: int
    answer_ms: int
    requeued: bool


@dataclass
class Summary:
    studied: int
    answers: int
    grades: dict[int, int]
    accuracy: float | None
    seconds: float
    next_due: date | None
    due_tomorrow: int


@dataclass
class StudySession:
    store: Store
    deck: Deck | None = None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    queue: list[QueueItem] = field(default_factory=list)
    history: list[Answered] = field(default_factory=list)
    started: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.store.now()
        self.reload()

    def reload(self) -> None:
        self.queue = self.store.due_queue(self.deck)
        self._views: dict[int, CardView] = {}

    # -- what is showing --------------------------------------------------------------------

    @property
    def current(self) -> QueueItem | None:
        return self.queue[0] if self.queue else None

    def view(self, item: QueueItem | None = None) -> CardView:
        item = item or self.current
        if item is None:
            raise LookupError("the session is finished")
        if item.card_id not in self._views:
            self._views[item.card_id] = CardView.of(self.store.card(item.card_id))
        return self._views[item.card_id]

    def counts(self) -> dict[str, int]:
        c = Counter(item.bucket for item in self.queue)
        return {"new": c["new"], "review": c["review"], "repeat": c["repeat"]}

    def preview(self) -> dict[int, str]:
        """Each grade's outcome for the current card, for the grade keys."""
        item = self.current
        if item is None:
            return {}
        if item.bucket == "repeat":
            # SM-2's same-day repeats leave the schedule alone: below 4 means "again today".
            return {q: ("again" if q < REPEAT_UNTIL else "done") for q in range(6)}
        state = self.store.state(item.card_id).sm2
        outcomes = sm2.preview(
            state, lapse_updates_easiness=self.store.settings.lapse_updates_easiness
        )
        return {q: interval(s.interval) for q, s in outcomes.items()}

    @property
    def finished(self) -> bool:
        return not self.queue

    # -- acting -----------------------------------------------------------------------------

    def grade(self, quality: int, answer_ms: int = 0) -> int:
        """Record the current card's grade (committed), then move on. Returns the log id."""
        item = self.current
        if item is None:
            raise LookupError("the session is finished")
        kind = "repeat" if item.bucket == "repeat" else "scheduled"
        review_id = self.store.record_review(
            item.card_id, quality, kind, answer_ms=answer_ms, session_id=self.session_id
        )
        self.queue.pop(0)
        requeued = quality < REPEAT_UNTIL
        if requeued:
            gap = min(REPEAT_GAP, len(self.queue))
            self.queue.insert(gap, QueueItem.of(item.card_id, "repeat"))
        self.history.append(Answered(item.card_id, item.bucket, quality, answer_ms, requeued))
        return review_id

    def undo(self) -> bool:
        """Take back the last grade of this session: the card shows again, as it was."""
        if not self.history:
            return False
        last = self.history.pop()
        undone = self.store.undo_last_review(self.session_id)
        if undone is None:  # the log no longer has it (undone elsewhere): keep in step
            return False
        if last.requeued:
            for i, item in enumerate(self.queue):
                if item.card_id == last.card_id and item.bucket == "repeat":
                    del self.queue[i]
                    break
        self.queue.insert(0, QueueItem.of(last.card_id, last.bucket))
        return True

    def suspend(self) -> None:
        item = self._drop_current()
        self.store.suspend(item.card_id)

    def bury(self) -> None:
        item = self._drop_current()
        self.store.bury_until_tomorrow(item.card_id)

    def _drop_current(self) -> QueueItem:
        item = self.current
        if item is None:
            raise LookupError("the session is finished")
        self.queue = [q for q in self.queue if q.card_id != item.card_id]
        return item

    # -- the end ----------------------------------------------------------------------------

    def summary(self) -> Summary:
        grades = Counter(a.quality for a in self.history)
        scheduled = [a for a in self.history if a.bucket != "repeat"]
        passed = sum(1 for a in scheduled if a.quality >= PASS)
        next_due, tomorrow = self.store.next_due(self.deck)
        elapsed = (self.store.now() - self.started).total_seconds()
        return Summary(
            studied=len({a.card_id for a in self.history}),
            answers=len(self.history),
            grades={q: grades.get(q, 0) for q in range(6)},
            accuracy=passed / len(scheduled) if scheduled else None,
            seconds=max(0.0, elapsed),
            next_due=next_due,
            due_tomorrow=tomorrow,
        )


@dataclass
class QuizResult:
    total: int
    right: int
    misses: list[tuple[CardView, str]]  # the card and what was answered


class QuizSession:
    """N random questions; answers are logged as ``quiz`` rows and change no schedule."""

    def __init__(self, store: Store, deck: Deck | None, n: int = 20, seed: int | None = None):
        self.store = store
        self.deck = deck
        self.session_id = uuid.uuid4().hex
        ids = store.card_ids(deck.id if deck else None)
        rng = random.Random(seed)
        self.card_ids = rng.sample(ids, min(n, len(ids)))
        self.index = 0
        self.right = 0
        self.misses: list[tuple[CardView, str]] = []
        self._view: CardView | None = None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.card_ids)

    @property
    def total(self) -> int:
        return len(self.card_ids)

    def view(self) -> CardView:
        """The current question, read once (the screen asks for it on every key)."""
        card_id = self.card_ids[self.index]
        if self._view is None or self._view.card_id != card_id:
            self._view = CardView.of(self.store.card(card_id))
        return self._view

    def answer(self, correct: bool, given: str = "", answer_ms: int = 0) -> None:
        view = self.view()
        self.store.record_review(view.card_id, QUIZ_RIGHT if correct else QUIZ_WRONG, "quiz",
                                 answer_ms=answer_ms, session_id=self.session_id)
        if correct:
            self.right += 1
        else:
            self.misses.append((view, given))
        self.index += 1

    def result(self) -> QuizResult:
        return QuizResult(self.total, self.right, list(self.misses))
