"""A quiz: N random questions; answers are logged as quiz rows and change no schedule."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from trainer.rules import QUIZ_RIGHT, QUIZ_WRONG
from trainer.sessions.card_view import CardView
from trainer.store import Deck, DeckTree, Store


@dataclass
class QuizResult:
    """How a quiz went: how many questions, how many right, and each miss with what was
    answered (the result screen lists them to learn from)."""

    total: int
    right: int
    misses: list[tuple[CardView, str]]  # the card and what was answered


class QuizSession:
    """N random questions; answers are logged as ``quiz`` rows and change no schedule."""

    def __init__(self, store: Store, decks: Deck | DeckTree | None, n: int = 20,
                 seed: int | None = None):
        """``decks``: one deck, a deck or parent with the decks under it, or every deck."""
        self.store = store
        self.session_id = uuid.uuid4().hex
        ids = store.cards.in_play(None if decks is None else [decks.id] if isinstance(
            decks, Deck) else decks.ids)
        rng = random.Random(seed)
        self.card_ids = rng.sample(ids, min(n, len(ids)))
        self.index = 0
        self.right = 0
        self.misses: list[tuple[CardView, str]] = []
        self._view: CardView | None = None

    @property
    def finished(self) -> bool:
        """Every question asked: the result comes next."""
        return self.index >= len(self.card_ids)

    @property
    def total(self) -> int:
        """How many questions the quiz asks."""
        return len(self.card_ids)

    def view(self) -> CardView:
        """The current question, read once (the screen asks for it on every key)."""
        card_id = self.card_ids[self.index]
        if self._view is None or self._view.card_id != card_id:
            self._view = CardView.of(self.store.cards.get(card_id),
                                     self.store.reviews.answer_count(card_id))
        return self._view

    def answer(self, correct: bool, given: str = "", answer_ms: int = 0) -> None:
        """Record the answer to the current question (committed, as a quiz row that moves no
        schedule) and go on to the next."""
        view = self.view()
        self.store.reviews.record(view.card_id, QUIZ_RIGHT if correct else QUIZ_WRONG, "quiz",
                                  answer_ms=answer_ms, session_id=self.session_id)
        if correct:
            self.right += 1
        else:
            self.misses.append((view, given))
        self.index += 1

    def result(self) -> QuizResult:
        """The quiz's result so far (the whole of it once finished)."""
        return QuizResult(self.total, self.right, list(self.misses))
